package io.streamrec.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parsing side of {@link RestMetrics}, on answers shaped like Flink 1.16's. */
class RestMetricsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void readsTheJobAndItsVertices() throws Exception {
    RestMetrics.JobView job = RestMetrics.parseJob(JSON.readTree("""
        {"jid": "j1", "name": "streamrec-features", "state": "RUNNING", "vertices": [
          {"id": "v1", "name": "Source: kafka: interactions -> parse interactions -> event time: interactions",
           "parallelism": 2, "status": "RUNNING"},
          {"id": "v2", "name": "item features -> (feature store: items: Writer, purchases per region)",
           "parallelism": 2, "status": "INITIALIZING"}]}"""));
    assertThat(job.allRunning()).isFalse();
    assertThat(job.vertexStartingWith("item features").id()).isEqualTo("v2");
    assertThat(job.vertices()).extracting(RestMetrics.Vertex::shortName)
        .containsExactly("kafka: interactions", "item features");
    assertThatThrownBy(() -> job.vertexStartingWith("user features"))
        .hasMessageContaining("no vertex starts with 'user features'").hasMessageContaining("item features");
  }

  @Test
  void aJobRunsWhenItAndEveryVertexRun() throws Exception {
    assertThat(RestMetrics.parseJob(JSON.readTree("""
        {"state": "RUNNING", "vertices": [{"id": "v", "name": "x", "parallelism": 1, "status": "RUNNING"}]}"""))
        .allRunning()).isTrue();
    assertThat(RestMetrics.parseJob(JSON.readTree("{\"state\": \"RUNNING\", \"vertices\": []}")).allRunning())
        .isFalse();
  }

  @Test
  void readsAggregatesWhetherFlinkWritesNumbersOrStrings() throws Exception {
    var m = RestMetrics.parseAggregates(JSON.readTree("""
        [{"id": "numRecordsIn", "sum": 2050000.0},
         {"id": "accumulateBusyTimeMs", "sum": "1234.5"},
         {"id": "item_features.lateEvents", "max": 3.0},
         {"id": "broken", "sum": "n/a"}]"""), "sum");
    assertThat(m).containsOnlyKeys("numRecordsIn", "accumulateBusyTimeMs");
    assertThat(m.get("numRecordsIn")).isEqualTo(2_050_000.0);
    assertThat(m.get("accumulateBusyTimeMs")).isEqualTo(1234.5);
  }

  @Test
  void findsOperatorMetricsByTheirMetricPart() {
    List<String> ids = List.of("numRecordsIn", "item_features.interactions_view",
        "item_features.interactionsPerSecond_view", "item_features.interactions_add_to_cart",
        "parse_interactions.recordsDeadLettered", "feature_store__users__Writer.featureFreshnessLagMs_p99");
    assertThat(RestMetrics.operatorMetricIdsWithPrefix(ids, "interactions_"))
        .containsExactly("item_features.interactions_view", "item_features.interactions_add_to_cart");
    assertThat(RestMetrics.operatorMetricIds(ids, "recordsDeadLettered"))
        .containsExactly("parse_interactions.recordsDeadLettered");
    assertThat(RestMetrics.operatorMetricIds(ids, "featureFreshnessLagMs_p99")).hasSize(1);
  }

  @Test
  void operatorNamesInMetricIdsLoseSpacesColonsDotsAndCommas() {
    assertThat(RestMetrics.metricName("feature store: users: Writer")).isEqualTo("feature_store__users__Writer");
    assertThat(RestMetrics.metricName("a.b,c")).isEqualTo("a_b_c");
  }

  @Test
  void readsCheckpointHistoryOldestFirst() throws Exception {
    var cps = RestMetrics.parseCheckpoints(JSON.readTree("""
        {"counts": {"completed": 1}, "history": [
          {"id": 2, "status": "IN_PROGRESS", "trigger_timestamp": 2000, "end_to_end_duration": 50,
           "state_size": 0},
          {"id": 1, "status": "COMPLETED", "trigger_timestamp": 1000, "end_to_end_duration": 700,
           "state_size": 123456789}]}"""));
    assertThat(cps).extracting(RestMetrics.Checkpoint::id).containsExactly(1L, 2L);
    assertThat(cps.get(0)).isEqualTo(new RestMetrics.Checkpoint(1, "COMPLETED", 1000, 700, 123_456_789));
  }
}
