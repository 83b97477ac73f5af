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
    for (WindowRange r : WindowRange.values()) {
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
    for (int i = range.offset(); i < range.offset() + range.buckets(); i++) {
      if (buckets[i] >= oldest && buckets[i] <= newest) {
        sum += counts[i];
      }
    }
    return sum;
  }

  /** True when no slot holds an event newer than {@code ts} minus the longest range: nothing left to count. */
  public boolean isExpired(long ts) {
    long oldestLive = Math.floorDiv(ts, WindowRange.D7.bucketMs()) - WindowRange.D7.buckets() + 1;
    for (int i = WindowRange.D7.offset(); i < WindowRange.D7.offset() + WindowRange.D7.buckets(); i++) {
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

  public static WindowedCounts decode(List<?> flat) {
    WindowedCounts c = new WindowedCounts();
    if (flat.size() % 3 != 0) {
      throw new IllegalArgumentException("windowed counts must be [slot, bucket, count] triples, got " + flat.size());
    }
    for (int i = 0; i < flat.size(); i += 3) {
      int slot = ((Number) flat.get(i)).intValue();
      if (slot < 0 || slot >= c.buckets.length) {
        throw new IllegalArgumentException("windowed counts slot out of range: " + slot);
      }
      c.buckets[slot] = ((Number) flat.get(i + 1)).longValue();
      c.counts[slot] = ((Number) flat.get(i + 2)).intValue();
    }
    return c;
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
