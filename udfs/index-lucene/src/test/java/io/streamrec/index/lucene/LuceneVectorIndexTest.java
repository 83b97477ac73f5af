package io.streamrec.index.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.index.Generation;
import io.streamrec.core.index.Hit;
import io.streamrec.core.index.IndexWrite;
import io.streamrec.core.index.IndexWriteOutcome;
import io.streamrec.core.index.ItemAttributes;
import io.streamrec.core.index.SearchFilter;
import io.streamrec.core.index.VectorIndex;
import io.streamrec.core.index.VectorIndexSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What the contract does not cover: the search plan on larger indexes, compaction, the shared instance. */
class LuceneVectorIndexTest {
  private static final int DIM = 16;
  private static final List<String> REGIONS = List.of("UK", "DE", "FR", "NL", "ES");

  private record Item(String id, float[] v, ItemAttributes a) {}

  private static List<Item> items(int n, long seed) {
    Random r = new Random(seed);
    List<Item> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] v = new float[DIM];
      double norm = 0;
      for (int d = 0; d < DIM; d++) {
        v[d] = (float) r.nextGaussian();
        norm += v[d] * v[d];
      }
      for (int d = 0; d < DIM; d++) {
        v[d] /= (float) Math.sqrt(norm);
      }
      List<String> regions = r.nextInt(4) == 0 ? List.of() : List.of(REGIONS.get(r.nextInt(REGIONS.size())));
      out.add(new Item("it" + i, v, new ItemAttributes(r.nextInt(5) > 0, regions, r.nextInt(6) == 0 ? 18 : 0,
          "c" + r.nextInt(8), 1 + r.nextInt(100))));
    }
    return out;
  }

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static List<String> exact(List<Item> items, float[] q, int k, SearchFilter f) {
    return items.stream().filter(it -> it.a().visibleUnder(f) && !f.excludeIds().contains(it.id()))
        .sorted(Comparator.comparingDouble(it -> -dot(q, it.v()))).limit(k).map(Item::id).toList();
  }

  private static void load(VectorIndex index, List<Item> items) {
    List<CompletableFuture<IndexWriteOutcome>> writes = new ArrayList<>();
    for (Item it : items) {
      writes.add(index.write(new IndexWrite.Upsert(1, it.id(), it.v(), it.a(), 1)));
    }
    writes.forEach(w -> assertThat(w.join()).isEqualTo(IndexWriteOutcome.APPLIED));
  }

  private static double recall(VectorIndex index, List<Item> items, SearchFilter f, int k, int queries) {
    Random r = new Random(99);
    double sum = 0;
    for (int qi = 0; qi < queries; qi++) {
      float[] q = items.get(r.nextInt(items.size())).v().clone();
      q[0] += 0.3f;
      Set<String> truth = new HashSet<>(exact(items, q, k, f));
      List<Hit> hits = index.searchNow(q, k, f);
      assertThat(hits).allSatisfy(h -> {
        Item it = items.get(Integer.parseInt(h.itemId().substring(2)));
        assertThat(it.a().visibleUnder(f)).as("%s passes the filter", h.itemId()).isTrue();
      });
      assertThat(hits).isSortedAccordingTo(Comparator.comparingDouble(h -> -h.score()));
      Set<String> got = hits.stream().map(Hit::itemId).collect(Collectors.toSet());
      got.retainAll(truth);
      sum += truth.isEmpty() ? 1 : got.size() / (double) truth.size();
    }
    return sum / queries;
  }

  @Test
  void exactPlansMatchABruteForceSearchExactly() {
    List<Item> items = items(3_000, 1);
    try (LuceneVectorIndex index = LuceneVectorIndex.create(LuceneVectorIndexContractTest.fast()
        .withExactThresholds(10_000, 10_000))) {
      index.create(new Generation(1, "v1", DIM));
      index.publish(1);
      load(index, items);
      for (SearchFilter f : List.of(SearchFilter.none(), SearchFilter.forViewer("DE", 30),
          SearchFilter.forViewer("UK", null).withCategories(Set.of("c1", "c2")),
          SearchFilter.none().withExcludes(Set.of("it1", "it2")),
          new SearchFilter(false, "NL", Integer.MAX_VALUE, Set.of(), Set.of()), // region postings alone decide
          new SearchFilter(false, null, Integer.MAX_VALUE, Set.of("c3", "c5"), Set.of()),
          new SearchFilter(false, "XX", Integer.MAX_VALUE, Set.of(), Set.of()), // unknown: sold-everywhere only
          // every category: with the region terms before, more blocked documents than the segment's bound allows,
          // so the last categories are scanned from their postings
          new SearchFilter(false, null, Integer.MAX_VALUE,
              IntStream.range(0, 8).mapToObj(i -> "c" + i).collect(Collectors.toSet()), Set.of()))) {
        assertThat(recall(index, items, f, 20, 30)).as("recall under %s", f).isEqualTo(1.0);
      }
    }
  }

  @Test
  void graphSearchesOnACompactedIndexFindNearlyAllTrueNeighboursAndOnlyMatchingItems() {
    List<Item> items = items(6_000, 2);
    try (LuceneVectorIndex index = compactedGraphIndex(items)) {
      assertThat(index.stats().segments()).isEqualTo(1);
      assertThat(recall(index, items, SearchFilter.none(), 20, 30)).isGreaterThan(0.9);
      assertThat(recall(index, items, SearchFilter.forViewer("FR", 16), 20, 30)).isGreaterThan(0.9);
    }
  }

  @Test
  void theCompactorMergesSegmentsLeftByStreamingWritesAndResultsStayCorrect() {
    List<Item> items = items(4_000, 3);
    try (LuceneVectorIndex index = LuceneVectorIndex.create(LuceneVectorIndexContractTest.fast()
        .withExactThresholds(500, 0).withCompaction(Duration.ofMillis(50), 1, 10.0))) {
      index.create(new Generation(1, "v1", DIM));
      index.publish(1);
      for (int from = 0; from < items.size(); from += 200) {
        load(index, items.subList(from, from + 200)); // each batch lands in its own segment
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (index.stats().compactions() == 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(index.stats().compactions()).isPositive();
      assertThat(index.stats().liveItems()).isEqualTo(4_000);
      assertThat(recall(index, items, SearchFilter.none(), 10, 20)).isGreaterThan(0.9);
    }
  }

  @Test
  void theEmbeddedSpecOpensOneSharedIndexPerName() {
    try {
      VectorIndex a = VectorIndexSpec.parse("embedded:lucene-test").open();
      VectorIndex b = VectorIndexSpec.parse("embedded:lucene-test").open();
      assertThat(a).isSameAs(b).isInstanceOf(LuceneVectorIndex.class);
      a.create(new Generation(1, "v1", DIM));
      a.publish(1);
      a.close(); // shared: stays open for the other users
      assertThat(b.active()).isPresent();
      assertThat(VectorIndexSpec.parse("embedded:other").open().active()).isEmpty();
    } finally {
      LuceneVectorIndex.dropShared("lucene-test");
      LuceneVectorIndex.dropShared("other");
    }
  }

  @Test
  void aSearchDuringPublishSeesOneWholeGeneration() throws Exception {
    try (LuceneVectorIndex index = LuceneVectorIndex.create(LuceneVectorIndexContractTest.fast())) {
      index.create(new Generation(1, "v1", DIM));
      index.publish(1);
      List<Item> items = items(500, 4);
      load(index, items);
      index.create(new Generation(2, "v2", DIM));
      List<CompletableFuture<IndexWriteOutcome>> writes = new ArrayList<>();
      for (Item it : items) {
        writes.add(index.write(new IndexWrite.Upsert(2, "g2-" + it.id(), it.v(), it.a(), 1)));
      }
      writes.forEach(CompletableFuture::join);
      float[] q = items.get(0).v();
      Thread publisher = new Thread(() -> index.publish(2));
      publisher.start();
      while (publisher.isAlive()) {
        List<Hit> hits = index.searchNow(q, 50, SearchFilter.none());
        long fromG2 = hits.stream().filter(h -> h.itemId().startsWith("g2-")).count();
        assertThat(fromG2).as("a result mixes generations").isIn(0L, (long) hits.size());
      }
      assertThat(index.searchNow(q, 50, SearchFilter.none())).allMatch(h -> h.itemId().startsWith("g2-"));
    }
  }

  /** {@code copies} items for each of {@code distinct} vectors, after {@code others} items of their own vectors. */
  private static List<Item> withDuplicates(int others, int distinct, int copies) {
    List<Item> items = new ArrayList<>(items(others, 9));
    List<Item> shared = items(distinct, 5);
    for (int copy = 0; copy < copies; copy++) {
      for (Item it : shared) {
        items.add(new Item("it" + items.size(), it.v(), it.a()));
      }
    }
    return items;
  }

  /** An index of {@code items} compacted into one segment that is searched through its graph. */
  private static LuceneVectorIndex compactedGraphIndex(List<Item> items) {
    return compactedIndex(items, LuceneVectorIndexContractTest.fast().withGraphSearch());
  }

  /** An index of {@code items} compacted into one segment that is searched through its inverted-file lists. */
  private static LuceneVectorIndex compactedIvfIndex(List<Item> items) {
    return compactedIndex(items, LuceneVectorIndexContractTest.fast().withIvf(50, 40));
  }

  private static LuceneVectorIndex compactedIndex(List<Item> items, LuceneIndexSettings settings) {
    LuceneVectorIndex index = LuceneVectorIndex.create(settings
        .withExactThresholds(0, 0).withCompaction(Duration.ofHours(1), 1_000, 100.0));
    index.create(new Generation(1, "v1", DIM));
    index.publish(1);
    load(index, items);
    index.compactNow();
    return index;
  }

  @Test
  void duplicatesCutOffFromTheGraphAreLinkedBackIn() {
    // 100 items share one vector among 2,900 others: HNSW's neighbour selection keeps a candidate only if it is
    // closer to the node than to the neighbours kept, so copies whose first neighbour is another copy keep no other
    // link, and about 70 of the 100 were out of the entry node's reach (found by 2 % of level 0 being unreachable)
    List<Item> items = withDuplicates(2_900, 1, 100);
    float[] shared = items.get(2_900).v();
    try (LuceneVectorIndex index = compactedGraphIndex(items)) {
      List<Hit> hits = index.searchNow(shared, 200, SearchFilter.none());
      assertThat(hits).hasSize(200);
      assertThat(hits.subList(0, 100)).extracting(h -> Integer.parseInt(h.itemId().substring(2)))
          .allSatisfy(i -> assertThat(i).isGreaterThanOrEqualTo(2_900));
    }
  }

  @Test
  void aGraphOfManyDuplicateVectorsStillAnswersEveryDocumentAskedFor() {
    // 30 distinct vectors, 100 items each: nearly all of level 0 is out of the entry node's reach (a search answered
    // 33 of 200), too much to link back in; the segment is scanned exactly instead
    List<Item> items = withDuplicates(0, 30, 100);
    try (LuceneVectorIndex index = compactedGraphIndex(items)) {
      assertEveryCopyIsFound(index, items);
    }
  }

  /** Five searches for one of the 30 shared vectors of {@code withDuplicates(0, 30, 100)}: 200 answers, 100 copies. */
  private static void assertEveryCopyIsFound(LuceneVectorIndex index, List<Item> items) {
    Random r = new Random(3);
    for (int q = 0; q < 5; q++) {
      float[] query = items.get(r.nextInt(30)).v();
      List<Hit> hits = index.searchNow(query, 200, SearchFilter.none());
      assertThat(hits).as("query %d", q).hasSize(200);
      assertThat(hits.subList(0, 100)).allSatisfy(h -> assertThat(h.score()).isCloseTo(1f,
          org.assertj.core.api.Assertions.within(1e-4f)));
    }
  }

  @Test
  void invertedFileSearchesFindNearlyAllTrueNeighboursAndOnlyMatchingItems() {
    List<Item> items = items(6_000, 2);
    try (LuceneVectorIndex index = compactedIvfIndex(items)) {
      assertThat(index.stats().segments()).isEqualTo(1);
      assertThat(recall(index, items, SearchFilter.none(), 20, 30)).isGreaterThan(0.9);
      assertThat(recall(index, items, SearchFilter.none(), 100, 30)).isGreaterThan(0.9);
      assertThat(recall(index, items, SearchFilter.forViewer("FR", 16), 20, 30)).isGreaterThan(0.9);
      assertThat(recall(index, items, SearchFilter.forViewer("DE", 30).withCategories(Set.of("c1")), 20, 30))
          .isGreaterThan(0.9);
    }
  }

  @Test
  void aRestrictiveFilterMakesAnInvertedFileSearchProbeFurtherUntilItHasK() {
    // one item in 40 matches (category c7, in stock, sold in UK): the nearest lists hold too few of them, so the
    // search must keep probing lists beyond its planned ones to return k
    List<Item> items = new ArrayList<>();
    for (Item it : items(6_000, 4)) {
      boolean match = items.size() % 40 == 0;
      items.add(new Item(it.id(), it.v(), new ItemAttributes(true, List.of(match ? "UK" : "DE"), 0,
          match ? "c7" : "c0", 1)));
    }
    SearchFilter rare = new SearchFilter(true, null, Integer.MAX_VALUE, Set.of("c7"), Set.of());
    // planned: lists for 2 × 100 passing documents, twice over — 9 lists of ~50, holding about 11 matches
    LuceneIndexSettings planFew = LuceneVectorIndexContractTest.fast().withIvf(50, 2).withIvfMinScanned(0);
    try (LuceneVectorIndex index = compactedIndex(items, planFew)) {
      for (int q = 0; q < 5; q++) {
        List<Hit> hits = index.searchNow(items.get(q * 7).v(), 100, rare);
        assertThat(hits).hasSize(100); // 150 match
        assertThat(hits).allSatisfy(h -> assertThat(Integer.parseInt(h.itemId().substring(2)) % 40).isZero());
      }
    }
  }

  @Test
  void anInvertedFileSearchSkipsItemsDeletedOrReplacedAfterTheSegmentWasBuilt() {
    List<Item> items = items(3_000, 6);
    try (LuceneVectorIndex index = compactedIvfIndex(items)) {
      float[] q = items.get(10).v();
      List<String> before = index.searchNow(q, 20, SearchFilter.none()).stream().map(Hit::itemId).toList();
      assertThat(before).contains("it10");
      List<CompletableFuture<IndexWriteOutcome>> writes = new ArrayList<>();
      for (String id : before.subList(0, 10)) {
        writes.add(index.write(new IndexWrite.Delete(1, id, 2)));
      }
      writes.forEach(CompletableFuture::join);
      List<String> after = index.searchNow(q, 20, SearchFilter.none()).stream().map(Hit::itemId).toList();
      assertThat(after).hasSize(20).doesNotContainAnyElementsOf(before.subList(0, 10))
          .containsAll(before.subList(10, 20));
    }
  }

  @Test
  void invertedFileListsOfManyDuplicateVectorsStillAnswerEveryDocumentAskedFor() {
    List<Item> items = withDuplicates(0, 30, 100);
    try (LuceneVectorIndex index = compactedIvfIndex(items)) {
      assertEveryCopyIsFound(index, items);
    }
  }
}
