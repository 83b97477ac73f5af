package io.streamrec.onnx;

/** Running a loaded model failed (ONNX Runtime error, or an output of an unexpected shape). */
public class InferenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InferenceException(String message) {
    super(message);
  }

  public InferenceException(String message, Throwable cause) {
    super(message, cause);
  }
}
