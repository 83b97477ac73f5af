package io.streamrec.core.contract;

/**
 * The outcome of parsing one record against its contract: a valid value, or the precise reason it is not.
 *
 * <p>An invalid record carries the request and user ids when they could be read, so that a request with a bad
 * field still gets an error response addressed to its caller.
 */
public sealed interface Parsed<T> permits Parsed.Valid, Parsed.Invalid {

  static <T> Parsed<T> valid(T value) {
    return new Valid<>(value);
  }

  static <T> Parsed<T> invalid(String reason, String requestId, String userId) {
    return new Invalid<>(reason, requestId, userId);
  }

  record Valid<T>(T value) implements Parsed<T> {}

  /** @param requestId null unless readable @param userId null unless readable */
  record Invalid<T>(String reason, String requestId, String userId) implements Parsed<T> {
    /** True when the record got far enough to be answered (a request whose ids are readable). */
    public boolean isAddressable() {
      return requestId != null && userId != null;
    }
  }
}
