package io.streamrec.core.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link VectorIndex} backend must have: the embedded Lucene index, the Vespa adapter (through
 * its protocol double, and against a real Vespa when {@code VESPA_ENDPOINT} is set). A backend's test extends this
 * class and opens a fresh, empty index per test.
 */
public abstract class VectorIndexContract {
  protected static final int DIM = 8;
  protected static final Generation G1 = new Generation(1, "v1", DIM);
  protected static final Generation G2 = new Generation(2, "v2", DIM);

  protected VectorIndex index;

  /** A fresh, empty index (no generations). */
  protected abstract VectorIndex openEmptyIndex() throws Exception;

  @BeforeEach
  void open() throws Exception {
    index = openEmptyIndex();
  }

  @AfterEach
  void closeIndex() {
    if (index != null) {
      index.close();
    }
  }

  // ---------------------------------------------------------------------------------------------------- helpers

  protected static float[] unit(long seed) {
    Random r = new Random(seed);
    float[] v = new float[DIM];
    double norm = 0;
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) r.nextGaussian();
      norm += v[i] * v[i];
    }
    for (int i = 0; i < DIM; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }

  /** A unit vector along axis {@code axis}, tilted slightly towards the next axis by {@code tilt}. */
  protected static float[] axis(int axis, double tilt) {
    float[] v = new float[DIM];
    v[axis] = (float) Math.cos(tilt);
    v[(axis + 1) % DIM] = (float) Math.sin(tilt);
    return v;
  }

  protected static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  protected static ItemAttributes attrs() {
    return new ItemAttributes(true, List.of(), 0, "toys", 9.5);
  }

  protected static ItemAttributes attrs(boolean inStock, List<String> regions, int minAge, String category) {
    return new ItemAttributes(inStock, regions, minAge, category, 1.0);
  }

  protected IndexWriteOutcome upsert(long gen, String id, float[] v, ItemAttributes a, long version) {
    return index.writeNow(new IndexWrite.Upsert(gen, id, v, a, version));
  }

  protected void activeG1() {
    index.create(G1);
    index.publish(G1.id());
  }

  protected static List<String> ids(List<Hit> hits) {
    return hits.stream().map(Hit::itemId).toList();
  }

  // ------------------------------------------------------------------------------------------------------ tests

  @Test
  void anUpsertedItemIsSearchableAsSoonAsItsWriteCompletes() {
    activeG1();
    float[] v = unit(1);
    assertThat(upsert(1, "a", v, attrs(), 10)).isEqualTo(IndexWriteOutcome.APPLIED);

    List<Hit> hits = index.searchNow(v, 5, SearchFilter.none());
    assertThat(ids(hits)).containsExactly("a");
    assertThat(hits.get(0).score()).isCloseTo(1.0f, within(1e-3f));
  }

  @Test
  void searchReturnsTheKClosestBestFirstWithInnerProductScores() {
    activeG1();
    List<float[]> vectors = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      vectors.add(unit(100 + i));
      upsert(1, "i" + i, vectors.get(i), attrs(), 1);
    }
    float[] q = unit(7);
    List<Hit> hits = index.searchNow(q, 5, SearchFilter.none());

    List<String> expected = java.util.stream.IntStream.range(0, 40).boxed()
        .sorted(Comparator.comparingDouble(i -> -dot(q, vectors.get(i)))).limit(5).map(i -> "i" + i).toList();
    assertThat(ids(hits)).containsExactlyElementsOf(expected);
    for (Hit h : hits) {
      assertThat(h.score()).isCloseTo(dot(q, vectors.get(Integer.parseInt(h.itemId().substring(1)))),
          within(1e-3f));
    }
  }

  @Test
  void anAttributeUpdateChangesWhatFiltersSeeAndKeepsTheVector() {
    activeG1();
    float[] v = axis(0, 0.1);
    upsert(1, "sold", v, attrs(true, List.of(), 0, "toys"), 1);
    upsert(1, "other", axis(0, 0.5), attrs(true, List.of(), 0, "toys"), 1);
    SearchFilter inStock = SearchFilter.none().inStockOnly(true);
    assertThat(ids(index.searchNow(axis(0, 0), 2, inStock))).containsExactly("sold", "other");

    assertThat(index.writeNow(new IndexWrite.UpdateAttributes(1, "sold", attrs(false, List.of(), 0, "toys"), 2)))
        .isEqualTo(IndexWriteOutcome.APPLIED);

    assertThat(ids(index.searchNow(axis(0, 0), 2, inStock))).containsExactly("other");
    List<Hit> all = index.searchNow(axis(0, 0), 2, SearchFilter.none());
    assertThat(ids(all)).containsExactly("sold", "other");
    assertThat(all.get(0).score()).isCloseTo(dot(axis(0, 0), v), within(1e-3f));
  }

  @Test
  void anAttributeUpdateForAnUnknownItemIsNotFound() {
    activeG1();
    assertThat(index.writeNow(new IndexWrite.UpdateAttributes(1, "ghost", attrs(), 1)))
        .isEqualTo(IndexWriteOutcome.NOT_FOUND);
    assertThat(index.searchNow(unit(1), 5, SearchFilter.none())).isEmpty();
  }

  @Test
  void aDeleteReallyRemoves() {
    activeG1();
    upsert(1, "gone", axis(1, 0), attrs(), 1);
    upsert(1, "kept", axis(1, 0.3), attrs(), 1);
    assertThat(index.writeNow(new IndexWrite.Delete(1, "gone", 2))).isEqualTo(IndexWriteOutcome.APPLIED);

    assertThat(ids(index.searchNow(axis(1, 0), 10, SearchFilter.none()))).containsExactly("kept");
    assertThat(index.similarNow("gone", 10, SearchFilter.none())).isEmpty();
    assertThat(ids(index.similarNow("kept", 10, SearchFilter.none()))).isEmpty();
  }

  @Test
  void olderVersionsAreRefusedAndANewerUpsertRevivesADeletedItem() {
    activeG1();
    upsert(1, "x", axis(2, 0), attrs(), 5);
    assertThat(upsert(1, "x", axis(5, 0), attrs(), 4)).isEqualTo(IndexWriteOutcome.STALE);
    assertThat(index.writeNow(new IndexWrite.UpdateAttributes(1, "x", attrs(false, List.of(), 0, ""), 3)))
        .isEqualTo(IndexWriteOutcome.STALE);
    assertThat(index.writeNow(new IndexWrite.Delete(1, "x", 4))).isEqualTo(IndexWriteOutcome.STALE);
    List<Hit> hits = index.searchNow(axis(2, 0), 1, SearchFilter.none().inStockOnly(true));
    assertThat(ids(hits)).containsExactly("x");
    assertThat(hits.get(0).score()).isCloseTo(1f, within(1e-3f));

    assertThat(index.writeNow(new IndexWrite.Delete(1, "x", 6))).isEqualTo(IndexWriteOutcome.APPLIED);
    assertThat(upsert(1, "x", axis(2, 0), attrs(), 6)).isEqualTo(IndexWriteOutcome.STALE);
    assertThat(index.searchNow(axis(2, 0), 1, SearchFilter.none())).isEmpty();
    assertThat(upsert(1, "x", axis(2, 0), attrs(), 7)).isEqualTo(IndexWriteOutcome.APPLIED);
    assertThat(ids(index.searchNow(axis(2, 0), 1, SearchFilter.none()))).containsExactly("x");
  }

  @Test
  void filtersArePreFiltersOnStockRegionAgeCategoryAndExcludes() {
    activeG1();
    // 30 close, unrestricted items crowd the query; the matching ones are far away and must still be found.
    for (int i = 0; i < 30; i++) {
      upsert(1, "near" + i, axis(3, 0.01 * i), attrs(true, List.of("UK"), 0, "toys"), 1);
    }
    upsert(1, "de-only", axis(6, 0), attrs(true, List.of("DE"), 0, "toys"), 1);
    upsert(1, "everywhere", axis(6, 0.2), attrs(true, List.of(), 0, "toys"), 1);
    upsert(1, "adult", axis(6, 0.1), attrs(true, List.of("DE"), 18, "wine"), 1);
    upsert(1, "sold-out", axis(6, 0.05), attrs(false, List.of("DE"), 0, "toys"), 1);
    float[] q = axis(3, 0);

    SearchFilter germanMinor = SearchFilter.forViewer("DE", 16);
    assertThat(ids(index.searchNow(q, 5, germanMinor))).containsExactlyInAnyOrder("de-only", "everywhere");
    SearchFilter germanAdult = SearchFilter.forViewer("DE", 30);
    assertThat(ids(index.searchNow(q, 5, germanAdult))).containsExactlyInAnyOrder("de-only", "everywhere", "adult");
    SearchFilter unknownAge = SearchFilter.forViewer("DE", null);
    assertThat(ids(index.searchNow(q, 5, unknownAge))).doesNotContain("adult");
    assertThat(ids(index.searchNow(q, 5, germanAdult.withCategories(Set.of("wine"))))).containsExactly("adult");
    assertThat(ids(index.searchNow(q, 5, germanAdult.withExcludes(Set.of("de-only", "adult")))))
        .containsExactly("everywhere");
    assertThat(ids(index.searchNow(q, 40, SearchFilter.none().inStockOnly(false)))).contains("sold-out");
    assertThat(ids(index.searchNow(q, 3, SearchFilter.forViewer("UK", 30))))
        .containsExactly("near0", "near1", "near2");
  }

  @Test
  void similarItemsExcludeTheItemItselfAndHonourFilters() {
    activeG1();
    upsert(1, "seed", axis(4, 0), attrs(), 1);
    upsert(1, "close", axis(4, 0.1), attrs(), 1);
    upsert(1, "closer-but-sold-out", axis(4, 0.05), attrs(false, List.of(), 0, "toys"), 1);
    upsert(1, "far", axis(1, 0), attrs(), 1);

    assertThat(ids(index.similarNow("seed", 2, SearchFilter.none())))
        .containsExactly("closer-but-sold-out", "close");
    assertThat(ids(index.similarNow("seed", 1, SearchFilter.none().inStockOnly(true)))).containsExactly("close");
    assertThat(index.similarNow("unknown", 3, SearchFilter.none())).isEmpty();
  }

  @Test
  void manyItemsAndQueriesMatchAnExactSearch() {
    activeG1();
    Random r = new Random(3);
    List<float[]> vectors = new ArrayList<>();
    List<CompletableFuture<IndexWriteOutcome>> writes = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      vectors.add(unit(1000 + i));
      writes.add(index.write(new IndexWrite.Upsert(1, "m" + i, vectors.get(i),
          attrs(r.nextInt(10) > 0, List.of(), 0, "c" + (i % 3)), 1)));
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    assertThat(writes).allSatisfy(w -> assertThat(w.join()).isEqualTo(IndexWriteOutcome.APPLIED));

    double recall = 0;
    int queries = 20;
    for (int qi = 0; qi < queries; qi++) {
      float[] q = unit(5000 + qi);
      Set<String> exact = java.util.stream.IntStream.range(0, 300).boxed()
          .sorted(Comparator.comparingDouble(i -> -dot(q, vectors.get(i)))).limit(10).map(i -> "m" + i)
          .collect(Collectors.toSet());
      Set<String> got = new HashSet<>(ids(index.searchNow(q, 10, SearchFilter.none())));
      got.retainAll(exact);
      recall += got.size() / 10.0;
    }
    assertThat(recall / queries).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void withoutAnActiveGenerationSearchesAreEmpty() {
    assertThat(index.active()).isEmpty();
    assertThat(index.searchNow(unit(1), 5, SearchFilter.none())).isEmpty();
    assertThat(index.similarNow("a", 5, SearchFilter.none())).isEmpty();
    assertThat(index.vectorsNow(List.of("a"))).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------------- vectors

  protected static void assertVector(float[] actual, float[] expected) {
    assertThat(actual).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).as("component %d", i).isCloseTo(expected[i], within(1e-6f));
    }
  }

  @Test
  void vectorsAreTheNewestWrittenOnesAndSurviveAttributeUpdates() {
    activeG1();
    upsert(1, "a", unit(11), attrs(), 1);
    upsert(1, "b", unit(12), attrs(), 1);
    upsert(1, "c", unit(13), attrs(), 1);
    upsert(1, "c", unit(14), attrs(), 2); // replaced
    assertThat(upsert(1, "a", unit(15), attrs(), 1)).isEqualTo(IndexWriteOutcome.STALE); // refused: not stored
    assertThat(index.writeNow(new IndexWrite.UpdateAttributes(1, "b", attrs(false, List.of("DE"), 0, "x"), 2)))
        .isEqualTo(IndexWriteOutcome.APPLIED);

    Map<String, float[]> vectors = index.vectorsNow(List.of("a", "b", "c"));
    assertThat(vectors).containsOnlyKeys("a", "b", "c");
    assertVector(vectors.get("a"), unit(11));
    assertVector(vectors.get("b"), unit(12));
    assertVector(vectors.get("c"), unit(14));
    assertVector(index.vectorsNow(List.of("b", "b")).get("b"), unit(12)); // duplicates are one id
  }

  @Test
  void unknownAndDeletedItemsAreAbsentFromTheVectors() {
    activeG1();
    upsert(1, "kept", unit(21), attrs(), 1);
    upsert(1, "gone", unit(22), attrs(), 1);
    assertThat(index.writeNow(new IndexWrite.Delete(1, "gone", 2))).isEqualTo(IndexWriteOutcome.APPLIED);
    assertThat(index.writeNow(new IndexWrite.Delete(1, "never-written", 1))).isEqualTo(IndexWriteOutcome.APPLIED);

    Map<String, float[]> vectors = index.vectorsNow(List.of("kept", "gone", "never-written", "unknown"));
    assertThat(vectors).containsOnlyKeys("kept");
    assertVector(vectors.get("kept"), unit(21));
    assertThat(index.vectorsNow(List.of())).isEmpty();
    assertThat(index.vectorsNow(Set.of("unknown"))).isEmpty();
  }

  @Test
  void vectorsReadTheActiveGenerationOnlyUntilANewOneIsPublished() {
    index.create(G1);
    upsert(1, "early", unit(31), attrs(), 1);
    // Created, filled, not published: nothing is active, so nothing is visible.
    assertThat(index.vectorsNow(List.of("early"))).isEmpty();
    index.publish(1);
    assertVector(index.vectorsNow(List.of("early")).get("early"), unit(31));

    upsert(1, "old-only", unit(32), attrs(), 1);
    index.create(G2);
    upsert(2, "early", unit(33), attrs(), 1); // the new model's vector of the same item
    upsert(2, "new-only", unit(34), attrs(), 1);
    Map<String, float[]> building = index.vectorsNow(List.of("early", "old-only", "new-only"));
    assertThat(building).containsOnlyKeys("early", "old-only");
    assertVector(building.get("early"), unit(31));

    index.publish(2);
    Map<String, float[]> published = index.vectorsNow(List.of("early", "old-only", "new-only"));
    assertThat(published).containsOnlyKeys("early", "new-only");
    assertVector(published.get("early"), unit(33));
    assertVector(published.get("new-only"), unit(34));
  }

  @Test
  void theVectorsOfHundredsOfIdsComeBackCompleteInOneCall() {
    activeG1();
    List<CompletableFuture<IndexWriteOutcome>> writes = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      writes.add(index.write(new IndexWrite.Upsert(1, "v" + i, unit(2000 + i), attrs(), 1)));
      ids.add("v" + i);
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    assertThat(writes).allSatisfy(w -> assertThat(w.join()).isEqualTo(IndexWriteOutcome.APPLIED));
    for (int i = 0; i < 150; i++) {
      ids.add("missing" + i); // 450 ids in all: more than one query's worth for a backend that splits them
    }

    Map<String, float[]> vectors = index.vectorsNow(ids);
    assertThat(vectors).hasSize(300);
    for (int i = 0; i < 300; i++) {
      assertVector(vectors.get("v" + i), unit(2000 + i));
    }
  }

  @Test
  void aNullIdFailsTheLookup() {
    activeG1();
    List<String> ids = new ArrayList<>();
    ids.add("a");
    ids.add(null);
    assertThatThrownBy(() -> index.vectorsNow(ids)).isInstanceOf(VectorIndexException.class)
        .hasMessageContaining("null");
  }

  @Test
  void writesToAGenerationThatWasNeverCreatedFail() {
    CompletableFuture<IndexWriteOutcome> w =
        index.write(new IndexWrite.Upsert(9, "a", unit(1), attrs(), 1));
    assertThatThrownBy(() -> VectorIndex.await(w)).isInstanceOf(VectorIndexException.class)
        .hasMessageContaining("9");
  }

  @Test
  void vectorsOfTheWrongDimensionAreRefusedWithAClearError() {
    activeG1();
    CompletableFuture<IndexWriteOutcome> w =
        index.write(new IndexWrite.Upsert(1, "a", new float[DIM + 1], attrs(), 1));
    assertThatThrownBy(() -> VectorIndex.await(w)).isInstanceOf(VectorIndexException.class)
        .hasMessageContaining("dimension");
    assertThatThrownBy(() -> index.searchNow(new float[3], 5, SearchFilter.none()))
        .isInstanceOf(VectorIndexException.class).hasMessageContaining("dimension");
  }

  @Test
  void aNewGenerationIsInvisibleUntilPublishedThenReplacesTheOldOneAtomically() {
    activeG1();
    upsert(1, "old-a", axis(0, 0), attrs(), 1);
    upsert(1, "old-b", axis(0, 0.2), attrs(), 1);

    index.create(G2);
    assertThat(index.generations()).extracting(Generation::id).containsExactlyInAnyOrder(1L, 2L);
    upsert(2, "new-a", axis(0, 0.1), attrs(), 1);
    // Still building: searches read generation 1 only.
    assertThat(ids(index.searchNow(axis(0, 0), 10, SearchFilter.none()))).containsExactly("old-a", "old-b");
    assertThat(index.active()).contains(G1);

    index.publish(2);
    assertThat(index.active()).contains(G2);
    assertThat(ids(index.searchNow(axis(0, 0), 10, SearchFilter.none()))).containsExactly("new-a");
    assertThat(index.generations()).extracting(Generation::id).containsExactly(2L);
    // Writes still in flight for the old generation are harmless.
    assertThat(upsert(1, "late", axis(0, 0), attrs(), 2)).isEqualTo(IndexWriteOutcome.RETIRED);
    assertThat(ids(index.searchNow(axis(0, 0), 10, SearchFilter.none()))).containsExactly("new-a");
  }

  @Test
  void generationsMustMoveForwardAndBeConsistent() {
    activeG1();
    index.create(G1); // idempotent
    assertThatThrownBy(() -> index.create(new Generation(1, "v9", DIM))).isInstanceOf(VectorIndexException.class);
    index.create(G2);
    index.publish(2);
    assertThatThrownBy(() -> index.create(new Generation(1, "v1", DIM))).isInstanceOf(VectorIndexException.class);
    assertThatThrownBy(() -> index.publish(7)).isInstanceOf(VectorIndexException.class).hasMessageContaining("7");
  }

  @Test
  void concurrentSearchesDuringWritesNeverFail() throws Exception {
    activeG1();
    for (int i = 0; i < 50; i++) {
      upsert(1, "c" + i, unit(i), attrs(), 1);
    }
    List<CompletableFuture<List<Hit>>> searches = new ArrayList<>();
    List<CompletableFuture<IndexWriteOutcome>> writes = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      writes.add(index.write(new IndexWrite.Upsert(1, "c" + (i % 50), unit(i + 77), attrs(), 2 + i)));
      searches.add(index.search(unit(9000 + i), 10, SearchFilter.none()));
    }
    for (CompletableFuture<List<Hit>> s : searches) {
      assertThat(VectorIndex.await(s)).hasSize(10);
    }
    for (CompletableFuture<IndexWriteOutcome> w : writes) {
      assertThat(VectorIndex.await(w)).isEqualTo(IndexWriteOutcome.APPLIED);
    }
  }
}
