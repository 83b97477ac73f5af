package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.index.Generation;
import io.streamrec.core.index.Hit;
import io.streamrec.core.index.IndexWrite;
import io.streamrec.core.index.ItemAttributes;
import io.streamrec.core.index.SearchFilter;
import io.streamrec.index.lucene.LuceneIndexSettings;
import io.streamrec.index.lucene.LuceneVectorIndex;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NeighbourCacheTest {

  private static float[] vector(double angle) {
    return new float[] {(float) Math.cos(angle), (float) Math.sin(angle)};
  }

  private static List<String> ids(List<Hit> hits) {
    return hits.stream().map(Hit::itemId).toList();
  }

  private static final Generation G = new Generation(1, "v", 2);

  /** Items i0 … i(n-1) in generation {@link #G}, at angle i × 0.1, in stock, sold in {@code regions.apply(i)}. */
  private static LuceneVectorIndex index(int n, java.util.function.IntFunction<List<String>> regions) {
    LuceneVectorIndex index = LuceneVectorIndex.create(
        LuceneIndexSettings.defaults().withRefreshInterval(Duration.ofMillis(5)));
    index.create(G);
    index.publish(1);
    for (int i = 0; i < n; i++) {
      index.writeNow(new IndexWrite.Upsert(1, "i" + i, vector(i * 0.1),
          new ItemAttributes(true, regions.apply(i), 0, "c", 1.0), 1));
    }
    return index;
  }

  @Test
  void sharesNeighboursPerSeedAndFilterUntilTheyExpireAndIgnoresExcludes() {
    try (LuceneVectorIndex index = index(10, i -> i == 2 ? List.of("Germany") : List.of())) {
      AtomicLong clock = new AtomicLong();
      NeighbourCache cache = new NeighbourCache(Duration.ofSeconds(10), 100, clock::get);
      SearchFilter uk = SearchFilter.forViewer("United Kingdom", 30).withExcludes(Set.of("i1"));
      List<Hit> first = cache.similar(index, G, "i0", 3, uk).join();
      // the viewer's excludes are not applied (the caller drops them), the attribute filter is
      assertThat(ids(first)).containsExactly("i1", "i3", "i4");

      // A new, closer item is not seen while the entry lives, and is after it expired.
      index.writeNow(new IndexWrite.Upsert(1, "close", vector(0.01), new ItemAttributes(true, List.of(), 0, "c", 1.0),
          1));
      assertThat(cache.similar(index, G, "i0", 3, SearchFilter.forViewer("United Kingdom", 30)).join())
          .isSameAs(first);
      clock.addAndGet(Duration.ofSeconds(11).toNanos());
      long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      List<Hit> later = cache.similar(index, G, "i0", 3, uk).join();
      while (!ids(later).contains("close") && System.nanoTime() < end) {
        clock.addAndGet(Duration.ofSeconds(11).toNanos());
        later = cache.similar(index, G, "i0", 3, uk).join();
      }
      assertThat(ids(later)).startsWith("close");

      // Another region is another entry; another age is not (age is checked later, on the catalog record).
      assertThat(ids(cache.similar(index, G, "i0", 3, SearchFilter.forViewer("Germany", 30)).join()))
          .contains("i2");
      assertThat(cache.size()).isEqualTo(2);
      assertThat(cache.similar(index, G, "i0", 3, SearchFilter.forViewer("United Kingdom", 12)).join())
          .isSameAs(later);
      assertThat(cache.size()).isEqualTo(2);
    }
  }

  @Test
  void countsLookupsAnsweredFromTheCacheAndThoseThatSearched() {
    try (LuceneVectorIndex index = index(5, i -> List.of())) {
      NeighbourCache cache = new NeighbourCache(Duration.ofSeconds(10), 100, new AtomicLong()::get);
      SearchFilter uk = SearchFilter.forViewer("United Kingdom", 30);
      cache.similar(index, G, "i0", 2, uk).join();
      cache.similar(index, G, "i0", 2, uk).join();
      cache.similar(index, G, "i1", 2, uk).join();
      assertThat(cache.lookups()).containsExactly(1L, 2L);
    }
  }
}
