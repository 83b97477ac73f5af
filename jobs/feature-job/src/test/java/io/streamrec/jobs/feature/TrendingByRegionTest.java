package io.streamrec.jobs.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.core.features.TrendingFeatures;
import java.util.List;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.time.Time;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TrendingByRegionTest {

  private static final long T0 = 1_700_000_000_000L;
  private static final long HOUR = 3_600_000L;
  private final TrendingFeatures features = new TrendingFeatures(HOUR, 3);
  private KeyedOneInputStreamOperatorTestHarness<String, RegionEvent, TrendingUpdate> harness;

  private KeyedOneInputStreamOperatorTestHarness<String, RegionEvent, TrendingUpdate> newHarness()
      throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new TrendingByRegion(features, Time.days(90), 0)), e -> e.region, Types.STRING);
  }

  @BeforeEach
  void open() throws Exception {
    harness = newHarness();
    harness.open();
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private void purchase(String region, String item, long ts) throws Exception {
    harness.processElement(RegionEvent.of(region, item, 1.0, ts), ts);
  }

  private TrendingUpdate last() {
    List<TrendingUpdate> out = harness.extractOutputValues();
    return out.get(out.size() - 1);
  }

  @Test
  void ranksItemsByDecayedPurchasesPerRegion() throws Exception {
    purchase("UK", "a", T0);
    purchase("UK", "b", T0);
    purchase("UK", "b", T0 + 1);
    purchase("FR", "c", T0);

    TrendingUpdate uk = harness.extractOutputValues().stream().filter(u -> u.region.equals("UK"))
        .reduce((x, y) -> y).orElseThrow();
    assertThat(uk.board.idList()).containsExactly("b", "a");
    assertThat(last().region).isEqualTo("FR");
    assertThat(last().board.idList()).containsExactly("c");
  }

  @Test
  void olderPurchasesWeighLessThanRecentOnes() throws Exception {
    // Three purchases two half-lives ago are worth 0.75 now; two fresh ones are worth 2.
    purchase("UK", "old", T0);
    purchase("UK", "old", T0);
    purchase("UK", "old", T0);
    purchase("UK", "new", T0 + 2 * HOUR);
    purchase("UK", "new", T0 + 2 * HOUR);

    TrendingUpdate u = last();
    assertThat(u.board.idList()).containsExactly("new", "old");
    TrendingFeatures.TrendingList list = TrendingFeatures.TrendingList.fromRecord("UK",
        new io.streamrec.core.store.FeatureRecord(features.toBins(u.board, u.updatedAt), u.updatedAt, Long.MAX_VALUE));
    assertThat(list.countAt(0, T0 + 2 * HOUR)).isCloseTo(2.0, within(1e-9));
    assertThat(list.countAt(1, T0 + 2 * HOUR)).isCloseTo(0.75, within(1e-9));
  }

  @Test
  void outOfOrderEventsCountTheSameAndTheVersionIsTheNewestEventTime() throws Exception {
    purchase("UK", "x", T0 + 5 * HOUR);
    purchase("UK", "x", T0);
    TrendingUpdate u = last();
    assertThat(u.updatedAt).isEqualTo(T0 + 5 * HOUR);
    double expected = features.decay().add(features.decay().add(Double.NEGATIVE_INFINITY, 1, T0), 1, T0 + 5 * HOUR);
    assertThat(u.board.scores[0]).isCloseTo(expected, within(1e-9));
  }

  @Test
  void emitsOnlyWhenTheBoardChanges() throws Exception {
    purchase("UK", "a", T0);
    purchase("UK", "b", T0);
    purchase("UK", "c", T0);
    int before = harness.extractOutputValues().size();
    // Board is full (capacity 3) and "d" with one old purchase cannot enter it.
    purchase("UK", "d", T0 - HOUR);
    assertThat(harness.extractOutputValues()).hasSize(before);
    // Two more purchases of "d" make it overtake the last entry.
    purchase("UK", "d", T0);
    purchase("UK", "d", T0);
    assertThat(last().board.idList()).hasSize(3).startsWith("d");
  }

  @Test
  void stateSurvivesASnapshotAndRestoreWithoutDoubleCounting() throws Exception {
    purchase("UK", "a", T0);
    purchase("UK", "a", T0);
    OperatorSubtaskState snapshot = harness.snapshot(1L, T0);
    harness.close();

    harness = newHarness();
    harness.initializeState(snapshot);
    harness.open();
    purchase("UK", "a", T0);
    double expected = features.decay().add(features.decay().add(features.decay().add(
        Double.NEGATIVE_INFINITY, 1, T0), 1, T0), 1, T0);
    assertThat(last().board.scores[0]).isCloseTo(expected, within(1e-9));
  }

  /** The region's item scores as the operator holds them. */
  private java.util.Map<String, Double> scores(
      KeyedOneInputStreamOperatorTestHarness<String, RegionEvent, TrendingUpdate> h, String region) throws Exception {
    var backend = h.getOperator().getKeyedStateBackend();
    backend.setCurrentKey(region);
    MapState<String, Double> state = backend.getPartitionedState(VoidNamespace.INSTANCE,
        VoidNamespaceSerializer.INSTANCE, new MapStateDescriptor<>("item-log-scores", Types.STRING, Types.DOUBLE));
    java.util.Map<String, Double> out = new java.util.HashMap<>();
    for (var e : state.entries()) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  @Test
  void scoresOlderThanTheTtlArePrunedWithoutBeingRead() throws Exception {
    long day = 24 * HOUR;
    harness.setProcessingTime(0);
    purchase("UK", "old", T0);
    purchase("UK", "kept", T0 + 80 * day);
    assertThat(scores(harness, "UK")).containsOnlyKeys("old", "kept");
    harness.setProcessingTime(TrendingByRegion.PRUNE_INTERVAL_MS); // the next event checks the region
    purchase("UK", "new", T0 + 91 * day);
    assertThat(scores(harness, "UK")).containsOnlyKeys("kept", "new");
  }

  @Test
  void aRegionKeepsAtMostMaxItemsScoresTheBestOnes() throws Exception {
    var h = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new TrendingByRegion(features, Time.days(90), 0, 3)), e -> e.region,
        Types.STRING);
    h.open();
    h.setProcessingTime(0);
    // Weights 1..5 at the same time: the scores rank e > d > c > b > a.
    String[] items = {"a", "b", "c", "d", "e"};
    for (int k = 0; k < items.length; k++) {
      h.processElement(RegionEvent.of("UK", items[k], k + 1, T0), T0);
      assertThat(scores(h, "UK").size()).isLessThanOrEqualTo(3);
    }
    assertThat(scores(h, "UK")).containsKeys("e", "d");
    h.close();
  }
}
