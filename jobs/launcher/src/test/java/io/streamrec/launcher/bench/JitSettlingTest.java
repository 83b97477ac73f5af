package io.streamrec.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The serving benchmark's decision to go on warming up until the JIT compiler threads settle. */
class JitSettlingTest {

  @Test
  void stepsGoOnUntilAStepsJitShareIsBelowTheBound() {
    JitSettling s = new JitSettling(45, 240, 10, 5.0);
    assertThat(s.another()).isTrue(); // nothing measured yet
    s.record(7.0, 10.0, 2); // 7 s of compiler CPU in 10 s on 2 cores: 35 % of the machine
    assertThat(s.shares().get(0)).isCloseTo(35.0, within(1e-9));
    assertThat(s.another()).isTrue();
    s.record(1.2, 10.0, 2); // 6 %
    assertThat(s.another()).isTrue();
    s.record(0.9, 10.0, 2); // 4.5 %: settled
    assertThat(s.settled()).isTrue();
    assertThat(s.another()).isFalse();
    assertThat(s.spentSeconds()).isEqualTo(75);
    assertThat(s.summary()).isEqualTo("warm-up extended to 75 s until the JIT settled: JIT compiler threads per 10 s"
        + " step 35.0, 6.0, 4.5 % of the machine (settled below 5.0 %)");
  }

  @Test
  void theCapStopsAWarmUpWhoseJitNeverSettles() {
    JitSettling s = new JitSettling(45, 70, 10, 5.0);
    int steps = 0;
    while (s.another()) {
      s.record(4.0, 10.0, 2); // 20 % every step
      steps++;
    }
    assertThat(steps).isEqualTo(2); // 45 → 55 → 65; a third step would end at 75 > 70
    assertThat(s.settled()).isFalse();
    assertThat(s.summary()).endsWith("step 20.0, 20.0 % of the machine (cap reached, still above 5.0 %)");
  }

  @Test
  void aCapThatLeavesNoWholeStepRunsNone() {
    JitSettling s = new JitSettling(45, 50, 10, 5.0);
    assertThat(s.another()).isFalse();
    assertThat(s.summary()).isEqualTo(
        "warm-up not extended: --warmup-max-seconds 50 leaves no 10 s step after --warmup-seconds 45");
  }

  @Test
  void aStepWithoutWallTimeOrCoresIsRefused() {
    JitSettling s = new JitSettling(0, 100, 10, 5.0);
    assertThatThrownBy(() -> s.record(1, 0, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.record(1, 10, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new JitSettling(0, 100, 0, 5.0)).isInstanceOf(IllegalArgumentException.class);
  }
}
