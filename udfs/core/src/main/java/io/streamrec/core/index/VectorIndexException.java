package io.streamrec.core.index;

/** A failed index call. {@link #retryable()} says whether the same call may succeed later (overload, timeouts). */
public class VectorIndexException extends RuntimeException {
  private final boolean retryable;

  public VectorIndexException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public VectorIndexException(String message, boolean retryable) {
    this(message, retryable, null);
  }

  public boolean retryable() {
    return retryable;
  }
}
