package io.streamrec.serving;

import io.streamrec.core.index.Generation;
import io.streamrec.core.index.Hit;
import io.streamrec.core.index.SearchFilter;
import io.streamrec.core.index.VectorIndex;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Item-to-item neighbours per (generation, seed item, stock and region filter), shared by every request of a serving
 * JVM for {@code ttl}: popular items seed many users' item-to-item retrieval, and their neighbours under the same
 * region and stock filter are the same for all of them. The cached lists are searched without the viewer's excluded
 * ids (the caller drops those; it asks for more neighbours than it keeps to make up for them) and without the age
 * filter: a key with the viewer's age made one entry per age and year, and the cache mostly missed (item-to-item
 * searches were 43 % of the serving pool's samples). Age is checked on every candidate against its catalog record
 * after retrieval, and where no catalog record could be read the pipeline serves only what the index filtered for
 * that viewer (ANN), so an age-restricted item never reaches a minor through this cache.
 *
 * <p>Staleness is bounded by {@code ttl} and harmless for correctness: every candidate is checked against its
 * catalog record after retrieval (stock, region, age), and a new generation has new keys. Bounded: past
 * {@code maxEntries} the cache starts again from empty. A failed search is not cached.
 */
final class NeighbourCache {
  private record Key(long generation, String seed, boolean inStockOnly, String region) {}

  private record Entry(long expiresAtNanos, CompletableFuture<List<Hit>> hits) {}

  private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
  private final long ttlNanos;
  private final int maxEntries;
  private final LongSupplier nanoClock;
  private final java.util.concurrent.atomic.LongAdder hits = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder misses = new java.util.concurrent.atomic.LongAdder();

  NeighbourCache(Duration ttl, int maxEntries, LongSupplier nanoClock) {
    this.ttlNanos = ttl.toNanos();
    this.maxEntries = maxEntries;
    this.nanoClock = nanoClock;
  }

  /**
   * The {@code k} nearest neighbours of {@code seed} in {@code generation} under {@code viewerFilter}'s stock, region
   * and category filters (its excluded ids and its age limit are not applied), from the cache or from the index.
   */
  CompletableFuture<List<Hit>> similar(VectorIndex index, Generation generation, String seed, int k,
      SearchFilter viewerFilter) {
    SearchFilter attributesOnly = new SearchFilter(viewerFilter.inStockOnly(), viewerFilter.region(),
        Integer.MAX_VALUE, viewerFilter.categories(), Set.of());
    if (ttlNanos <= 0) {
      return index.similar(seed, k, attributesOnly);
    }
    Key key = new Key(generation.id(), seed, viewerFilter.inStockOnly(), viewerFilter.region());
    long now = nanoClock.getAsLong();
    Entry e = entries.get(key);
    if (e != null && now - e.expiresAtNanos() < 0 && !e.hits().isCompletedExceptionally()) {
      hits.increment();
      return e.hits();
    }
    misses.increment();
    CompletableFuture<List<Hit>> hits = index.similar(seed, k, attributesOnly);
    if (entries.size() >= maxEntries) {
      entries.clear();
    }
    entries.put(key, new Entry(now + ttlNanos, hits));
    hits.whenComplete((h, failure) -> {
      if (failure != null) {
        entries.remove(key); // never serve a failure from the cache
      }
    });
    return hits;
  }

  /** Lookups answered from the cache and lookups that searched the index, since the cache was made. */
  long[] lookups() {
    return new long[] {hits.sum(), misses.sum()};
  }

  int size() {
    return entries.size();
  }
}
