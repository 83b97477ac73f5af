package io.streamrec.core.features;

/**
 * The count windows every user and item feature uses. Each is a ring of time buckets: a count "over the last 24 h
 * as of t" sums the buckets of the 24 one-hour buckets ending with the bucket that contains t. The oldest bucket
 * counts whole, so a window is exact to its bucket size (5 min, 1 h, 6 h), and a late event is still counted as
 * long as its bucket is within the ring.
 */
public enum WindowRange {
  H1("1h", 5 * 60_000L, 12),
  H24("24h", 3_600_000L, 24),
  D7("7d", 6 * 3_600_000L, 28);

  private final String label;
  private final long bucketMs;
  private final int buckets;

  WindowRange(String label, long bucketMs, int buckets) {
    this.label = label;
    this.bucketMs = bucketMs;
    this.buckets = buckets;
  }

  public String label() {
    return label;
  }

  public long bucketMs() {
    return bucketMs;
  }

  public int buckets() {
    return buckets;
  }

  public long spanMs() {
    return bucketMs * buckets;
  }

  /** The ranges in declaration order, without the copy {@code values()} makes on every call. */
  static final WindowRange[] ALL = values();
  private static final int TOTAL_SLOTS;

  static {
    int o = 0;
    for (WindowRange r : ALL) {
      r.offset = o;
      o += r.buckets;
    }
    TOTAL_SLOTS = o;
  }

  /** This range's first slot in a {@link WindowedCounts} ring (the ranges' rings lie end to end). */
  private int offset;

  int offset() {
    return offset;
  }

  static int totalSlots() {
    return TOTAL_SLOTS;
  }
}
