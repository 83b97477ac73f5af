package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.ItemOp;
import io.streamrec.core.contract.RecResponse;
import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.features.ExponentialDecay;
import io.streamrec.core.features.ItemFeatureState;
import io.streamrec.core.features.TopNBoard;
import io.streamrec.core.features.TrendingFeatures;
import io.streamrec.core.store.EmbeddedFeatureStore;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureRecord;
import io.streamrec.core.store.FeatureStore;
import io.streamrec.core.store.FeatureWrite;
import io.streamrec.core.store.WriteOutcome;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The fallback answers without I/O on the caller's thread, also over a store whose answers come later. */
class FallbackAnswersTest {
  private static final long NOW = 1_700_000_000_000L;

  /** A store whose reads complete 30 ms later on another thread, as a remote store's do. */
  private static class SlowStore implements FeatureStore {
    private final FeatureStore inner;
    private final Executor later = CompletableFuture.delayedExecutor(30, TimeUnit.MILLISECONDS);

    SlowStore(FeatureStore inner) {
      this.inner = inner;
    }

    @Override
    public CompletableFuture<Map<FeatureKey, FeatureRecord>> readAll(Collection<FeatureKey> keys) {
      return CompletableFuture.supplyAsync(() -> inner.readAll(keys).join(), later);
    }

    @Override
    public CompletableFuture<List<WriteOutcome>> writeAll(List<FeatureWrite> writes) {
      return inner.writeAll(writes);
    }

    @Override
    public void close() {}
  }

  private static void item(FeatureStore store, String id, boolean inStock, int minAge, String... regions) {
    Item it = new Item();
    it.itemId = id;
    it.op = ItemOp.UPSERT;
    it.title = id;
    it.category = "c";
    it.tags = new String[0];
    it.price = 1;
    it.inStock = inStock;
    it.regions = regions;
    it.minAge = minAge;
    it.ts = NOW - 1000;
    ItemFeatureState s = ItemFeatureState.empty(id);
    s.applyCatalog(it);
    store.upsert(new FeatureKey(StoreLayout.ItemBins.SET, id), s.toBins(), s.storeVersion(), Duration.ZERO);
  }

  private static void trending(FeatureStore store, String region, String... items) {
    TrendingFeatures t = TrendingFeatures.defaults();
    TopNBoard board = new TopNBoard(50);
    for (int i = 0; i < items.length; i++) {
      board.offer(items[i], t.decay().add(ExponentialDecay.empty(), 100 - i, NOW));
    }
    store.upsert(TrendingFeatures.key(region), t.toBins(board, NOW), 1, Duration.ZERO);
  }

  private static List<String> ids(List<RecResponse.RecItem> items) {
    return items.stream().map(RecResponse.RecItem::itemId).toList();
  }

  @Test
  void servesCatalogCheckedTrendingPerRegionFromASlowAsyncStore() throws Exception {
    EmbeddedFeatureStore embedded = EmbeddedFeatureStore.isolated(() -> NOW);
    item(embedded, "ok", true, 0);
    item(embedded, "sold-out", false, 0);
    item(embedded, "wine", true, 18);
    item(embedded, "german", true, 0, "Germany");
    item(embedded, "uk", true, 0, "United Kingdom");
    trending(embedded, StoreLayout.GLOBAL_REGION, "sold-out", "wine", "ok", "german", "unknown");
    trending(embedded, "United Kingdom", "uk", "german");
    try (FallbackAnswers fallback = new FallbackAnswers(new SlowStore(embedded), 20, 10, Duration.ofMillis(50),
        () -> NOW)) {
      // Asked before the region was known: global until a refresh builds the region's list.
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!ids(fallback.answer("United Kingdom", Set.of(), 10)).contains("uk")) {
        assertThat(System.nanoTime()).as("the region's list was never built").isLessThan(end);
        Thread.sleep(10);
      }
      long start = System.nanoTime();
      List<RecResponse.RecItem> uk = fallback.answer("United Kingdom", Set.of(), 10);
      long tookMicros = (System.nanoTime() - start) / 1000;
      // the region's own list first, then global; never sold out, age-restricted, unknown or another region's item
      assertThat(ids(uk)).containsExactly("uk", "ok");
      assertThat(tookMicros).as("no I/O: far below the store's 30 ms").isLessThan(10_000);
      assertThat(ids(fallback.answer(null, Set.of(), 10))).containsExactly("ok", "german");
      assertThat(ids(fallback.answer("Germany", Set.of("ok"), 10))).doesNotContain("ok");
      assertThat(fallback.answer(null, Set.of(), 1)).hasSize(1);
    }
  }

  @Test
  void answersEmptyBeforeTheFirstRefreshInsteadOfWaiting() {
    EmbeddedFeatureStore embedded = EmbeddedFeatureStore.isolated(() -> NOW);
    item(embedded, "ok", true, 0);
    trending(embedded, StoreLayout.GLOBAL_REGION, "ok");
    FeatureStore never = new SlowStore(embedded) {
      @Override
      public CompletableFuture<Map<FeatureKey, FeatureRecord>> readAll(Collection<FeatureKey> keys) {
        return new CompletableFuture<>(); // never answers
      }
    };
    try (FallbackAnswers fallback = new FallbackAnswers(never, 20, 10, Duration.ofMillis(50), () -> NOW)) {
      assertThat(fallback.answer("United Kingdom", Set.of(), 10)).isEmpty();
    }
  }
}
