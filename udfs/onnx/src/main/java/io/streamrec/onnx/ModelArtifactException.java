package io.streamrec.onnx;

/**
 * A model artifact cannot be used: a file is missing or unreadable, {@code model.onnx} is not the file its manifest
 * describes (sha256), the manifest's tensors or feature list disagree with the model or with what the scoring code
 * feeds, or ONNX Runtime cannot load the model. The message names the file(s) and every mismatch found.
 */
public class ModelArtifactException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelArtifactException(String message) {
    super(message);
  }

  public ModelArtifactException(String message, Throwable cause) {
    super(message, cause);
  }
}
