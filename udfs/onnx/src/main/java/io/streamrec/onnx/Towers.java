package io.streamrec.onnx;

import io.streamrec.core.model.ModelManifest;

/** What the item and user towers share. */
final class Towers {
  private Towers() {}

  /** The manifest's {@code embedding_dim}, which must be set and positive. */
  static int dimension(ModelSession model) {
    ModelManifest m = model.manifest();
    if (m.embeddingDim() == null || m.embeddingDim() <= 0) {
      throw new ModelArtifactException(model.manifestFile() + " has no valid embedding_dim (" + m.embeddingDim()
          + ") for the tower " + model.label());
    }
    return m.embeddingDim();
  }

  /** Checks that a tower returned {@code rows} vectors of {@code dimension} floats. */
  static float[][] checked(ModelSession model, float[][] vectors, int rows, int dimension) {
    if (vectors.length != rows) {
      throw new InferenceException(model.label() + " returned " + vectors.length + " vectors for " + rows
          + " inputs");
    }
    for (float[] v : vectors) {
      if (v.length != dimension) {
        throw new InferenceException(model.label() + " returned a vector of " + v.length + " floats, expected "
            + dimension);
      }
    }
    return vectors;
  }
}
