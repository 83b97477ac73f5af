package io.streamrec.core.store;

/** A store call failed. {@link #retryable()} says whether trying again may succeed (timeouts, busy keys). */
public class FeatureStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final boolean retryable;

  public FeatureStoreException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public FeatureStoreException(String message, boolean retryable) {
    this(message, retryable, null);
  }

  public boolean retryable() {
    return retryable;
  }
}
