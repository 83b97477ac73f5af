package io.streamrec.core.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.RecRequest;
import io.streamrec.core.contract.RecResponse;
import io.streamrec.core.contract.RecResponse.RecItem;
import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.features.TopNBoard;
import io.streamrec.core.features.TrendingFeatures;
import io.streamrec.core.store.EmbeddedFeatureStore;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureRecord;
import io.streamrec.core.store.FeatureStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import io.streamrec.core.store.FeatureStoreException;
import io.streamrec.core.store.FeatureWrite;
import io.streamrec.core.store.WriteOutcome;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TrendingRecommenderTest {

  static final long HOUR = 3_600_000L;
  static final long T0 = 1_700_000_000_000L;
  static final String GLOBAL = StoreLayout.GLOBAL_REGION;

  record Purchase(String region, String item, long ts) {}

  final TrendingFeatures features = new TrendingFeatures(HOUR, 50);
  final EmbeddedFeatureStore store = EmbeddedFeatureStore.isolated(() -> T0);
  final TrendingRecommender recommender = new TrendingRecommender(store);
  final List<Purchase> purchases = new ArrayList<>();

  /**
   * eu: e1 x3, e2 x2, g1 x1; us: g1 x4, u1 x3 (one half an hour later), u2 x1. In counts at T0: eu e1 3, e2 2, g1 1;
   * us g1 4, u1 2 + sqrt(2), u2 1; global g1 5, u1 2 + sqrt(2), e1 3, e2 2, u2 1. Every count decays at the same
   * rate, so these orders hold at any instant.
   */
  @BeforeEach
  void purchases() {
    buy("eu", "e1", T0, T0, T0);
    buy("eu", "e2", T0, T0);
    buy("eu", "g1", T0);
    buy("us", "g1", T0, T0, T0, T0);
    buy("us", "u1", T0, T0, T0 + HOUR / 2);
    buy("us", "u2", T0);
  }

  @AfterEach
  void close() {
    store.close();
  }

  void buy(String region, String item, long... times) {
    for (long ts : times) {
      purchases.add(new Purchase(region, item, ts));
    }
  }

  /** What the feature job does: one board per region (and the global one), written with toBins. */
  void publish(String... regions) {
    Map<String, TopNBoard> boards = new HashMap<>();
    Map<String, Map<String, Double>> logScores = new HashMap<>();
    long updatedAt = 0;
    for (Purchase p : purchases) {
      for (String region : features.regionsOf(p.region())) {
        Map<String, Double> scores = logScores.computeIfAbsent(region, r -> new HashMap<>());
        double next = features.decay().add(
            scores.getOrDefault(p.item(), Double.NEGATIVE_INFINITY), features.weight(InteractionType.PURCHASE), p.ts());
        scores.put(p.item(), next);
        boards.computeIfAbsent(region, r -> new TopNBoard(features.boardSize())).offer(p.item(), next);
      }
      updatedAt = Math.max(updatedAt, p.ts());
    }
    for (String region : regions) {
      assertThat(store.upsert(TrendingFeatures.key(region), features.toBins(boards.get(region), updatedAt), updatedAt,
          Duration.ZERO)).isTrue();
    }
  }

  /** Closed form of an item's decayed purchase count in a region at {@code ts}. */
  double count(String region, String item, long ts) {
    double sum = 0;
    for (Purchase p : purchases) {
      if (p.item().equals(item) && (region.equals(GLOBAL) || region.equals(p.region()))) {
        sum += Math.pow(2, -(double) (ts - p.ts()) / HOUR);
      }
    }
    return sum;
  }

  static RecRequest request(int k, long ts) {
    return RecRequest.of("r1", "u1", ts, k);
  }

  static List<String> ids(RecResponse r) {
    return r.items().stream().map(RecItem::itemId).toList();
  }

  static List<String> sources(RecResponse r) {
    return r.items().stream().map(i -> String.join("+", i.sources())).toList();
  }

  static List<Integer> ranks(RecResponse r) {
    return r.items().stream().map(RecItem::rank).toList();
  }

  /** Every item's score is its decayed count at {@code ts} in the list it came from (its source). */
  void assertScores(RecResponse r, String servedRegion, long ts) {
    for (RecItem item : r.items()) {
      String region = item.sources().equals(List.of(TrendingRecommender.SOURCE_GLOBAL)) ? GLOBAL : servedRegion;
      assertThat(item.score()).as(item.itemId()).isCloseTo(count(region, item.itemId(), ts), within(1e-9));
    }
  }

  @Test
  void regionListFirstThenGlobalTopUpWithoutDuplicates() {
    publish("eu", "us", GLOBAL);
    RecRequest req = request(5, T0 + 2 * HOUR);
    req.region = "eu";
    RecResponse r = recommender.recommend(req, null);

    assertThat(ids(r)).containsExactly("e1", "e2", "g1", "u1", "u2");
    assertThat(sources(r)).containsExactly(
        "trending_region", "trending_region", "trending_region", "trending_global", "trending_global");
    assertThat(ranks(r)).containsExactly(1, 2, 3, 4, 5);
    assertThat(r.requestId()).isEqualTo("r1");
    assertThat(r.userId()).isEqualTo("u1");
    assertThat(r.degraded()).isFalse();
    assertThat(r.reason()).isNull();
    assertThat(r.error()).isNull();
    assertThat(r.models()).isEqualTo(new RecResponse.Models(TrendingRecommender.MODEL_VERSION, "none"));
    assertThat(r.timingsMs().keySet()).containsExactly("store", "total");
    // Scores are the decayed counts at the request's time, in the list they came from.
    assertThat(r.items().get(0).score()).isCloseTo(3 * 0.25, within(1e-9));
    assertThat(r.items().get(2).score()).isCloseTo(0.25, within(1e-9)); // g1's eu count, not its global 5
    assertThat(r.items().get(3).score()).isCloseTo(2 * 0.25 + Math.pow(2, -1.5), within(1e-9));
    assertScores(r, "eu", req.ts);
  }

  @Test
  void exactlyKItemsRankedOneToK() {
    publish("eu", GLOBAL);
    for (int k = 1; k <= 5; k++) {
      RecRequest req = request(k, T0);
      req.region = "eu";
      RecResponse r = recommender.recommend(req, null);
      assertThat(r.items()).hasSize(k);
      assertThat(ranks(r)).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, k).boxed().toList());
      assertThat(ids(r)).containsExactlyElementsOf(List.of("e1", "e2", "g1", "u1", "u2").subList(0, k));
    }
    // More asked than known: everything known, once, and not degraded.
    RecRequest req = request(20, T0);
    req.region = "eu";
    RecResponse r = recommender.recommend(req, null);
    assertThat(ids(r)).containsExactly("e1", "e2", "g1", "u1", "u2");
    assertThat(r.degraded()).isFalse();
  }

  @Test
  void globalOrderFollowsTheDecayedCountsAtPublishTime() {
    publish(GLOBAL);
    // At T0 + 1h: g1 = 5 * 0.5 = 2.5, u1 = 2 * 0.5 + 2^-0.5, e1 = 1.5, e2 = 1.0, u2 = 0.5.
    RecResponse r = recommender.recommend(request(10, T0 + HOUR), null);
    assertThat(ids(r)).containsExactly("g1", "u1", "e1", "e2", "u2");
    double[] expected = {2.5, 1 + Math.sqrt(0.5), 1.5, 1.0, 0.5};
    for (int i = 0; i < expected.length; i++) {
      assertThat(r.items().get(i).score()).isCloseTo(expected[i], within(1e-9));
    }
    assertThat(sources(r)).containsOnly("trending_global");
    assertThat(r.degraded()).isFalse();
  }

  @Test
  void boughtAndExcludedItemsAreRemovedAndRanksStayDense() {
    publish("eu", GLOBAL);
    SessionState session = new SessionState();
    session.apply(Interaction.of("ev1", "u1", "e1", InteractionType.PURCHASE, T0).withRegion("eu"));
    session.apply(Interaction.of("ev2", "u1", "u1", InteractionType.PURCHASE, T0));
    session.apply(Interaction.of("ev3", "u1", "e2", InteractionType.VIEW, T0)); // viewed, not bought: stays
    RecRequest req = request(3, T0);
    req.exclude = new String[] {"g1", "not-trending"};
    RecResponse r = recommender.recommend(req, session);
    assertThat(ids(r)).containsExactly("e2", "u2");
    assertThat(ranks(r)).containsExactly(1, 2);
    assertThat(sources(r)).containsExactly("trending_region", "trending_global");
    assertThat(r.degraded()).isFalse();
    assertScores(r, "eu", T0);
  }

  @Test
  void regionFromRequestBeatsSessionBeatsGlobal() {
    SessionState inUs = new SessionState();
    inUs.apply(Interaction.of("ev", "u1", "x", InteractionType.VIEW, T0).withRegion("us"));
    RecRequest eu = request(3, T0);
    eu.region = "eu";
    RecRequest none = request(3, T0);

    assertThat(TrendingRecommender.regionFor(eu, inUs)).isEqualTo("eu");
    assertThat(TrendingRecommender.regionFor(none, inUs)).isEqualTo("us");
    assertThat(TrendingRecommender.regionFor(none, new SessionState())).isEqualTo(GLOBAL);
    assertThat(TrendingRecommender.regionFor(none, null)).isEqualTo(GLOBAL);

    publish("eu", "us", GLOBAL);
    RecResponse fromRequest = recommender.recommend(eu, inUs);
    assertThat(ids(fromRequest)).containsExactly("e1", "e2", "g1");
    assertScores(fromRequest, "eu", T0);

    RecResponse fromSession = recommender.recommend(none, inUs);
    assertThat(ids(fromSession)).containsExactly("g1", "u1", "u2");
    assertThat(sources(fromSession)).containsOnly("trending_region");
    assertThat(fromSession.items().get(0).score()).isCloseTo(4.0, within(1e-9));
    assertScores(fromSession, "us", T0);

    RecResponse global = recommender.recommend(none, new SessionState());
    assertThat(ids(global)).containsExactly("g1", "u1", "e1");
    assertThat(sources(global)).containsOnly("trending_global");
    assertThat(global.items().get(0).score()).isCloseTo(5.0, within(1e-9));
    assertThat(global.degraded()).isFalse();
  }

  @Test
  void missingRegionListIsDegradedAndServedFromGlobal() {
    publish("eu", GLOBAL);
    RecRequest req = request(3, T0);
    req.region = "apac";
    RecResponse r = recommender.recommend(req, null);
    assertThat(ids(r)).containsExactly("g1", "u1", "e1");
    assertThat(sources(r)).containsOnly("trending_global");
    assertThat(r.degraded()).isTrue();
    assertThat(r.reason()).isEqualTo("no trending list for region 'apac' yet; served the global list");
    assertThat(r.error()).isNull();
    assertScores(r, GLOBAL, T0);
  }

  @Test
  void nothingKnownGivesAnEmptyDegradedResponse() {
    RecRequest req = request(10, T0);
    req.region = "eu";
    RecResponse r = recommender.recommend(req, null);
    assertThat(r.items()).isEmpty();
    assertThat(r.degraded()).isTrue();
    assertThat(r.reason()).isEqualTo("no trending items known yet");
    assertThat(r.error()).isNull();
    assertThat(r.requestId()).isEqualTo("r1");

    RecResponse global = recommender.recommend(request(10, T0), null);
    assertThat(global.items()).isEmpty();
    assertThat(global.degraded()).isTrue();
    assertThat(global.reason()).isEqualTo("no trending items known yet");
  }

  @Test
  void everythingFilteredOutSaysSoInsteadOfClaimingNothingIsKnown() {
    EmbeddedFeatureStore own = EmbeddedFeatureStore.isolated(() -> T0);
    TopNBoard board = new TopNBoard(3);
    board.offer("a", features.decay().add(Double.NEGATIVE_INFINITY, 1, T0));
    own.upsert(TrendingFeatures.key("eu"), features.toBins(board, T0), T0, Duration.ZERO);
    RecRequest req = request(5, T0);
    req.region = "eu";
    req.exclude = new String[] {"a"};
    RecResponse r = new TrendingRecommender(own).recommend(req, null);
    assertThat(r.items()).isEmpty();
    assertThat(r.degraded()).isTrue();
    assertThat(r.reason()).isEqualTo("every trending item was filtered out (bought or excluded)");
  }

  @Test
  void aCorruptTrendingRecordGivesADegradedResponseNotAnException() {
    store.upsert(TrendingFeatures.key("eu"),
        Map.of(io.streamrec.core.contract.StoreLayout.Trending.ITEMS, List.of("a", "b"),
            io.streamrec.core.contract.StoreLayout.Trending.LOG_SCORES, List.of(1.0)),
        T0, Duration.ZERO);
    RecRequest req = request(5, T0);
    req.region = "eu";
    RecResponse r = recommender.recommend(req, null);
    assertThat(r.degraded()).isTrue();
    assertThat(r.reason()).startsWith("unreadable trending record").contains("eu");
    assertThat(r.requestId()).isEqualTo("r1");
  }

  @Test
  void regionListWithoutGlobalIsServedAsItIs() {
    publish("eu");
    RecRequest req = request(10, T0);
    req.region = "eu";
    RecResponse r = recommender.recommend(req, null);
    assertThat(ids(r)).containsExactly("e1", "e2", "g1");
    assertThat(r.degraded()).isFalse();
  }

  @Test
  void throwingStoreGivesADegradedResponseNotAnException() {
    FeatureStore broken = new FeatureStore() {
      @Override
      public CompletableFuture<Map<FeatureKey, FeatureRecord>> readAll(Collection<FeatureKey> keys) {
        return CompletableFuture.failedFuture(new FeatureStoreException("connection refused", true));
      }

      @Override
      public CompletableFuture<List<WriteOutcome>> writeAll(List<FeatureWrite> writes) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void close() {}
    };
    RecRequest req = request(10, T0);
    req.region = "eu";
    RecResponse r = new TrendingRecommender(broken).recommend(req, new SessionState());
    assertThat(r.items()).isEmpty();
    assertThat(r.degraded()).isTrue();
    assertThat(r.reason()).isEqualTo("feature store unavailable: connection refused");
    assertThat(r.error()).isNull();
    assertThat(r.requestId()).isEqualTo("r1");
    assertThat(r.userId()).isEqualTo("u1");
    assertThat(r.models().retrieval()).isEqualTo(TrendingRecommender.MODEL_VERSION);
  }

  @Test
  void readsBothListsInOneRoundTrip() {
    publish("eu", GLOBAL);
    List<Collection<FeatureKey>> calls = new ArrayList<>();
    FeatureStore counting = new FeatureStore() {
      @Override
      public CompletableFuture<Map<FeatureKey, FeatureRecord>> readAll(Collection<FeatureKey> keys) {
        calls.add(List.copyOf(keys));
        return store.readAll(keys);
      }

      @Override
      public CompletableFuture<List<WriteOutcome>> writeAll(List<FeatureWrite> writes) {
        return store.writeAll(writes);
      }

      @Override
      public void close() {}
    };
    RecRequest req = request(4, T0);
    req.region = "eu";
    RecResponse r = new TrendingRecommender(counting).recommend(req, null);
    assertThat(ids(r)).containsExactly("e1", "e2", "g1", "u1");
    assertThat(calls).hasSize(1);
    assertThat(calls.get(0)).containsExactlyInAnyOrder(TrendingFeatures.key("eu"), TrendingFeatures.key(GLOBAL));
  }

  @Test
  void toBinsRoundTripsThroughTheStore() {
    publish(GLOBAL);
    FeatureRecord record = store.get(TrendingFeatures.key(GLOBAL)).orElseThrow();
    TrendingFeatures.TrendingList list = TrendingFeatures.TrendingList.fromRecord(GLOBAL, record);
    assertThat(list.items()).containsExactly("g1", "u1", "e1", "e2", "u2");
    assertThat(list.halfLifeMs()).isEqualTo(HOUR);
    assertThat(list.countAt(0, T0 + HOUR)).isCloseTo(2.5, within(1e-9));
    assertThat(record.getLong(StoreLayout.Trending.UPDATED_AT, -1)).isEqualTo(T0 + HOUR / 2);
    assertThat(record.version()).isEqualTo(T0 + HOUR / 2);
    Map<String, Object> bins = new LinkedHashMap<>(record.bins());
    assertThat(bins).containsOnlyKeys(StoreLayout.Trending.ITEMS, StoreLayout.Trending.LOG_SCORES,
        StoreLayout.Trending.HALF_LIFE_MS, StoreLayout.Trending.UPDATED_AT);
  }
}
