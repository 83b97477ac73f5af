package io.streamrec.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OpenLoopScheduleTest {

  @Test
  void eventsAreSpacedEvenlyFromTheStart() {
    OpenLoopSchedule s = new OpenLoopSchedule(1_000, 5_000_000L, 10);
    assertThat(s.intendedNanos(0)).isEqualTo(5_000_000L);
    assertThat(s.intendedNanos(1)).isEqualTo(6_000_000L);
    assertThat(s.intendedNanos(9)).isEqualTo(14_000_000L);
    assertThat(s.lastIntendedNanos()).isEqualTo(14_000_000L);
  }

  @Test
  void nothingIsDueBeforeTheStartAndTheFirstEventIsDueAtIt() {
    OpenLoopSchedule s = new OpenLoopSchedule(1_000, 1_000_000L, 10);
    assertThat(s.dueBy(999_999L)).isZero();
    assertThat(s.dueBy(1_000_000L)).isEqualTo(1);
    assertThat(s.dueBy(1_999_999L)).isEqualTo(1);
    assertThat(s.dueBy(2_000_000L)).isEqualTo(2);
  }

  @Test
  void aSenderThatFellBehindFindsAllOverdueEventsDueAtOnceButNeverMoreThanTheTotal() {
    OpenLoopSchedule s = new OpenLoopSchedule(1_000, 0, 10);
    assertThat(s.dueBy(5_500_000L)).isEqualTo(6); // a 5.5 ms stall: six events overdue, sent back to back
    assertThat(s.dueBy(60_000_000_000L)).isEqualTo(10);
  }

  @Test
  void dueByAgreesExactlyWithIntendedTimesForAwkwardRates() {
    for (double rate : new double[] {3, 7, 333.3, 50_000, 123_457}) {
      OpenLoopSchedule s = new OpenLoopSchedule(rate, 42L, 5_000);
      for (long k = 0; k < 5_000; k++) {
        long t = s.intendedNanos(k);
        assertThat(s.dueBy(t)).as("rate %s, event %s at its time", rate, k).isEqualTo(k + 1);
        assertThat(s.dueBy(t - 1)).as("rate %s, event %s just before", rate, k).isEqualTo(k);
      }
    }
  }

  @Test
  void forDurationRoundsTheEventCount() {
    OpenLoopSchedule s = OpenLoopSchedule.forDuration(50_000, 20, 0);
    assertThat(s.total()).isEqualTo(1_000_000);
    assertThat(s.lastIntendedNanos()).isEqualTo(19_999_980_000L);
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> new OpenLoopSchedule(0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OpenLoopSchedule(Double.NaN, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OpenLoopSchedule(1, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new OpenLoopSchedule(10, 0, 0).dueBy(1_000_000_000L)).isZero();
  }
}
