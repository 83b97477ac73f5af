package io.streamrec.core.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Event counts over every {@link WindowRange}, as rings of time buckets: one counter serves 1 h, 24 h and 7 d.
 *
 * <p>Adding is order-independent (the same events in any order give the same rings) as long as an event's bucket is
 * still in its ring; an older event is not counted in that range, and {@link #add} says so. Counts are read "as of"
 * any time, so a record written an hour ago still answers "how many in the last hour, now" exactly.
 *
 * <p>A Flink POJO (public arrays, no-arg constructor).
 */
public final class WindowedCounts {
  /** Bucket number (event time / bucket size) held by each slot; -1 = empty. */
  public long[] buckets;
  public int[] counts;

  public WindowedCounts() {
    buckets = new long[WindowRange.totalSlots()];
    counts = new int[WindowRange.totalSlots()];
    Arrays.fill(buckets, -1);
  }

  /**
   * Counts one event at event time {@code ts}.
   *
   * @return the number of ranges it was counted in: all three normally, fewer when it is too old for a ring
   */
  public int add(long ts) {
    int applied = 0;
    for (WindowRange r : WindowRange.ALL) {
      long bucket = Math.floorDiv(ts, r.bucketMs());
      int slot = r.offset() + (int) Math.floorMod(bucket, (long) r.buckets());
      if (buckets[slot] == bucket) {
        counts[slot]++;
        applied++;
      } else if (buckets[slot] < bucket) {
        buckets[slot] = bucket; // the slot's old bucket has left the ring
        counts[slot] = 1;
        applied++;
      }
      // else: the slot already holds a newer bucket, so this event's bucket has left the ring
    }
    return applied;
  }

  /** Events in {@code range} as of {@code asOf}: the buckets ending with the one that contains {@code asOf}. */
  public long count(WindowRange range, long asOf) {
    long newest = Math.floorDiv(asOf, range.bucketMs());
    long oldest = newest - range.buckets() + 1;
    long sum = 0;
    int from = range.offset();
    int to = from + range.buckets();
    for (int i = from; i < to; i++) {
      if (buckets[i] >= oldest && buckets[i] <= newest) {
        sum += counts[i];
      }
    }
    return sum;
  }

  /** True when no slot holds an event newer than {@code ts} minus the longest range: nothing left to count. */
  public boolean isExpired(long ts) {
    long oldestLive = Math.floorDiv(ts, WindowRange.D7.bucketMs()) - WindowRange.D7.buckets() + 1;
    int from = WindowRange.D7.offset();
    int to = from + WindowRange.D7.buckets();
    for (int i = from; i < to; i++) {
      if (buckets[i] >= oldestLive) {
        return false;
      }
    }
    return true;
  }

  /** Store form: flat [slot, bucket, count, ...] over the non-empty slots. */
  public List<Long> encode() {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < buckets.length; i++) {
      if (buckets[i] >= 0) {
        out.add((long) i);
        out.add(buckets[i]);
        out.add((long) counts[i]);
      }
    }
    return out;
  }

  /**
   * The inverse of {@link #encode}. Rejects, with a message naming the offending element, anything {@link #encode}
   * cannot have produced: a length that is not a multiple of 3, a non-integer element, a slot out of range or given
   * twice, a bucket that does not belong in its slot, a count below 1.
   */
  /** Puts one bin per interaction type seen, {@code <prefix><type>}, into {@code bins}. */
  public static void encodeByType(WindowedCounts[] byType, String prefix, java.util.Map<String, Object> bins) {
    for (io.streamrec.core.contract.InteractionType type : io.streamrec.core.contract.InteractionType.values()) {
      if (byType[type.ordinal()] != null) {
        bins.put(prefix + type.wireName(), byType[type.ordinal()].encode());
      }
    }
  }

  /** The inverse of {@link #encodeByType}: counts by interaction type ordinal, null for types without a bin. */
  public static WindowedCounts[] decodeByType(java.util.Map<String, Object> bins, String prefix) {
    WindowedCounts[] out = new WindowedCounts[io.streamrec.core.contract.InteractionType.values().length];
    for (io.streamrec.core.contract.InteractionType type : io.streamrec.core.contract.InteractionType.values()) {
      Object c = bins.get(prefix + type.wireName());
      if (c != null) {
        out[type.ordinal()] = decode((List<?>) c);
      }
    }
    return out;
  }

  public static WindowedCounts decode(List<?> flat) {
    WindowedCounts c = new WindowedCounts();
    if (flat.size() % 3 != 0) {
      throw new IllegalArgumentException("windowed counts must be [slot, bucket, count] triples, got " + flat.size());
    }
    for (int i = 0; i < flat.size(); i += 3) {
      long slotValue = integer(flat, i, "slot");
      if (slotValue < 0 || slotValue >= c.buckets.length) {
        throw new IllegalArgumentException("windowed counts slot out of range: " + slotValue);
      }
      int slot = (int) slotValue;
      long bucket = integer(flat, i + 1, "bucket");
      long count = integer(flat, i + 2, "count");
      WindowRange range = rangeOfSlot(slot);
      if (bucket < 0 || Math.floorMod(bucket, (long) range.buckets()) != slot - range.offset()) {
        throw new IllegalArgumentException(
            "windowed counts slot " + slot + " (" + range.label() + ") cannot hold bucket " + bucket);
      }
      if (count < 1 || count > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("windowed counts count out of range in slot " + slot + ": " + count);
      }
      if (c.buckets[slot] != -1) {
        throw new IllegalArgumentException("windowed counts slot " + slot + " given twice");
      }
      c.buckets[slot] = bucket;
      c.counts[slot] = (int) count;
    }
    return c;
  }

  private static long integer(List<?> flat, int i, String what) {
    Object v = flat.get(i);
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    throw new IllegalArgumentException("windowed counts element " + i + " (" + what + ") must be an integer, got "
        + (v == null ? "null" : v.getClass().getSimpleName() + " " + v));
  }

  private static WindowRange rangeOfSlot(int slot) {
    for (WindowRange r : WindowRange.ALL) {
      if (slot < r.offset() + r.buckets()) {
        return r;
      }
    }
    throw new AssertionError(slot);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WindowedCounts w && Arrays.equals(buckets, w.buckets) && Arrays.equals(counts, w.counts);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(buckets) * 31 + Arrays.hashCode(counts);
  }
}
