package io.streamrec.vespa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.core.index.Generation;
import io.streamrec.core.index.Hit;
import io.streamrec.core.index.IndexWrite;
import io.streamrec.core.index.IndexWriteOutcome;
import io.streamrec.core.index.ItemAttributes;
import io.streamrec.core.index.SearchFilter;
import io.streamrec.core.index.VectorIndex;
import io.streamrec.core.index.VectorIndexException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the contract does not pin down: failures and retries as the feed client handles them, backpressure,
 * compression, query errors, tombstones, the registry shared by processes, and names that need escaping. Through
 * {@link VespaProtocolDouble}.
 */
class VespaVectorIndexTest {
  private static final int DIM = 8;
  private static final Generation G1 = new Generation(1, "v1", DIM);
  private static final ItemAttributes ATTRS = new ItemAttributes(true, List.of(), 0, "toys", 1.0);

  private VespaProtocolDouble vespa;
  private final List<VespaVectorIndex> opened = new ArrayList<>();

  @BeforeEach
  void start() {
    vespa = VespaProtocolDouble.start(DIM);
  }

  @AfterEach
  void stop() {
    opened.forEach(VespaVectorIndex::close);
    vespa.close();
  }

  private VespaVectorIndex open(String params) {
    VespaVectorIndex index = VespaVectorIndex.open(VespaSettings.parse(vespa.spec(params)));
    opened.add(index);
    return index;
  }

  private static float[] axis(int i) {
    float[] v = new float[DIM];
    v[i] = 1;
    return v;
  }

  private static IndexWrite.Upsert upsert(String id, int axis, long version) {
    return new IndexWrite.Upsert(1, id, axis(axis), ATTRS, version);
  }

  private static List<String> ids(List<Hit> hits) {
    return hits.stream().map(Hit::itemId).toList();
  }

  private static VectorIndexException failure(CompletableFuture<?> f) {
    try {
      f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(VectorIndexException.class);
      return (VectorIndexException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError("expected a failed future, got " + e, e);
    }
    throw new AssertionError("expected a failed future, it succeeded");
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(5);
    }
  }

  // ------------------------------------------------------------------------------------------ retries, failures

  @Test
  void throttling429IsRetriedByTheFeedClientUntilTheWriteApplies() {
    VespaVectorIndex index = open("namespace=t");
    index.create(G1);
    index.publish(1);
    vespa.failNextFeedOperations(3, 429, "Rejecting execution due to overload: 16 requests already enqueued");

    assertThat(index.writeNow(upsert("a", 0, 1))).isEqualTo(IndexWriteOutcome.APPLIED);
    assertThat(vespa.feedResponses(429)).isEqualTo(3);
    assertThat(ids(index.searchNow(axis(0), 3, SearchFilter.none()))).containsExactly("a");
  }

  @Test
  void unavailable503IsRetriedByTheFeedClientUntilTheWriteApplies() {
    VespaVectorIndex index = open("namespace=t");
    index.create(G1);
    index.publish(1);
    vespa.failNextFeedOperations(4, 503, "Service unavailable: no route to content cluster");

    assertThat(index.writeNow(new IndexWrite.Delete(1, "gone", 1))).isEqualTo(IndexWriteOutcome.APPLIED);
    assertThat(index.writeNow(upsert("a", 0, 1))).isEqualTo(IndexWriteOutcome.APPLIED);
    assertThat(vespa.feedResponses(503)).isEqualTo(4);
    assertThat(ids(index.searchNow(axis(0), 3, SearchFilter.none()))).containsExactly("a");
  }

  @Test
  void aWriteCompletesOnlyOnceVespaHasAcknowledgedAndAppliedIt() throws Exception {
    VespaVectorIndex index = open("namespace=t");
    index.create(G1);
    index.publish(1);
    vespa.delayFeedOperations(Duration.ofMillis(200));
    long start = System.nanoTime();
    CompletableFuture<Boolean> storedWhenDone =
        index.write(upsert("a", 0, 1)).thenApply(o -> vespa.document("t", "item", "1:a").isPresent());
    assertThat(storedWhenDone.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(200);
  }

  @Test
  void aServerError500FailsTheWriteRetryablyWithTheServersMessage() {
    VespaVectorIndex index = open("namespace=t");
    index.create(G1);
    index.publish(1);
    vespa.failNextFeedOperations(1, 500, "Internal error: content node 3 lost its disk");

    VectorIndexException e = failure(index.write(upsert("a", 0, 1)));
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("upsert of item a").contains("status 500")
        .contains("Internal error: content node 3 lost its disk");
    assertThat(index.writeNow(upsert("a", 0, 1))).as("the retry applies").isEqualTo(IndexWriteOutcome.APPLIED);
  }

  @Test
  void aBadRequest400FailsTheWriteForGoodWithTheServersMessage() {
    VespaVectorIndex index = open("namespace=t");
    index.create(G1);
    index.publish(1);
    vespa.failNextFeedOperations(1, 400, "Error in document 'id:t:item::1:a' - could not parse field 'price'");

    VectorIndexException e = failure(index.write(new IndexWrite.UpdateAttributes(1, "a", ATTRS, 2)));
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("attribute update of item a").contains("status 400")
        .contains("could not parse field 'price'");
  }

  @Test
  void aStalledServerBlocksTheWriteBeyondMaxInflightThenFailsItRetryablyAndLosesNothing() throws Exception {
    VespaVectorIndex index = open("namespace=t&maxInflight=4&maxBlockMs=300&timeoutMs=20000");
    index.create(G1);
    index.publish(1);
    vespa.stallFeedOperations();

    List<CompletableFuture<IndexWriteOutcome>> first = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      first.add(index.write(upsert("s" + i, i, 1)));
    }
    await("the 4 writes reach the stalled server", () -> vespa.stalledFeedOperations() == 4);

    long start = System.nanoTime();
    CompletableFuture<IndexWriteOutcome> fifth = index.write(upsert("s4", 4, 1));
    long blockedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(blockedMs).as("the caller blocked for maxBlockMs").isBetween(250L, 5000L);
    VectorIndexException e = failure(fifth);
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("4 writes are pending").contains("maxInflight");
    assertThat(first).allSatisfy(f -> assertThat(f).isNotDone());

    assertThat(vespa.releaseFeedOperations()).isEqualTo(4);
    for (CompletableFuture<IndexWriteOutcome> f : first) {
      assertThat(VectorIndex.await(f)).isEqualTo(IndexWriteOutcome.APPLIED);
    }
    assertThat(index.writeNow(upsert("s4", 4, 1))).isEqualTo(IndexWriteOutcome.APPLIED);
    assertThat(ids(index.searchNow(axis(0), 10, SearchFilter.none())))
        .containsExactlyInAnyOrder("s0", "s1", "s2", "s3", "s4");
  }

  @Test
  void aWriteWaitingForASlotProceedsAsSoonAsOneFrees() throws Exception {
    VespaVectorIndex index = open("namespace=t&maxInflight=1&maxBlockMs=10000");
    index.create(G1);
    index.publish(1);
    vespa.stallFeedOperations();
    CompletableFuture<IndexWriteOutcome> first = index.write(upsert("a", 0, 1));
    await("the first write is held", () -> vespa.stalledFeedOperations() == 1);

    // The second caller blocks in write() until the first write's slot frees.
    CompletableFuture<CompletableFuture<IndexWriteOutcome>> second =
        CompletableFuture.supplyAsync(() -> index.write(upsert("b", 1, 1)));
    vespa.releaseFeedOperations();
    assertThat(VectorIndex.await(first)).isEqualTo(IndexWriteOutcome.APPLIED);
    assertThat(VectorIndex.await(second.get(10, TimeUnit.SECONDS))).isEqualTo(IndexWriteOutcome.APPLIED);
    assertThat(ids(index.searchNow(axis(0), 5, SearchFilter.none()))).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void closingWithWritesStillHeldFailsThemRetryably() throws Exception {
    VespaVectorIndex index = open("namespace=t&timeoutMs=300");
    index.create(G1);
    index.publish(1);
    vespa.stallFeedOperations();
    CompletableFuture<IndexWriteOutcome> held = index.write(upsert("a", 0, 1));
    await("the write is held", () -> vespa.stalledFeedOperations() == 1);

    index.close();
    VectorIndexException e = failure(held);
    assertThat(e.retryable()).isTrue();
    VectorIndexException after = failure(index.write(upsert("b", 1, 1)));
    assertThat(after.retryable()).isFalse();
    assertThat(after.getMessage()).contains("closed");
  }

  // ------------------------------------------------------------------------------------------------ queries

  @Test
  void queryErrorsInRootErrorsBecomeExceptionsRetryableWhenTransient() {
    VespaVectorIndex index = open("namespace=t");
    index.create(G1);
    index.publish(1);

    vespa.failNextSearches(1, 400, 4, "Invalid query parameter: field 'x' unknown");
    VectorIndexException bad = failure(index.search(axis(0), 3, SearchFilter.none()));
    assertThat(bad.retryable()).isFalse();
    assertThat(bad.getMessage()).contains("status 400").contains("Invalid query parameter")
        .contains("field 'x' unknown");

    index.writeNow(upsert("a", 0, 1));
    vespa.failNextSearches(1, 504, 12, "Timeout while waiting for content nodes");
    VectorIndexException slow = failure(index.similar("a", 3, SearchFilter.none().inStockOnly(true)));
    assertThat(slow.retryable()).isTrue();
    assertThat(slow.getMessage()).contains("12 Timed out").contains("Timeout while waiting for content nodes");

    vespa.failNextSearches(1, 200, 8, "Some results are missing");
    assertThat(failure(index.search(axis(0), 3, SearchFilter.none())).getMessage())
        .contains("Some results are missing");
    assertThat(ids(index.searchNow(axis(0), 3, SearchFilter.none()))).containsExactly("a");
  }

  @Test
  void theQueryCarriesEveryFilterAsYqlThatTheDoubleAccepts() {
    VespaVectorIndex index = open("namespace=t&exploreAdditionalHits=40");
    index.create(G1);
    index.publish(1);
    SearchFilter f = SearchFilter.forViewer("DE", 16).withCategories(Set.of("wine", "toys"))
        .withExcludes(Set.of("x", "y"));
    assertThat(index.searchNow(axis(0), 7, f)).isEmpty();
    assertThat(vespa.yqls()).containsExactly("select * from item where {targetHits: 7, hnsw.exploreAdditionalHits:"
        + " 40}nearestNeighbor(embedding, q) and ns contains \"t\" and generation = 1 and deleted = false"
        + " and in_stock = true and (sold_everywhere = true or regions contains \"DE\") and min_age <= 16"
        + " and category in (\"toys\", \"wine\") and !(item_id in (\"x\", \"y\"))");
  }

  @Test
  void idsThatNeedEscapingRoundTripThroughPathsYqlAndExcludes() {
    VespaVectorIndex index = open("namespace=t");
    index.create(G1);
    index.publish(1);
    String odd = "a/b c\"d\\e:f%g+h";
    assertThat(index.writeNow(upsert(odd, 0, 1))).isEqualTo(IndexWriteOutcome.APPLIED);
    assertThat(index.writeNow(new IndexWrite.Upsert(1, "near", new float[] {0.9f, 0.1f, 0, 0, 0, 0, 0, 0},
        ATTRS, 1))).isEqualTo(IndexWriteOutcome.APPLIED);
    assertThat(ids(index.searchNow(axis(0), 5, SearchFilter.none()))).containsExactly(odd, "near");
    assertThat(ids(index.searchNow(axis(0), 5, SearchFilter.none().withExcludes(Set.of(odd)))))
        .containsExactly("near");
    assertThat(ids(index.similarNow(odd, 5, SearchFilter.none()))).containsExactly("near");
    assertThat(index.writeNow(new IndexWrite.UpdateAttributes(1, odd, ATTRS, 2)))
        .isEqualTo(IndexWriteOutcome.APPLIED);
  }

  @Test
  void aVectorLookupIsOneQueryPerFourHundredIdsWithIdsEscapedAndTheActiveGenerationOnly() {
    VespaVectorIndex index = open("namespace=t");
    index.create(G1);
    index.publish(1);
    String odd = "a/b c\"d\\e:f%g+h";
    index.writeNow(upsert(odd, 0, 1));
    index.writeNow(upsert("plain", 1, 1));
    int before = vespa.yqls().size();

    Map<String, float[]> two = index.vectorsNow(List.of(odd, "plain", "absent"));
    assertThat(two).containsOnlyKeys(odd, "plain");
    assertThat(two.get(odd)).containsExactly(axis(0));
    assertThat(vespa.yqls().subList(before, vespa.yqls().size())).containsExactly("select * from item where item_id"
        + " in (\"a/b c\\\"d\\\\e:f%g+h\", \"absent\", \"plain\") and ns contains \"t\" and generation = 1"
        + " and deleted = false");

    List<String> many = new ArrayList<>();
    for (int i = 0; i < VespaVectorIndex.VECTORS_PER_QUERY * 2 + 1; i++) {
      many.add("x" + i);
    }
    many.add("plain");
    before = vespa.yqls().size();
    assertThat(index.vectorsNow(many)).containsOnlyKeys("plain");
    assertThat(vespa.yqls().size() - before).isEqualTo(3);
    assertThat(index.vectorsNow(List.of())).isEmpty();
    assertThat(vespa.yqls().size() - before).as("an empty lookup sends nothing").isEqualTo(3);
  }

  @Test
  void aFailedVectorLookupQueryFailsTheWholeLookupRetryablyWhenTransient() {
    VespaVectorIndex index = open("namespace=t");
    index.create(G1);
    index.publish(1);
    index.writeNow(upsert("a", 0, 1));
    List<String> many = new ArrayList<>(List.of("a"));
    for (int i = 0; i < VespaVectorIndex.VECTORS_PER_QUERY; i++) {
      many.add("x" + i);
    }

    vespa.failNextSearches(1, 504, 12, "Timeout while waiting for content nodes");
    VectorIndexException slow = failure(index.vectors(many));
    assertThat(slow.retryable()).isTrue();
    assertThat(slow.getMessage()).contains("12 Timed out").contains("Timeout while waiting for content nodes");

    vespa.failNextSearches(1, 400, 4, "Invalid query parameter: no summary class item_vectors");
    VectorIndexException bad = failure(index.vectors(List.of("a")));
    assertThat(bad.retryable()).isFalse();
    assertThat(bad.getMessage()).contains("status 400").contains("item_vectors");
    assertThat(index.vectorsNow(many)).containsOnlyKeys("a");
  }

  // ------------------------------------------------------------------------------------------ compression

  @Test
  void largeBodiesAreGzippedAndDecodedAndSmallOnesAreNot() {
    VespaVectorIndex index = open("namespace=t");
    index.create(G1);
    index.publish(1);
    int before = vespa.gzipBodies();
    index.writeNow(upsert("small", 0, 1));
    assertThat(vespa.gzipBodies()).as("under 512 bytes: plain").isEqualTo(before);

    String longCategory = "c".repeat(700);
    ItemAttributes big = new ItemAttributes(true, List.of("DE"), 0, longCategory, 2.0);
    assertThat(index.writeNow(new IndexWrite.Upsert(1, "big", axis(1), big, 1))).isEqualTo(IndexWriteOutcome.APPLIED);
    assertThat(vespa.gzipBodies()).isEqualTo(before + 1);
    assertThat(vespa.document("t", "item", "1:big").orElseThrow().path("category").asText()).isEqualTo(longCategory);
    assertThat(ids(index.searchNow(axis(1), 1, SearchFilter.none().withCategories(Set.of(longCategory)))))
        .containsExactly("big");
  }

  @Test
  void compressionGzipCompressesEveryBody() {
    VespaVectorIndex index = open("namespace=t&compression=gzip");
    index.create(G1);
    index.publish(1);
    int before = vespa.gzipBodies();
    assertThat(index.writeNow(upsert("a", 0, 1))).isEqualTo(IndexWriteOutcome.APPLIED);
    assertThat(index.writeNow(new IndexWrite.UpdateAttributes(1, "a", ATTRS, 2))).isEqualTo(IndexWriteOutcome.APPLIED);
    assertThat(vespa.gzipBodies() - before).isEqualTo(2);
  }

  // ------------------------------------------------------------------------------------------ tombstones

  @Test
  void aDeleteLeavesATombstoneThatRefusesOlderWritesAndHidesTheItem() {
    VespaVectorIndex index = open("namespace=t");
    index.create(G1);
    index.publish(1);
    index.writeNow(upsert("a", 0, 5));
    assertThat(index.writeNow(new IndexWrite.Delete(1, "a", 6))).isEqualTo(IndexWriteOutcome.APPLIED);

    ObjectNode tombstone = vespa.document("t", "item", "1:a").orElseThrow();
    assertThat(tombstone.path("deleted").asBoolean()).isTrue();
    assertThat(tombstone.path("version").asLong()).isEqualTo(6);
    assertThat(tombstone.path("deleted_at").asLong()).isPositive();
    assertThat(tombstone.has("embedding")).as("a tombstone holds no vector").isFalse();

    assertThat(index.writeNow(new IndexWrite.UpdateAttributes(1, "a", ATTRS, 5))).isEqualTo(IndexWriteOutcome.STALE);
    assertThat(index.writeNow(new IndexWrite.UpdateAttributes(1, "a", ATTRS, 9)))
        .as("newer than the delete, but the item is gone").isEqualTo(IndexWriteOutcome.NOT_FOUND);
    assertThat(index.searchNow(axis(0), 5, SearchFilter.none())).isEmpty();
    assertThat(index.similarNow("a", 5, SearchFilter.none())).isEmpty();
  }

  @Test
  void aDeleteThatArrivesBeforeItsUpsertStillWins() {
    VespaVectorIndex index = open("namespace=t");
    index.create(G1);
    index.publish(1);
    assertThat(index.writeNow(new IndexWrite.Delete(1, "late", 8))).isEqualTo(IndexWriteOutcome.APPLIED);
    assertThat(index.writeNow(upsert("late", 0, 7))).isEqualTo(IndexWriteOutcome.STALE);
    assertThat(index.searchNow(axis(0), 5, SearchFilter.none())).isEmpty();
  }

  // ------------------------------------------------------------------------------------------ generations

  @Test
  void aGenerationOfAnotherDimensionIsRefusedNamingTheSchemaChange() {
    VespaVectorIndex index = open("namespace=t");
    assertThatThrownBy(() -> index.create(new Generation(1, "v2", 64)))
        .isInstanceOfSatisfying(VectorIndexException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("dimension 64").hasMessageContaining("tensor<float>(x[8])")
        .hasMessageContaining("tensor<float>(x[64])").hasMessageContaining("schemas/item.sd")
        .hasMessageContaining("re-feed");
    assertThat(index.generations()).isEmpty();
  }

  @Test
  void anotherProcessLearnsThePublishFromVespaAndOldGenerationsAreDeleted() throws Exception {
    VespaVectorIndex writer = open("namespace=t");
    VespaVectorIndex serving = open("namespace=t&activeCacheMs=60000");
    VespaVectorIndex uncached = open("namespace=t&activeCacheMs=0");
    assertThat(serving.active()).isEmpty(); // cached from now on, for a minute

    writer.create(G1);
    writer.publish(1);
    writer.writeNow(upsert("one", 0, 1));
    assertThat(uncached.active()).contains(G1);
    assertThat(serving.active()).as("still cached").isEmpty();
    assertThat(ids(uncached.searchNow(axis(0), 3, SearchFilter.none()))).containsExactly("one");

    Generation g2 = new Generation(2, "v2", DIM);
    writer.create(g2);
    writer.writeNow(new IndexWrite.Upsert(2, "two", axis(0), ATTRS, 1));
    assertThat(vespa.documentCount("item")).isEqualTo(2);
    writer.publish(2);
    assertThat(uncached.active()).contains(g2);
    assertThat(ids(uncached.searchNow(axis(0), 3, SearchFilter.none()))).containsExactly("two");
    assertThat(vespa.document("t", "item", "1:one")).as("deleted by selection").isEmpty();
    assertThat(vespa.documentCount("item")).isEqualTo(1);
    assertThat(uncached.writeNow(upsert("late", 0, 2))).isEqualTo(IndexWriteOutcome.RETIRED);
  }

  @Test
  void concurrentCreatorsBothWinThroughTheRegistrysCondition() throws Exception {
    VespaVectorIndex a = open("namespace=t");
    VespaVectorIndex b = open("namespace=t");
    for (int r = 0; r < 5; r++) {
      int round = r;
      long ga = 10 + 2L * round;
      long gb = ga + 1;
      CountDownLatch go = new CountDownLatch(1);
      CompletableFuture<Void> fa = CompletableFuture.runAsync(() -> {
        awaitLatch(go);
        a.create(new Generation(ga, "a" + round, DIM));
      });
      CompletableFuture<Void> fb = CompletableFuture.runAsync(() -> {
        awaitLatch(go);
        b.create(new Generation(gb, "b" + round, DIM));
      });
      go.countDown();
      CompletableFuture.allOf(fa, fb).get(20, TimeUnit.SECONDS);
    }
    VespaVectorIndex reader = open("namespace=t&activeCacheMs=0");
    assertThat(reader.generations()).extracting(Generation::id)
        .containsExactly(10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L);
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void namespacesSharingOneApplicationDoNotSeeEachOther() {
    VespaVectorIndex red = open("namespace=red");
    VespaVectorIndex blue = open("namespace=blue");
    red.create(G1);
    red.publish(1);
    blue.create(G1);
    blue.publish(1);
    red.writeNow(upsert("r", 0, 1));
    blue.writeNow(upsert("b", 0, 1));
    assertThat(ids(red.searchNow(axis(0), 5, SearchFilter.none()))).containsExactly("r");
    assertThat(ids(blue.searchNow(axis(0), 5, SearchFilter.none()))).containsExactly("b");
  }

  @Test
  void scoresAreInnerProductsEvenForVectorsThatAreNotUnitLength() {
    VespaVectorIndex index = open("namespace=t");
    index.create(G1);
    index.publish(1);
    float[] v = {3, 4, 0, 0, 0, 0, 0, 0};
    index.writeNow(new IndexWrite.Upsert(1, "long", v, ATTRS, 1));
    List<Hit> hits = index.searchNow(new float[] {0.5f, 0.5f, 0, 0, 0, 0, 0, 0}, 1, SearchFilter.none());
    assertThat(hits.get(0).score()).isCloseTo(3.5f, within(1e-5f));
  }

  @Test
  void kMustBePositive() {
    VespaVectorIndex index = open("namespace=t");
    assertThat(failure(index.search(axis(0), 0, SearchFilter.none())).getMessage()).contains("k must be >= 1");
  }
}
