package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.ItemOp;
import io.streamrec.core.contract.RecRequest;
import io.streamrec.core.contract.RecResponse;
import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.contract.User;
import io.streamrec.core.features.ExponentialDecay;
import io.streamrec.core.features.ItemFeatureState;
import io.streamrec.core.features.TopNBoard;
import io.streamrec.core.features.TrendingFeatures;
import io.streamrec.core.features.UserFeatureState;
import io.streamrec.core.index.Generation;
import io.streamrec.core.index.IndexWrite;
import io.streamrec.core.index.ItemAttributes;
import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.model.RankerFeatures;
import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.core.serving.CandidateFilters;
import io.streamrec.core.serving.Deadline;
import io.streamrec.core.store.EmbeddedFeatureStore;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureRecord;
import io.streamrec.core.store.FeatureStore;
import io.streamrec.core.store.FeatureWrite;
import io.streamrec.core.store.FeatureStoreException;
import io.streamrec.core.store.WriteOutcome;
import io.streamrec.index.lucene.LuceneIndexSettings;
import io.streamrec.index.lucene.LuceneVectorIndex;
import io.streamrec.onnx.ItemTower;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline on real parts: the embedded feature store, the embedded Lucene index filled with vectors from
 * the committed item tower, the committed user tower and ranker through ONNX Runtime.
 */
class RecommendationPipelineTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final String[] CATEGORIES = {"mugs", "lamps", "candles", "wine", "cards"};

  private static EmbeddedFeatureStore store;
  private static LuceneVectorIndex index;
  private static ServingModels models;
  private static List<Item> catalog;

  static Path repoModels() {
    return ModelRegistry.findAbove(Path.of("")).root();
  }

  private static Item item(int i) {
    Item it = new Item();
    it.itemId = "item-" + i;
    it.op = ItemOp.UPSERT;
    it.category = CATEGORIES[i % CATEGORIES.length];
    it.title = "vintage " + it.category + " model " + (i % 17);
    it.tags = new String[0];
    it.price = 1.5 + (i % 40);
    it.inStock = i % 13 != 5;
    it.regions = i % 7 == 3 ? new String[] {"Germany"} : new String[0];
    it.minAge = it.category.equals("wine") ? 18 : 0;
    it.ts = NOW - 86_400_000L;
    return it;
  }

  @BeforeAll
  static void setUp() {
    store = EmbeddedFeatureStore.isolated(() -> NOW);
    index = LuceneVectorIndex.create(LuceneIndexSettings.defaults().withRefreshInterval(Duration.ofMillis(5)));
    ModelRegistry registry = new ModelRegistry(repoModels());
    models = new ServingModels(registry, Duration.ofMinutes(10));
    catalog = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      catalog.add(item(i));
    }
    String version = registry.currentVersion(ModelRegistry.TWO_TOWER_ITEM);
    try (ItemTower tower = ItemTower.open(registry, version)) {
      index.create(new Generation(1, version, tower.dimension()));
      index.publish(1);
      List<TwoTowerInputs.ItemInput> inputs = catalog.stream()
          .map(i -> new TwoTowerInputs.ItemInput(i.itemId, i.title, i.category, i.price)).toList();
      float[][] vectors = tower.embed(inputs);
      List<CompletableFuture<?>> writes = new ArrayList<>();
      for (int i = 0; i < catalog.size(); i++) {
        writes.add(index.write(new IndexWrite.Upsert(1, catalog.get(i).itemId, vectors[i],
            ItemAttributes.of(catalog.get(i)), 1)));
      }
      writes.forEach(CompletableFuture::join);
    }
    for (Item it : catalog) {
      ItemFeatureState s = ItemFeatureState.empty(it.itemId);
      s.applyCatalog(it);
      store.upsert(new FeatureKey(StoreLayout.ItemBins.SET, it.itemId), s.toBins(), s.storeVersion(), Duration.ZERO);
    }
    // Trending everywhere: the wine items (age-restricted) and a sold-out item at the top.
    TrendingFeatures trending = TrendingFeatures.defaults();
    TopNBoard board = new TopNBoard(50);
    ExponentialDecay decay = trending.decay();
    List<Integer> top = List.of(3, 8, 5, 13, 1, 2, 4, 6, 7, 9);
    for (int rank = 0; rank < top.size(); rank++) {
      board.offer("item-" + top.get(rank), decay.add(ExponentialDecay.empty(), 100 - rank, NOW));
    }
    store.upsert(TrendingFeatures.key(StoreLayout.GLOBAL_REGION), trending.toBins(board, NOW), 1, Duration.ZERO);
    // The newest items: 390..399, listed in the last hours.
    TrendingFeatures fresh = TrendingFeatures.fresh();
    TopNBoard newest = new TopNBoard(50);
    for (int i = 390; i < 400; i++) {
      newest.offer("item-" + i, fresh.decay().add(ExponentialDecay.empty(), 1, NOW - (400 - i) * 3_600_000L));
    }
    store.upsert(TrendingFeatures.freshKey(StoreLayout.GLOBAL_REGION), fresh.toBins(newest, NOW), 1, Duration.ZERO);
    user("minor", 15, "United Kingdom");
    user("adult", 40, "United Kingdom");
  }

  private static void user(String id, int age, String region) {
    User u = new User();
    u.userId = id;
    u.age = age;
    u.region = region;
    u.ts = NOW - 1000;
    UserFeatureState s = UserFeatureState.empty(id);
    s.applyProfile(u);
    store.upsert(new FeatureKey(StoreLayout.UserBins.SET, id), s.toBins(), s.storeVersion(), Duration.ZERO);
  }

  @AfterAll
  static void tearDown() {
    models.close();
    index.close();
  }

  private static RecRequest request(String user, int k) {
    RecRequest r = RecRequest.of("req-" + user + "-" + k, user, NOW, k);
    r.region = "United Kingdom";
    return r;
  }

  private static RecommendationPipeline pipeline(FeatureStore s) {
    return new RecommendationPipeline(s, index, models, RecommendationPipeline.Settings.defaults(), Runnable::run);
  }

  private static RecommendationPipeline.Session session(String... recent) {
    return new RecommendationPipeline.Session(List.of(recent), Set.of(), Set.of(), "United Kingdom");
  }

  private static List<String> ids(RecResponse r) {
    return r.items().stream().map(RecResponse.RecItem::itemId).toList();
  }

  private static Item byId(String id) {
    return catalog.get(Integer.parseInt(id.substring(5)));
  }

  @Test
  void aKnownUserGetsRankedItemsFromSeveralSourcesWithModelsTimingsAndALog() {
    RecommendationPipeline.Outcome o = pipeline(store).run(request("adult", 20), session("item-10", "item-11"),
        Deadline.startingNow(10_000));
    RecResponse r = o.response();
    assertThat(r.degraded()).as(r.reason()).isFalse();
    assertThat(r.items()).hasSize(20);
    assertThat(ids(r)).doesNotHaveDuplicates().doesNotContain("item-10", "item-11");
    assertThat(r.items()).extracting(RecResponse.RecItem::rank).containsExactlyElementsOf(
        java.util.stream.IntStream.rangeClosed(1, 20).boxed().toList());
    assertThat(r.items().stream().flatMap(i -> i.sources().stream()).distinct())
        .contains("ann", "item2item");
    assertThat(r.models().retrieval()).startsWith("two-tower-");
    assertThat(r.models().ranking()).startsWith("ranker-");
    assertThat(r.models().firstStage()).startsWith("first-stage-");
    assertThat(r.timingsMs()).containsKeys("features", "user_tower", "retrieval", "item_features", "first_stage",
        "rank", "final", "total");
    assertThat(o.candidates().values().stream().mapToInt(Integer::intValue).sum()).isGreaterThan(100);
    assertThat(o.log().featureNames()).isEqualTo(RankerFeatures.NAMES);
    assertThat(o.log().served()).hasSize(20).allSatisfy(e -> assertThat(e.features()).hasSize(RankerFeatures.SIZE));
    assertThat(o.log().negatives()).isNotEmpty();
    // Every ranked candidate has its two-tower score (retrieval_score), whichever source proposed it, as the
    // ranker saw in training.
    assertThat(o.log().served()).allSatisfy(e -> assertThat(e.features()[0]).as(e.itemId()).isNotNaN());
    assertThat(o.log().served()).anySatisfy(e -> assertThat(e.sources()).doesNotContain("ann"));
    // Served items passed the catalog filters.
    assertThat(ids(r)).allSatisfy(id -> {
      Item it = byId(id);
      assertThat(it.inStock).isTrue();
      assertThat(it.regions).doesNotContain("Germany");
    });
  }

  @Test
  void theLastSwipeChangesTheNextAnswer() {
    RecommendationPipeline p = pipeline(store);
    RecResponse before = p.run(request("adult", 10), session("item-10"), Deadline.startingNow(10_000)).response();
    RecResponse after = p.run(request("adult", 10), session("item-22", "item-10"), Deadline.startingNow(10_000))
        .response();
    assertThat(ids(after)).isNotEqualTo(ids(before)).doesNotContain("item-22");
  }

  @Test
  void anAgeRestrictedItemIsNeverServedToAMinorAndSoldOutItemsNever() {
    RecommendationPipeline.Outcome minor = pipeline(store).run(request("minor", 50), session("item-3", "item-8"),
        Deadline.startingNow(10_000));
    assertThat(ids(minor.response())).isNotEmpty()
        .allSatisfy(id -> assertThat(byId(id).minAge).as(id).isZero())
        .allSatisfy(id -> assertThat(byId(id).inStock).as(id).isTrue());
    assertThat(minor.filtered().get(CandidateFilters.Reason.AGE)).isPositive(); // trending proposed wine
    RecResponse adult = pipeline(store).run(request("adult", 50), session("item-3", "item-8"),
        Deadline.startingNow(10_000)).response();
    assertThat(ids(adult)).anyMatch(id -> byId(id).minAge == 18);
    assertThat(ids(adult)).doesNotContain("item-5"); // trending but sold out
  }

  @Test
  void aMinorAfterAnAdultWithTheSameSeedsGetsNoAgeRestrictedItemFromTheSharedNeighbours() {
    RecommendationPipeline shared = pipeline(store);
    RecResponse adult = shared.run(request("adult", 50), session("item-3", "item-8"), Deadline.startingNow(10_000))
        .response();
    assertThat(ids(adult)).anyMatch(id -> byId(id).minAge == 18);
    RecommendationPipeline.Outcome minor = shared.run(request("minor", 50), session("item-3", "item-8"),
        Deadline.startingNow(10_000));
    assertThat(ids(minor.response())).isNotEmpty().allSatisfy(id -> assertThat(byId(id).minAge).as(id).isZero());
  }

  @Test
  void aNewUserGetsAnAnswerFromTheRegionsBoards() {
    RecResponse r = pipeline(store).run(request("stranger", 5), RecommendationPipeline.Session.empty(),
        Deadline.startingNow(10_000)).response();
    assertThat(r.degraded()).as(r.reason()).isFalse();
    // Nothing personal to retrieve from: the region's boards (trending, newest items) only; which of them the
    // ranker puts first depends on the model (v3 scores all of these alike for a stranger).
    assertThat(r.items()).isNotEmpty().allSatisfy(i -> assertThat(i.sources()).isNotEmpty()
        .isSubsetOf("trending", "fresh"));
    assertThat(r.items()).anyMatch(i -> i.sources().contains("trending"));
    // Unknown age: only unrestricted items.
    assertThat(ids(r)).allSatisfy(id -> assertThat(byId(id).minAge).isZero());
  }

  @Test
  void newItemsAreProposedAndTheExplorationSlotShowsOne() {
    RecommendationPipeline.Settings always = RecommendationPipeline.Settings.defaults();
    always = new RecommendationPipeline.Settings(always.annK(), always.itemToItemSeeds(), always.itemToItemK(),
        always.trendingK(), always.freshK(), always.maxCandidates(), always.rankTopN(), always.rankerTopN(), always.weights(),
        new io.streamrec.core.serving.FinalStage.Settings(5, 1.0, 2), always.loggedNegatives(),
        always.neighbourTtl());
    RecommendationPipeline.Outcome o = new RecommendationPipeline(store, index, models, always, Runnable::run)
        .run(request("adult", 10), session("item-10"), Deadline.startingNow(10_000));
    assertThat(o.candidates().get(io.streamrec.core.serving.RetrievalSource.FRESH)).isEqualTo(10);
    RecResponse.RecItem explored = o.response().items().get(2);
    assertThat(explored.sources()).contains("fresh", "explore");
    assertThat(Integer.parseInt(explored.itemId().substring(5))).isBetween(390, 399);
  }

  @Test
  void aFailingStoreGivesADegradedAnswerWithOnlyIndexCheckedItems() {
    FeatureStore failing = new FeatureStore() {
      @Override
      public CompletableFuture<Map<FeatureKey, FeatureRecord>> readAll(Collection<FeatureKey> keys) {
        return CompletableFuture.failedFuture(new FeatureStoreException("connection refused", true));
      }

      @Override
      public CompletableFuture<List<WriteOutcome>> writeAll(List<FeatureWrite> writes) {
        return CompletableFuture.failedFuture(new FeatureStoreException("connection refused", true));
      }

      @Override
      public void close() {}
    };
    RecResponse r = pipeline(failing).run(request("minor", 10), session("item-3"), Deadline.startingNow(10_000))
        .response();
    assertThat(r.degraded()).isTrue();
    assertThat(r.reason()).contains("feature store").contains("connection refused");
    assertThat(r.items()).isNotEmpty().allSatisfy(i -> assertThat(i.sources()).contains("ann"));
    // The store could not say the user is a minor; the index filter treats an unknown age as a minor.
    assertThat(ids(r)).allSatisfy(id -> assertThat(byId(id).minAge).isZero());
  }

  @Test
  void pastTheDeadlineTheAnswerIsDegradedButStillThere() {
    RecResponse r = pipeline(store).run(request("adult", 10), session("item-10"),
        Deadline.of(System.nanoTime() - 1_000_000_000L, 1)).response();
    assertThat(r.degraded()).isTrue();
    assertThat(r.reason()).contains("deadline");
    assertThat(r.items()).isNotEmpty();
  }

  @Test
  void theRankerScoresExactlyTheFirstStagesBestN() {
    int n = 8;
    RecommendationPipeline p = new RecommendationPipeline(store, index, models,
        RecommendationPipeline.Settings.defaults().withRankerTopN(n), Runnable::run);
    RecommendationPipeline.Outcome o = p.run(request("adult", 30), session("item-10", "item-11"),
        Deadline.startingNow(10_000));
    RecResponse r = o.response();
    assertThat(r.degraded()).as(r.reason()).isFalse();
    assertThat(o.log().ranked()).isEqualTo(n);
    assertThat(o.log().firstStageScored()).isGreaterThan(n);
    List<io.streamrec.core.contract.PredictionLog.Entry> seen = new ArrayList<>(o.log().served());
    seen.addAll(o.log().negatives());
    List<io.streamrec.core.contract.PredictionLog.Entry> byRanker =
        seen.stream().filter(e -> RecResponse.RecItem.RANKER.equals(e.scoredBy())).toList();
    List<io.streamrec.core.contract.PredictionLog.Entry> byFirstOnly =
        seen.stream().filter(e -> RecResponse.RecItem.FIRST_STAGE.equals(e.scoredBy())).toList();
    assertThat(byRanker).hasSize(n); // 30 served: all of the ranker's n are among them
    assertThat(byFirstOnly).isNotEmpty();
    assertThat(seen).allSatisfy(e -> assertThat(e.firstStageScore()).as(e.itemId()).isNotNull());
    double worstRanked = byRanker.stream().mapToDouble(e -> e.firstStageScore()).min().orElseThrow();
    double bestUnranked = byFirstOnly.stream().mapToDouble(e -> e.firstStageScore()).max().orElseThrow();
    assertThat(worstRanked).as("the ranker's candidates are the first stage's best").isGreaterThanOrEqualTo(
        bestUnranked);
    // The response says which stage scored each item; the ranker's items keep its order (the final stage's
    // category cap and exploration slot may move others between them).
    List<Double> rankerScores = r.items().stream()
        .filter(i -> RecResponse.RecItem.RANKER.equals(i.scoredBy())).map(RecResponse.RecItem::score).toList();
    assertThat(rankerScores).hasSize(n).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    assertThat(r.items()).anySatisfy(i -> assertThat(i.scoredBy()).isEqualTo(RecResponse.RecItem.FIRST_STAGE));
  }

  @Test
  void thePredictionLogParsesUnderItsContractWithTheRowsTheRankerSaw() {
    RecommendationPipeline p = new RecommendationPipeline(store, index, models,
        RecommendationPipeline.Settings.defaults(), Runnable::run);
    RecommendationPipeline.Outcome o = p.run(request("adult", 10), session("item-10", "item-11"),
        Deadline.startingNow(10_000));
    // The training-log job reads the log back through the contract's parser (docs/contracts.md).
    io.streamrec.core.contract.Parsed<io.streamrec.core.contract.PredictionLog> parsed =
        io.streamrec.core.contract.Contracts.PREDICTION_LOG.parse(io.streamrec.core.contract.Json.write(o.log()));
    assertThat(parsed).isInstanceOf(io.streamrec.core.contract.Parsed.Valid.class);
    var log = ((io.streamrec.core.contract.Parsed.Valid<io.streamrec.core.contract.PredictionLog>) parsed).value();
    var entries = io.streamrec.core.training.ServedEntry.of(log);
    assertThat(entries).hasSize(o.log().served().size() + o.log().negatives().size());
    assertThat(entries.get(0).features).containsExactly(o.log().served().get(0).features());
    assertThat(entries.get(0).featureNames).containsExactlyElementsOf(RankerFeatures.NAMES);
  }

  @Test
  void theFirstRequestAfterStartIsRankedByBothStages() {
    try (ServingModels fresh = new ServingModels(new ModelRegistry(repoModels()), Duration.ofMinutes(10))) {
      RecommendationPipeline p = new RecommendationPipeline(store, index, fresh,
          RecommendationPipeline.Settings.defaults(), Runnable::run);
      RecResponse r = p.run(request("adult", 10), session("item-12"), Deadline.startingNow(2_000)).response();
      assertThat(r.degraded()).as(r.reason()).isFalse();
      assertThat(r.models().retrieval()).startsWith("two-tower-");
      assertThat(r.models().firstStage()).startsWith("first-stage-");
      assertThat(r.models().ranking()).startsWith("ranker-");
    }
  }

  @Test
  void aRequestThatWaitedInTheQueuePastItsDeadlineIsNotRun() throws Exception {
    java.util.concurrent.ExecutorService one = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      one.execute(() -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      RecommendationPipeline p = new RecommendationPipeline(store, index, models,
          RecommendationPipeline.Settings.defaults(), one);
      Deadline brief = Deadline.startingNow(20);
      var queued = p.recommend(request("adult", 10), session("item-10"), brief);
      var inTime = p.recommend(request("adult", 10), session("item-10"), Deadline.startingNow(10_000));
      // The first request's 20 ms pass while the pool's only thread is busy.
      long giveUp = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
      while (!brief.expired() && System.nanoTime() < giveUp) {
        Thread.onSpinWait();
      }
      assertThat(brief.expired()).isTrue();
      release.countDown();
      assertThatThrownBy(() -> queued.get(5, java.util.concurrent.TimeUnit.SECONDS))
          .hasCauseInstanceOf(RecommendationPipeline.QueuedPastDeadline.class)
          .hasMessageContaining("past the deadline");
      RecResponse r = inTime.get(5, java.util.concurrent.TimeUnit.SECONDS).response();
      assertThat(r.degraded()).as(r.reason()).isFalse();
    } finally {
      one.shutdownNow();
    }
  }
}
