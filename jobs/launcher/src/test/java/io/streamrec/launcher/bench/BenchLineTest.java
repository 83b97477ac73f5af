package io.streamrec.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BenchLineTest {

  @Test
  void featuresLineHasTheAgreedShapeWithRoundedIntegers() {
    assertThat(BenchLine.features(123_456.6, 849.4))
        .isEqualTo("BENCH features events_per_s=123457 freshness_p99_ms=849");
  }

  @Test
  void largeValuesAreWrittenWithoutGroupingOrExponent() {
    assertThat(BenchLine.named("x").withRounded("n", 1.5e9).toString()).isEqualTo("BENCH x n=1500000000");
  }

  @Test
  void keysKeepTheirOrder() {
    assertThat(BenchLine.named("serving").with("rps", 1520).with("p50_ms", 3).with("p99_ms", 21).toString())
        .isEqualTo("BENCH serving rps=1520 p50_ms=3 p99_ms=21");
  }

  @Test
  void refusesWhatToolsCouldNotParse() {
    assertThatThrownBy(() -> BenchLine.named("Features")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BenchLine.named("f").with("p99 ms", 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BenchLine.named("f").with("a", 1).with("a", 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BenchLine.features(Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BenchLine.named("f").toString()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void ratiosKeepAFixedNumberOfDecimals() {
    assertThat(BenchLine.named("ann").withDecimals("recall_at_100", 0.95213, 3).withRounded("qps_per_core", 1070.4)
        .toString()).isEqualTo("BENCH ann recall_at_100=0.952 qps_per_core=1070");
    assertThat(BenchLine.named("x").withDecimals("r", 1.0, 3).toString()).isEqualTo("BENCH x r=1.000");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchLine.named("x").withDecimals("r", Double.NaN, 3))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
