package io.streamrec.core.contract;

/** A field broke its contract. Thrown inside parsers only; callers see a {@link Parsed.Invalid}. */
final class ContractViolation extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ContractViolation(String message) {
    super(message, null, false, false); // no stack trace: this is control flow on bad input, and input can be hostile
  }
}
