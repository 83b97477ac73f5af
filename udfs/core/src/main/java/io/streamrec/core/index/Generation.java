package io.streamrec.core.index;

import java.util.Objects;

/**
 * One complete set of item vectors, all from one item-tower version. Queries see exactly one generation, the active
 * one; a new generation is built beside it (model roll-out) and switched to atomically with
 * {@link VectorIndex#publish(long)}. Serving embeds users with the user tower of the active generation's
 * {@code modelVersion}, so user and item vectors always come from the same training run.
 *
 * @param id increasing number, > 0
 * @param modelVersion the item-tower version whose vectors this generation holds (e.g. {@code v1})
 * @param dimension vector length
 */
public record Generation(long id, String modelVersion, int dimension) {
  public Generation {
    if (id <= 0) {
      throw new IllegalArgumentException("generation id must be > 0, got " + id);
    }
    Objects.requireNonNull(modelVersion, "modelVersion");
    if (modelVersion.isBlank() || !modelVersion.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("model version must match [A-Za-z0-9._-]+, got '" + modelVersion + "'");
    }
    if (dimension <= 0 || dimension > 4096) {
      throw new IllegalArgumentException("dimension must be in 1..4096, got " + dimension);
    }
  }
}
