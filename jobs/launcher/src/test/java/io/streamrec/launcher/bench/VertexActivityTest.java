package io.streamrec.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VertexActivityTest {

  @Test
  void sharesAreOfTheTimeTheSubtasksAccountedForAndRatesOfTheWindow() {
    var v = new RestMetrics.Vertex("v1", "user features -> feature store: users: Writer", 2, "RUNNING");
    var a = new VertexActivity.Snapshot(0, Map.of("v1", Map.of("accumulateBusyTimeMs", 1000.0,
        "accumulateBackPressuredTimeMs", 0.0, "accumulateIdleTimeMs", 1000.0, "numRecordsIn", 500.0,
        "numRecordsOut", 0.0)));
    var b = new VertexActivity.Snapshot(10_000_000_000L, Map.of("v1", Map.of("accumulateBusyTimeMs", 16000.0,
        "accumulateBackPressuredTimeMs", 2000.0, "accumulateIdleTimeMs", 4000.0, "numRecordsIn", 100_500.0,
        "numRecordsOut", 50_000.0)));
    VertexActivity.Row row = VertexActivity.between(a, b, List.of(v)).get(0);
    assertThat(row.name()).isEqualTo("user features");
    assertThat(row.busy()).isCloseTo(0.75, within(1e-9));
    assertThat(row.backPressured()).isCloseTo(0.10, within(1e-9));
    assertThat(row.idle()).isCloseTo(0.15, within(1e-9));
    assertThat(row.recordsIn()).isEqualTo(100_000.0);
    assertThat(row.recordsInPerSecond()).isEqualTo(10_000.0);
    assertThat(row.recordsOutPerSecond()).isEqualTo(5_000.0);
  }

  @Test
  void aVertexWithoutMetricsYetShowsZeros() {
    var v = new RestMetrics.Vertex("v9", "trending by region", 1, "RUNNING");
    VertexActivity.Row row = VertexActivity.between(VertexActivity.zero(0, List.of(v)),
        VertexActivity.zero(1_000_000_000L, List.of(v)), List.of(v)).get(0);
    assertThat(row.busy()).isZero();
    assertThat(row.recordsInPerSecond()).isZero();
  }
}
