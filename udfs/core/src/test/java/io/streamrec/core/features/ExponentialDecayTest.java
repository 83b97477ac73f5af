package io.streamrec.core.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExponentialDecayTest {

  static final long HOUR = 3_600_000L;
  static final long WEEK = 7 * 24 * HOUR;
  static final long T0 = 1_700_000_000_000L;

  record Event(double weight, long ts) {}

  static double closedForm(List<Event> events, long t, long halfLife) {
    double sum = 0;
    for (Event e : events) {
      sum += e.weight() * Math.pow(2, -(double) (t - e.ts()) / halfLife);
    }
    return sum;
  }

  static double logScore(ExponentialDecay decay, List<Event> events) {
    double l = ExponentialDecay.empty();
    for (Event e : events) {
      l = decay.add(l, e.weight(), e.ts());
    }
    return l;
  }

  static List<Event> randomEvents(Random rnd, int n, long span) {
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(new Event(0.1 + rnd.nextDouble() * 5, T0 + (long) (rnd.nextDouble() * span)));
    }
    return events;
  }

  // Precision is about |L| * 2^-53 relative, and L grows like (ts - REF_TS) / halfLife: at 2023 timestamps a half-life
  // of one second leaves ~3e-8, an hour ~3e-11. Trending half-lives are hours to weeks.
  @ParameterizedTest
  @ValueSource(longs = {3_600_000L, 86_400_000L, 604_800_000L})
  void oneHalfLifeLaterACountOfOneReadsOneHalf(long halfLife) {
    ExponentialDecay decay = new ExponentialDecay(halfLife);
    double l = decay.add(ExponentialDecay.empty(), 1.0, T0);
    assertThat(decay.valueAt(l, T0)).isCloseTo(1.0, within(1e-9));
    assertThat(decay.valueAt(l, T0 + halfLife)).isCloseTo(0.5, within(1e-9));
    assertThat(decay.valueAt(l, T0 + 2 * halfLife)).isCloseTo(0.25, within(1e-9));
    assertThat(decay.valueAt(l, T0 - halfLife)).isCloseTo(2.0, within(1e-9));
  }

  @Test
  void emptyReadsZero() {
    ExponentialDecay decay = new ExponentialDecay(HOUR);
    assertThat(ExponentialDecay.empty()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(decay.valueAt(ExponentialDecay.empty(), T0)).isEqualTo(0.0);
  }

  @Test
  void weightIsAMultiplier() {
    ExponentialDecay decay = new ExponentialDecay(HOUR);
    double l = decay.add(ExponentialDecay.empty(), 3.0, T0);
    assertThat(decay.valueAt(l, T0 + HOUR)).isCloseTo(1.5, within(1e-9));
  }

  @Test
  void sumOfEventsAtDifferentTimesEqualsTheClosedForm() {
    ExponentialDecay decay = new ExponentialDecay(HOUR);
    List<Event> events = List.of(
        new Event(1, T0), new Event(2, T0 + HOUR / 2), new Event(1, T0 + 3 * HOUR), new Event(0.5, T0 + 3 * HOUR));
    double l = logScore(decay, events);
    // By hand at T0 + 4h: 2^-4 + 2*2^-3.5 + 2^-1 + 0.5*2^-1.
    double byHand = Math.pow(2, -4) + 2 * Math.pow(2, -3.5) + 0.5 + 0.25;
    assertThat(decay.valueAt(l, T0 + 4 * HOUR)).isCloseTo(byHand, within(1e-10));

    Random rnd = new Random(7);
    List<Event> many = randomEvents(rnd, 500, 48 * HOUR);
    double lm = logScore(decay, many);
    for (long t : new long[] {T0, T0 + 24 * HOUR, T0 + 48 * HOUR, T0 + 60 * HOUR}) {
      double expected = closedForm(many, t, HOUR);
      assertThat(decay.valueAt(lm, t)).isCloseTo(expected, within(expected * 1e-9));
    }
  }

  @Test
  void addingInAnyOrderGivesTheSameLogScore() {
    ExponentialDecay decay = new ExponentialDecay(WEEK);
    Random rnd = new Random(42);
    List<Event> events = randomEvents(rnd, 200, 30L * 24 * HOUR);
    double inOrder = logScore(decay, events);
    for (int i = 0; i < 10; i++) {
      List<Event> shuffled = new ArrayList<>(events);
      Collections.shuffle(shuffled, rnd);
      assertThat(logScore(decay, shuffled)).isCloseTo(inOrder, within(1e-9));
    }
    List<Event> reversed = new ArrayList<>(events);
    Collections.reverse(reversed);
    assertThat(logScore(decay, reversed)).isCloseTo(inOrder, within(1e-9));
  }

  @Test
  void logScoreNeverDecreasesWithPositiveWeights() {
    ExponentialDecay decay = new ExponentialDecay(HOUR);
    Random rnd = new Random(3);
    double l = ExponentialDecay.empty();
    for (Event e : randomEvents(rnd, 300, 100 * HOUR)) { // out of time order on purpose
      double next = decay.add(l, e.weight(), e.ts());
      assertThat(next).isGreaterThanOrEqualTo(l);
      l = next;
    }
  }

  @Test
  void orderingByLogScoreIsOrderingByDecayedValueAtAnyInstant() {
    ExponentialDecay decay = new ExponentialDecay(HOUR);
    Random rnd = new Random(11);
    int items = 60;
    double[] scores = new double[items];
    for (int i = 0; i < items; i++) {
      scores[i] = logScore(decay, randomEvents(rnd, 1 + rnd.nextInt(20), 24 * HOUR));
    }
    for (long t : new long[] {T0 - HOUR, T0, T0 + 12 * HOUR, T0 + 24 * HOUR, T0 + 72 * HOUR}) {
      for (int a = 0; a < items; a++) {
        for (int b = 0; b < items; b++) {
          assertThat(Integer.signum(Double.compare(decay.valueAt(scores[a], t), decay.valueAt(scores[b], t))))
              .as("items %d and %d at %d", a, b, t)
              .isEqualTo(Integer.signum(Double.compare(scores[a], scores[b])));
        }
      }
    }
  }

  @Test
  void veryOldAndVeryNewTimestampsStayFinite() {
    ExponentialDecay decay = new ExponentialDecay(60_000L); // one minute: 2^(ts/h) overflows a double by far
    long old = 0L; // 1970
    long recent = 4_102_444_800_000L; // 2100
    assertThat(Math.pow(2, (double) (recent - ExponentialDecay.REF_TS) / 60_000L)).isInfinite();

    double lOld = decay.add(ExponentialDecay.empty(), 1, old);
    double lNew = decay.add(ExponentialDecay.empty(), 1, recent);
    assertThat(lOld).isFinite();
    assertThat(lNew).isFinite();
    assertThat(decay.valueAt(lOld, old)).isCloseTo(1.0, within(1e-6));
    assertThat(decay.valueAt(lNew, recent)).isCloseTo(1.0, within(1e-6));

    double both = decay.add(lOld, 1, recent);
    assertThat(both).isFinite();
    assertThat(decay.valueAt(both, recent)).isCloseTo(1.0, within(1e-6));
    double bothOtherOrder = decay.add(lNew, 1, old);
    assertThat(bothOtherOrder).isEqualTo(both);
    assertThat(decay.valueAt(both, recent + 60_000L)).isCloseTo(0.5, within(1e-6));
  }

  @Test
  void nonPositiveWeightIsRejected() {
    ExponentialDecay decay = new ExponentialDecay(HOUR);
    for (double w : new double[] {0.0, -0.0, -1.0, Double.NaN, Double.NEGATIVE_INFINITY}) {
      assertThatThrownBy(() -> decay.add(ExponentialDecay.empty(), w, T0))
          .as("weight %s", w)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("weight must be positive, got " + w);
    }
  }

  @Test
  void nonPositiveHalfLifeIsRejected() {
    assertThatThrownBy(() -> new ExponentialDecay(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("half-life must be positive, got 0 ms");
    assertThatThrownBy(() -> new ExponentialDecay(-5)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new ExponentialDecay(5).halfLifeMs()).isEqualTo(5);
  }
}
