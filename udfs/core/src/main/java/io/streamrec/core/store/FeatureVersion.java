package io.streamrec.core.store;

/**
 * The version a feature writer puts on its writes: the newest event time in the state, then the number of updates
 * applied since that event time was reached. Ordering by event time alone would let a replay after a restore move a
 * record backwards: an out-of-order event that does not raise the newest event time would produce a write with the
 * same version as the fuller state written before the failure. With the update sequence as a tie-breaker, every
 * replayed write is older than or identical to what the store holds.
 *
 * <p>Packed into one long (event time in the high bits, {@value #SEQ_BITS}-bit sequence, saturating) so every
 * backend compares versions as plain integers.
 */
public final class FeatureVersion {
  public static final int SEQ_BITS = 12;
  private static final long MAX_SEQ = (1L << SEQ_BITS) - 1;

  private FeatureVersion() {}

  public static long of(long eventTimeMs, long sequence) {
    if (eventTimeMs < 0 || eventTimeMs >= (1L << (63 - SEQ_BITS))) {
      throw new IllegalArgumentException("event time out of range: " + eventTimeMs);
    }
    return (eventTimeMs << SEQ_BITS) | Math.min(Math.max(sequence, 0), MAX_SEQ);
  }

  /** The event time a packed version was made from. */
  public static long eventTime(long version) {
    return version >>> SEQ_BITS;
  }

  /** Next sequence number: counts updates at the same newest event time, restarting when it advances. */
  public static long nextSequence(long previousEventTime, long newEventTime, long previousSequence) {
    return newEventTime > previousEventTime ? 0 : Math.min(previousSequence + 1, MAX_SEQ);
  }
}
