package io.streamrec.launcher.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.RecResponse;
import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureRecord;
import io.streamrec.core.store.FeatureVersion;
import io.streamrec.datasets.Item;
import io.streamrec.datasets.Purchase;
import io.streamrec.datasets.User;
import io.streamrec.datasets.eval.Evaluator;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pipeline evaluation's pure parts: what is replayed, the store check, and how responses are scored. */
class PipelineEvaluationPartsTest {

  private static final long CUTOFF = 1_000_000L;

  private static Purchase purchase(long ts, String user, String item) {
    return new Purchase(ts, user, item, "inv" + ts, 1, 2.5, "France");
  }

  private static TrainingReplay replay() {
    List<Item> items = List.of(
        new Item("A", "a", 1.0, "kitchen", 100, List.of("France")),
        new Item("B", "b", 1.0, "kitchen", 200, List.of("France")),
        new Item("C", "c", 1.0, "garden", CUTOFF, List.of("France"))); // first sold in the test window
    List<User> users = List.of(new User("u1", "France", 100), new User("u2", "France", CUTOFF + 5));
    List<Purchase> purchases = List.of(purchase(100, "u1", "A"), purchase(200, "u1", "B"),
        purchase(CUTOFF - 1, "u1", "A"), purchase(CUTOFF, "u1", "C"), purchase(CUTOFF + 5, "u2", "A"));
    return TrainingReplay.before(items, users, purchases, CUTOFF);
  }

  @Test
  void replaysOnlyWhatPrecedesTheTestWindowWithTheDemosEventIds() {
    TrainingReplay r = replay();
    assertThat(r.items()).extracting(i -> i.itemId).containsExactly("A", "B");
    assertThat(r.items()).extracting(i -> i.ts).containsExactly(100L, 200L);
    assertThat(r.users()).extracting(u -> u.userId).containsExactly("u1");
    assertThat(r.interactions()).extracting(i -> i.ts).containsExactly(100L, 200L, CUTOFF - 1);
    // numbered over the whole dataset, as the demo numbers them
    assertThat(r.interactions()).extracting(i -> i.eventId)
        .containsExactly("inv100-0", "inv200-1", "inv" + (CUTOFF - 1) + "-2");
    assertThat(r.interactions()).allMatch(i -> "France".equals(i.region));
  }

  @Test
  void theStoreIsCurrentOnlyWhenEveryUserAndItemRecordReachedItsLastReplayedEvent() {
    StoreCatchUp check = StoreCatchUp.of(replay());
    FeatureKey u1 = new FeatureKey(StoreLayout.UserBins.SET, "u1");
    FeatureKey a = new FeatureKey(StoreLayout.ItemBins.SET, "A");
    FeatureKey b = new FeatureKey(StoreLayout.ItemBins.SET, "B");
    assertThat(check.expected()).containsOnly(Map.entry(u1, CUTOFF - 1), Map.entry(a, CUTOFF - 1),
        Map.entry(b, 200L));

    Map<FeatureKey, FeatureRecord> records = new HashMap<>();
    assertThat(check.behind(records)).isEqualTo(3);
    records.put(u1, record(CUTOFF - 1, 3));
    records.put(a, record(200, 0)); // has not seen A's last purchase yet
    records.put(b, record(200, 1));
    assertThat(check.behind(records)).isEqualTo(1);
    records.put(a, record(CUTOFF - 1, 0));
    assertThat(check.behind(records)).isZero();
  }

  private static FeatureRecord record(long eventTime, long seq) {
    return new FeatureRecord(Map.of(), FeatureVersion.of(eventTime, seq), FeatureRecord.NEVER);
  }

  private static RecResponse response(String user, boolean degraded, String reason, RecResponse.RecItem... items) {
    return new RecResponse("r-" + user, user, Arrays.asList(items),
        new RecResponse.Models(degraded ? "trending" : "two-tower-v1", "ranker-v1"), degraded, reason, null,
        Map.of());
  }

  private static RecResponse.RecItem item(String id, int rank, String... sources) {
    return new RecResponse.RecItem(id, 1.0 / rank, rank, List.of(sources));
  }

  @Test
  void servedListsAreScoredAsServedInRankOrderAndDescribed() {
    ServedLists served = new ServedLists("pipeline");
    // listed out of order on purpose: the rank decides
    served.add("u1", response("u1", false, null, item("y", 2, "ann"), item("x", 1, "ann", "item2item"),
        item("old", 3, "trending")));
    served.add("u2", response("u2", true, "vector index: deadline exceeded", item("z", 1, "trending")));
    served.unanswered();
    assertThatThrownBy(() -> served.add("u1", response("u1", false, null))).isInstanceOf(
        IllegalArgumentException.class);

    assertThat(served.recommend("u1", 2, Set.of())).containsExactly("x", "y");
    assertThat(served.recommend("nobody", 20, Set.of())).isEmpty();
    assertThat(served.answered()).isEqualTo(2);
    assertThat(served.unansweredCount()).isEqualTo(1);
    assertThat(served.degraded()).isEqualTo(1);
    assertThat(served.degradedReasons()).containsExactly(Map.entry("vector index: deadline exceeded", 1));
    assertThat(served.retrievalModels()).containsExactly(Map.entry("trending", 1), Map.entry("two-tower-v1", 1));
    assertThat(served.servedItems()).isEqualTo(4);
    assertThat(served.itemsBySource()).containsExactly(Map.entry("ann", 2), Map.entry("item2item", 1),
        Map.entry("trending", 2));
    assertThat(served.itemsBySourceSet()).containsExactly(Map.entry("trending", 2), Map.entry("ann", 1),
        Map.entry("ann+item2item", 1));
    assertThat(served.sourceShares()).isEqualTo("ann 50.0 %, item2item 25.0 %, trending 50.0 %");
    Map<String, Set<String>> history = Map.of("u1", Set.of("old"));
    assertThat(served.servedFromHistory(history)).isEqualTo(1);
    assertThat(served.servedFromHistoryByUser(history)).containsExactly(Map.entry("u1", 1));

    // Scored by the protocol's evaluator: an item bought before is a miss, not filtered away.
    Evaluator evaluator = new Evaluator("t", history,
        Map.of("u1", Set.of("y", "old"), "u2", Set.of("q"), "u3", Set.of("x")), 10);
    Evaluator.Result r = evaluator.evaluate(served, 3);
    assertThat(r.users()).isEqualTo(3);
    assertThat(r.recall()).isCloseTo((1.0 + 0 + 0) / 3, within(1e-9)); // u1 found y; u2 missed; u3 unanswered
    assertThat(r.hitRate()).isCloseTo(1.0 / 3, within(1e-9));
    assertThat(r.ndcg()).isCloseTo((1 / (Math.log(3) / Math.log(2))) / 3, within(1e-9));
    assertThat(r.coverage()).isCloseTo(4 / 10.0, within(1e-9));
    assertThat(r.line()).startsWith("EVAL t pipeline recall@3=0.3333");
  }

  @Test
  void identicalListsComparesItemForItemInRankOrder() {
    ServedLists a = new ServedLists("a");
    ServedLists b = new ServedLists("b");
    a.add("u1", response("u1", false, null, item("x", 1, "ann"), item("y", 2, "ann")));
    b.add("u1", response("u1", false, null, item("y", 2, "trending"), item("x", 1, "trending")));
    a.add("u2", response("u2", false, null, item("x", 1, "ann"), item("y", 2, "ann")));
    b.add("u2", response("u2", false, null, item("y", 1, "ann"), item("x", 2, "ann")));
    a.add("u3", response("u3", false, null, item("x", 1, "ann")));
    assertThat(a.identicalLists(b)).isEqualTo(1);
  }

  @Test
  void sessionsAreRebuiltAsTheServingFunctionBuildsThem() {
    var sessions = PipelineAblation.sessions(replay());
    assertThat(sessions).containsOnlyKeys("u1");
    assertThat(sessions.get("u1").recentNewestFirst()).containsExactly("A", "B");
    assertThat(sessions.get("u1").bought()).containsExactlyInAnyOrder("A", "B");
    assertThat(sessions.get("u1").region).isEqualTo("France");
  }

  @Test
  void theAblationStartsWithTheServingDefaultsAndNamesEveryVariantOnce() {
    List<PipelineAblation.Variant> variants = PipelineAblation.variants(20);
    assertThat(variants.get(0).name()).isEqualTo("as-served");
    assertThat(variants.get(0).settings()).isEqualTo(
        io.streamrec.serving.RecommendationPipeline.Settings.defaults());
    assertThat(variants.get(0).ranker()).isTrue();
    assertThat(variants).extracting(PipelineAblation.Variant::name).doesNotHaveDuplicates();
  }
}
