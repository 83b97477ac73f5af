package io.streamrec.core.features;

import static io.streamrec.core.features.WindowRange.D7;
import static io.streamrec.core.features.WindowRange.H1;
import static io.streamrec.core.features.WindowRange.H24;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class WindowedCountsTest {

  static final long MIN = 60_000L;
  static final long HOUR = 60 * MIN;
  static final long DAY = 24 * HOUR;
  /** The first ms of a 6 h bucket, hence also of a 1 h and a 5 min bucket. */
  static final long BASE = Math.floorDiv(1_700_000_000_000L, 6 * HOUR) * 6 * HOUR;

  static WindowedCounts of(long... ts) {
    WindowedCounts c = new WindowedCounts();
    for (long t : ts) {
      c.add(t);
    }
    return c;
  }

  /** The reference definition: events whose bucket is one of the range's buckets ending with asOf's bucket. */
  static long bruteForce(List<Long> events, WindowRange r, long asOf) {
    long newest = Math.floorDiv(asOf, r.bucketMs());
    return events.stream()
        .map(t -> Math.floorDiv(t, r.bucketMs()))
        .filter(b -> b <= newest && b > newest - r.buckets())
        .count();
  }

  @Test
  void rangesAreTheDocumentedRings() {
    assertThat(H1.bucketMs()).isEqualTo(5 * MIN);
    assertThat(H1.buckets()).isEqualTo(12);
    assertThat(H1.spanMs()).isEqualTo(HOUR);
    assertThat(H24.bucketMs()).isEqualTo(HOUR);
    assertThat(H24.buckets()).isEqualTo(24);
    assertThat(H24.spanMs()).isEqualTo(DAY);
    assertThat(D7.bucketMs()).isEqualTo(6 * HOUR);
    assertThat(D7.buckets()).isEqualTo(28);
    assertThat(D7.spanMs()).isEqualTo(7 * DAY);
    assertThat(new WindowedCounts().buckets).hasSize(12 + 24 + 28).containsOnly(-1L);
    assertThat(H1.label() + H24.label() + D7.label()).isEqualTo("1h24h7d");
  }

  @Nested
  class BucketEdges {

    @Test
    void anEventAtTheFirstMsOfABucketCountsUntilTheLastMsOfTheWindowAndNotOneMsLonger() {
      WindowedCounts c = of(BASE);
      for (WindowRange r : WindowRange.values()) {
        assertThat(c.count(r, BASE - 1)).as("%s before the event", r).isZero();
        assertThat(c.count(r, BASE)).as("%s at the event", r).isEqualTo(1);
        // The window as of t is the range's buckets ending with t's bucket: the event's bucket is the oldest one
        // until the last ms of the span that starts with it.
        assertThat(c.count(r, BASE + r.spanMs() - 1)).as("%s at the last ms", r).isEqualTo(1);
        assertThat(c.count(r, BASE + r.spanMs())).as("%s one ms later", r).isZero();
      }
    }

    @Test
    void anEventAtTheLastMsOfABucketCountsWholeBucketsToo() {
      long ts = BASE + 5 * MIN - 1; // last ms of the first 5 min bucket, still in the first 1 h and 6 h buckets
      WindowedCounts c = of(ts);
      assertThat(c.count(H1, BASE - 1)).isZero();
      // The bucket holding asOf counts whole: read as of the bucket's first ms, a later event in it is included.
      assertThat(c.count(H1, BASE)).isEqualTo(1);
      assertThat(c.count(D7, ts - 3 * MIN)).isEqualTo(1);
      // It leaves with its bucket: counted for 55 min + 1 ms after it happened, not a full hour.
      assertThat(c.count(H1, BASE + HOUR - 1)).isEqualTo(1);
      assertThat(c.count(H1, BASE + HOUR)).isZero();
      assertThat(c.count(H24, BASE + DAY - 1)).isEqualTo(1);
      assertThat(c.count(H24, BASE + DAY)).isZero();
      assertThat(c.count(D7, BASE + 7 * DAY - 1)).isEqualTo(1);
      assertThat(c.count(D7, BASE + 7 * DAY)).isZero();
    }

    @Test
    void rollOverDropsExactlyTheOldestBucket() {
      // One event at the first ms of each of 13 consecutive 5 min buckets, two in the first.
      List<Long> events = new ArrayList<>();
      events.add(BASE);
      for (int k = 0; k < 13; k++) {
        events.add(BASE + k * 5 * MIN);
      }
      WindowedCounts c = new WindowedCounts();
      events.subList(0, 13).forEach(c::add); // buckets 0..11
      long lastMsOfFirstWindow = BASE + HOUR - 1;
      // As of the last ms of bucket 11: buckets 0..11 = 2 + 11 events.
      assertThat(c.count(H1, lastMsOfFirstWindow)).isEqualTo(13);
      // One ms later bucket 12 is the newest (empty) and bucket 0 (two events) left the window.
      assertThat(c.count(H1, lastMsOfFirstWindow + 1)).isEqualTo(11);
      c.add(events.get(13)); // bucket 12
      assertThat(c.count(H1, lastMsOfFirstWindow + 1)).isEqualTo(12);
      // Bucket 12 took bucket 0's slot: read as of the past, the ring no longer has bucket 0.
      assertThat(c.count(H1, lastMsOfFirstWindow)).isEqualTo(11);
      // 24 h and 7 d still hold everything, and so they do until their own last ms.
      assertThat(c.count(H24, lastMsOfFirstWindow + 1)).isEqualTo(14);
      assertThat(c.count(H24, BASE + DAY - 1)).isEqualTo(14);
      assertThat(c.count(H24, BASE + DAY)).isEqualTo(1); // hour 0 (13 events) left; hour 1 holds one
      assertThat(c.count(D7, BASE + 7 * DAY - 1)).isEqualTo(14);
      assertThat(c.count(D7, BASE + 7 * DAY)).isZero();
      // From the newest event on, every read agrees with the reference definition.
      for (long asOf = BASE + HOUR; asOf < BASE + 8 * DAY; asOf += 97 * 1000) {
        for (WindowRange r : WindowRange.values()) {
          assertThat(c.count(r, asOf)).as("%s as of %d", r, asOf).isEqualTo(bruteForce(events, r, asOf));
        }
      }
    }
  }

  @Test
  void ringSlotsAreReusedOnceTheSpanHasPassed() {
    WindowedCounts c = of(BASE, BASE, BASE + 10 * MIN);
    int slot = H1.offset() + (int) Math.floorMod(BASE / H1.bucketMs(), 12L);
    assertThat(c.buckets[slot]).isEqualTo(BASE / H1.bucketMs());
    assertThat(c.counts[slot]).isEqualTo(2);

    // One hour later the same 5 min slot takes the new bucket, and starts counting from 1.
    assertThat(c.add(BASE + HOUR)).isEqualTo(3);
    assertThat(c.buckets[slot]).isEqualTo((BASE + HOUR) / H1.bucketMs());
    assertThat(c.counts[slot]).isEqualTo(1);
    assertThat(c.count(H1, BASE + HOUR)).isEqualTo(2); // BASE + 10 min is still within the hour ending now
    assertThat(c.count(H1, BASE + HOUR + 10 * MIN)).isEqualTo(1);
    // The overwritten bucket is gone even for a read "as of" its own time: the ring only remembers one span.
    assertThat(c.count(H1, BASE)).isZero();
    assertThat(c.count(H1, BASE + 10 * MIN)).isEqualTo(1);
    // The longer rings still hold all four.
    assertThat(c.count(H24, BASE + HOUR)).isEqualTo(4);
    assertThat(c.count(D7, BASE + HOUR)).isEqualTo(4);
  }

  @Test
  void anEventOlderThanARingIsNotCountedInItButOneStillInTheRingIs() {
    WindowedCounts c = of(BASE + HOUR);
    // Exactly one span older than a counted event: same slot, older bucket → refused by the 1 h ring only.
    assertThat(c.add(BASE)).isEqualTo(2);
    assertThat(c.count(H1, BASE)).isZero();
    assertThat(c.count(H24, BASE)).isEqualTo(1);
    assertThat(c.count(D7, BASE)).isEqualTo(2); // one 6 h bucket holds both

    // Late but within every ring: counted everywhere.
    assertThat(c.add(BASE + HOUR - 30 * MIN)).isEqualTo(3);
    assertThat(c.count(H1, BASE + HOUR)).isEqualTo(2);
    assertThat(c.count(H24, BASE + HOUR)).isEqualTo(3);

    // Relative to a newest event at BASE + 8 d: exactly 7 d older maps onto an occupied slot of every ring.
    WindowedCounts week = of(BASE + 8 * DAY);
    assertThat(week.add(BASE + DAY)).as("exactly 7 d older: in no ring").isZero();
    assertThat(week.add(BASE + 7 * DAY)).as("1 d older: only the 7 d ring").isEqualTo(1);
    assertThat(week.add(BASE + 8 * DAY - 30 * MIN)).as("30 min older: every ring").isEqualTo(3);
    assertThat(week.count(H1, BASE + 8 * DAY)).isEqualTo(2);
    assertThat(week.count(H24, BASE + 8 * DAY)).isEqualTo(2);
    assertThat(week.count(D7, BASE + 8 * DAY)).isEqualTo(3);
  }

  @Test
  void anOldEventThatFindsItsSlotFreeIsKeptButNeverCountsAsOfNewerTimes() {
    // The return value says whether a slot took the event, not whether it is within the window of the newest
    // event: order independence needs exactly this (had it arrived first, it would have been counted too).
    WindowedCounts c = of(BASE + 2 * HOUR);
    assertThat(c.add(BASE + 2 * HOUR - 65 * MIN)).isEqualTo(3);
    assertThat(c.count(H1, BASE + 2 * HOUR)).isEqualTo(1);
    assertThat(c.count(H1, BASE + 2 * HOUR - 65 * MIN)).isEqualTo(1);
    assertThat(c).isEqualTo(of(BASE + 2 * HOUR - 65 * MIN, BASE + 2 * HOUR));
  }

  @Test
  void theSameEventsInAnyOrderGiveEqualCounts() {
    Random rnd = new Random(42);
    List<Long> events = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      // Ten days, with bursts sharing buckets (and identical timestamps) so that every ring wraps and collides.
      long t = BASE + (long) (rnd.nextDouble() * 10 * DAY);
      events.add(t);
      if (rnd.nextInt(5) == 0) {
        events.add(t);
      }
    }
    List<Long> sorted = new ArrayList<>(events);
    Collections.sort(sorted);
    WindowedCounts reference = new WindowedCounts();
    sorted.forEach(reference::add);

    for (int p = 0; p < 25; p++) {
      List<Long> shuffled = new ArrayList<>(events);
      Collections.shuffle(shuffled, new Random(p));
      WindowedCounts c = new WindowedCounts();
      shuffled.forEach(c::add);
      assertThat(c).as("permutation %d", p).isEqualTo(reference);
      assertThat(c.hashCode()).isEqualTo(reference.hashCode());
    }
    // And in event-time order the counts are exact against the reference definition for any time after the
    // newest event (older times can have had their buckets reused).
    long newest = sorted.get(sorted.size() - 1);
    for (long asOf = newest; asOf < newest + 8 * DAY; asOf += 7 * MIN + 13) {
      for (WindowRange r : WindowRange.values()) {
        assertThat(reference.count(r, asOf)).isEqualTo(bruteForce(events, r, asOf));
      }
    }
    assertThat(reference.count(D7, newest)).isPositive();
    assertThat(reference).isNotEqualTo(of(BASE));
  }

  @Nested
  class StoreForm {

    @Test
    void encodeIsSlotBucketCountTriplesOfTheNonEmptySlots() {
      WindowedCounts c = of(BASE, BASE, BASE + 10 * MIN);
      List<Long> flat = c.encode();
      // 5 min: 2 slots; 1 h: 1 slot; 6 h: 1 slot → 4 triples, in slot order.
      assertThat(flat).hasSize(12);
      long h1Slot = H1.offset() + Math.floorMod(BASE / H1.bucketMs(), 12L);
      long h24Slot = H24.offset() + Math.floorMod(BASE / H24.bucketMs(), 24L);
      long d7Slot = D7.offset() + Math.floorMod(BASE / D7.bucketMs(), 28L);
      assertThat(flat).containsExactly(
          h1Slot, BASE / H1.bucketMs(), 2L,
          h1Slot + 2, BASE / H1.bucketMs() + 2, 1L,
          h24Slot, BASE / H24.bucketMs(), 3L,
          d7Slot, BASE / D7.bucketMs(), 3L);
      assertThat(new WindowedCounts().encode()).isEmpty();
    }

    @Test
    void decodeInvertsEncode() {
      Random rnd = new Random(7);
      WindowedCounts c = new WindowedCounts();
      for (int i = 0; i < 300; i++) {
        c.add(BASE + (long) (rnd.nextDouble() * 9 * DAY));
      }
      WindowedCounts back = WindowedCounts.decode(c.encode());
      assertThat(back).isEqualTo(c);
      assertThat(back.buckets).isEqualTo(c.buckets);
      assertThat(back.counts).isEqualTo(c.counts);
      assertThat(WindowedCounts.decode(List.of())).isEqualTo(new WindowedCounts());
      // Integers (e.g. from JSON) decode the same as Longs.
      List<Object> ints = new ArrayList<>();
      for (Long v : of(BASE).encode()) {
        ints.add(v.longValue() <= Integer.MAX_VALUE ? (Object) v.intValue() : v);
      }
      assertThat(WindowedCounts.decode(ints)).isEqualTo(of(BASE));
      // The decoded rings keep counting like the original.
      back.add(BASE + 9 * DAY);
      c.add(BASE + 9 * DAY);
      assertThat(back).isEqualTo(c);
    }

    @Test
    void decodeRejectsMalformedInputWithAClearMessage() {
      long b = BASE / H1.bucketMs();
      int slot = (int) Math.floorMod(b, 12L);
      assertThatThrownBy(() -> WindowedCounts.decode(List.of(1L, 2L)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("windowed counts must be [slot, bucket, count] triples, got 2");
      assertThatThrownBy(() -> WindowedCounts.decode(List.of(64L, b, 1L)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("windowed counts slot out of range: 64");
      assertThatThrownBy(() -> WindowedCounts.decode(List.of(-1L, b, 1L)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("windowed counts slot out of range: -1");
      assertThatThrownBy(() -> WindowedCounts.decode(List.of((long) slot, "x", 1L)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("windowed counts element 1 (bucket) must be an integer, got String x");
      assertThatThrownBy(() -> WindowedCounts.decode(Arrays.asList((long) slot, b, null)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("windowed counts element 2 (count) must be an integer, got null");
      assertThatThrownBy(() -> WindowedCounts.decode(List.of(1.5, b, 1L)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("windowed counts element 0 (slot) must be an integer, got Double 1.5");
      assertThatThrownBy(() -> WindowedCounts.decode(List.of((long) (slot + 1) % 12, b, 1L)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("windowed counts slot " + (slot + 1) % 12 + " (1h) cannot hold bucket " + b);
      assertThatThrownBy(() -> WindowedCounts.decode(List.of((long) slot, b, 0L)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("windowed counts count out of range in slot " + slot + ": 0");
      assertThatThrownBy(() -> WindowedCounts.decode(List.of((long) slot, b, 1L, (long) slot, b, 2L)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("windowed counts slot " + slot + " given twice");
    }
  }

  @Test
  void expiresWhenTheNewestEventLeavesTheSevenDayWindow() {
    assertThat(new WindowedCounts().isExpired(BASE)).isTrue();
    WindowedCounts c = of(BASE + HOUR, BASE); // newest event in the first 6 h bucket starting at BASE
    assertThat(c.isExpired(BASE)).isFalse();
    assertThat(c.isExpired(BASE + 7 * DAY - 1)).isFalse();
    assertThat(c.count(D7, BASE + 7 * DAY - 1)).isEqualTo(2);
    assertThat(c.isExpired(BASE + 7 * DAY)).isTrue();
    assertThat(c.count(D7, BASE + 7 * DAY)).isZero();
    // A newer event keeps it alive until its own bucket leaves the window.
    c.add(BASE + 6 * HOUR);
    assertThat(c.isExpired(BASE + 7 * DAY)).isFalse();
    assertThat(c.isExpired(BASE + 7 * DAY + 6 * HOUR - 1)).isFalse();
    assertThat(c.isExpired(BASE + 7 * DAY + 6 * HOUR)).isTrue();
    // Expired means nothing is left to count in any range.
    for (WindowRange r : WindowRange.values()) {
      assertThat(c.count(r, BASE + 7 * DAY + 6 * HOUR)).isZero();
    }
  }
}
