package io.streamrec.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EmbeddedFeatureStoreTest {

  static final FeatureKey A = new FeatureKey("trending", "eu");
  static final FeatureKey B = new FeatureKey("trending", "us");
  static final FeatureKey C = new FeatureKey("users", "eu"); // same id, other set
  static final Duration NO_TTL = Duration.ZERO;

  final AtomicLong now = new AtomicLong(1_000_000L);
  final EmbeddedFeatureStore store = EmbeddedFeatureStore.isolated(now::get);
  final List<String> sharedNames = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    store.close();
    sharedNames.forEach(EmbeddedFeatureStore::clearShared);
  }

  String sharedName(String suffix) {
    String name = "EmbeddedFeatureStoreTest-" + suffix;
    sharedNames.add(name);
    return name;
  }

  @Test
  void getAllReturnsFoundKeysAndLeavesMissingOnesOut() {
    store.upsert(A, Map.of("n", 1L), 10, NO_TTL);
    store.upsert(C, Map.of("n", 3L), 10, NO_TTL);
    Map<FeatureKey, FeatureRecord> got =
        store.getAll(List.of(A, B, C, new FeatureKey("trending", "apac")));
    assertThat(got).containsOnlyKeys(A, C);
    assertThat(got.get(A).bins()).isEqualTo(Map.of("n", 1L));
    assertThat(got.get(A).version()).isEqualTo(10);
    assertThat(got.get(A).expiresAtMillis()).isEqualTo(FeatureRecord.NEVER);
    assertThat(got.get(C).bins()).isEqualTo(Map.of("n", 3L));
    assertThat(store.getAll(List.of())).isEmpty();
    assertThat(store.get(B)).isEmpty();
    assertThat(store.get(A)).get().extracting(r -> r.getLong("n", -1)).isEqualTo(1L);
    assertThat(store.size()).isEqualTo(2);
  }

  @Test
  void olderVersionIsRefusedEqualIsAppliedAgainNewerIsApplied() {
    assertThat(store.upsert(A, Map.of("v", "ten"), 10, NO_TTL)).isTrue();

    assertThat(store.upsert(A, Map.of("v", "nine"), 9, NO_TTL)).isFalse();
    assertThat(store.get(A).orElseThrow().getString("v")).isEqualTo("ten");
    assertThat(store.get(A).orElseThrow().version()).isEqualTo(10);

    assertThat(store.upsert(A, Map.of("v", "ten again"), 10, NO_TTL)).isTrue();
    assertThat(store.get(A).orElseThrow().getString("v")).isEqualTo("ten again");

    assertThat(store.upsert(A, Map.of("v", "eleven"), 11, NO_TTL)).isTrue();
    assertThat(store.get(A).orElseThrow().getString("v")).isEqualTo("eleven");
    assertThat(store.get(A).orElseThrow().version()).isEqualTo(11);

    assertThat(store.upsert(A, Map.of("v", "ten late"), 10, NO_TTL)).isFalse();
    assertThat(store.get(A).orElseThrow().getString("v")).isEqualTo("eleven");
  }

  @Test
  void binsAreMergedIntoTheStoredRecord() {
    store.upsert(A, Map.of("items", List.of("i1", "i2"), "updated_at", 5L), 5, NO_TTL);
    store.upsert(A, Map.of("updated_at", 6L, "half_life_ms", 1000L), 6, NO_TTL);
    FeatureRecord r = store.get(A).orElseThrow();
    assertThat(r.bins()).isEqualTo(Map.of(
        "items", List.of("i1", "i2"), "updated_at", 6L, "half_life_ms", 1000L));
    assertThat(r.<String>getList("items")).containsExactly("i1", "i2");
    assertThat(r.getList("missing")).isEmpty();
    assertThat(r.getLong("missing", 42L)).isEqualTo(42L);
    assertThat(r.version()).isEqualTo(6);
  }

  @Test
  void refusedWriteDoesNotMergeItsBins() {
    store.upsert(A, Map.of("a", 1L), 10, NO_TTL);
    assertThat(store.upsert(A, Map.of("b", 2L), 9, NO_TTL)).isFalse();
    assertThat(store.get(A).orElseThrow().bins()).isEqualTo(Map.of("a", 1L));
  }

  @Test
  void storedRecordIsACopyOfTheCallersMap() {
    Map<String, Object> bins = new HashMap<>(Map.of("a", 1L));
    store.upsert(A, bins, 1, NO_TTL);
    bins.put("a", 2L);
    bins.put("b", 3L);
    assertThat(store.get(A).orElseThrow().bins()).isEqualTo(Map.of("a", 1L));
  }

  @Test
  void recordExpiresAfterItsTtl() {
    store.upsert(A, Map.of("n", 1L), 1, Duration.ofSeconds(10));
    store.upsert(B, Map.of("n", 2L), 1, Duration.ZERO);
    long written = now.get();
    assertThat(store.get(A).orElseThrow().expiresAtMillis()).isEqualTo(written + 10_000);

    now.set(written + 9_999);
    assertThat(store.getAll(List.of(A, B))).containsOnlyKeys(A, B);
    assertThat(store.size()).isEqualTo(2);

    now.set(written + 10_000);
    assertThat(store.getAll(List.of(A, B))).containsOnlyKeys(B);
    assertThat(store.get(A)).isEmpty();
    assertThat(store.size()).isEqualTo(1);

    now.set(Long.MAX_VALUE - 1); // ttl ZERO never expires
    assertThat(store.get(B)).get().extracting(r -> r.getLong("n", -1)).isEqualTo(2L);
  }

  @Test
  void theSweepDropsExpiredRecordsThatNobodyReads() {
    store.upsert(A, Map.of("n", 1L), 1, Duration.ofSeconds(10));
    store.upsert(B, Map.of("n", 2L), 1, Duration.ZERO);
    long written = now.get();
    now.set(written + 9_999);
    assertThat(store.sweepExpired()).isZero();
    assertThat(store.storedRecords()).isEqualTo(2);

    now.set(written + 10_000);
    assertThat(store.storedRecords()).as("expired, not read, not swept yet").isEqualTo(2);
    assertThat(store.sweepExpired()).isEqualTo(1);
    assertThat(store.storedRecords()).isEqualTo(1);
    assertThat(store.get(B)).isPresent();
  }

  @Test
  void writeRefreshesTtl() {
    store.upsert(A, Map.of("n", 1L), 1, Duration.ofSeconds(10));
    now.addAndGet(8_000);
    store.upsert(A, Map.of("m", 2L), 2, Duration.ofSeconds(10));
    now.addAndGet(8_000);
    assertThat(store.get(A).orElseThrow().bins()).isEqualTo(Map.of("n", 1L, "m", 2L));
  }

  @Test
  void expiredRecordNeitherBlocksOlderWritesNorMergesIntoThem() {
    store.upsert(A, Map.of("old", "x"), 100, Duration.ofSeconds(1));
    now.addAndGet(1_000);
    assertThat(store.upsert(A, Map.of("new", "y"), 50, NO_TTL)).isTrue();
    FeatureRecord r = store.get(A).orElseThrow();
    assertThat(r.bins()).isEqualTo(Map.of("new", "y"));
    assertThat(r.version()).isEqualTo(50);
  }

  @Test
  void deleteRespectsVersions() {
    store.upsert(A, Map.of("n", 1L), 10, NO_TTL);
    assertThat(store.delete(A, 9)).isFalse();
    assertThat(store.get(A)).isPresent();
    assertThat(store.delete(A, 10)).isTrue();
    assertThat(store.get(A)).isEmpty();
    // Deleting again is idempotent, and the tombstone keeps a late, older upsert from resurrecting the record.
    assertThat(store.delete(A, 11)).isTrue();
    assertThat(store.upsert(A, Map.of("n", 2L), 10, NO_TTL)).isFalse();
    assertThat(store.get(A)).isEmpty();
    assertThat(store.upsert(A, Map.of("n", 3L), 11, NO_TTL)).isTrue();
    assertThat(store.get(A).orElseThrow().bins()).isEqualTo(Map.of("n", 3L));

    store.upsert(B, Map.of("n", 1L), 10, NO_TTL);
    assertThat(store.delete(B, 12)).isTrue();
    assertThat(store.get(B)).isEmpty();
  }

  @Test
  void newestEntriesMergeKeepsTheGreatestRanksAndIsIdempotent() {
    FeatureWrite first = FeatureWrite.upsert(A, Map.of(), 1, NO_TTL).withMapMerge(new FeatureWrite.NewestEntries(
        "recent", Map.of("e1", List.of(10L, "i1"), "e2", List.of(30L, "i2"), "e3", List.of(20L, "i3")), 2));
    store.writeAll(List.of(first)).join();
    store.writeAll(List.of(first)).join(); // a replay changes nothing
    Map<String, List<Object>> recent = store.get(A).orElseThrow().getMap("recent");
    assertThat(recent).containsOnlyKeys("e2", "e3");

    store.writeAll(List.of(FeatureWrite.upsert(A, Map.of(), 2, NO_TTL).withMapMerge(
        new FeatureWrite.NewestEntries("recent", Map.of("e4", List.of(25L, "i4")), 2)))).join();
    assertThat(store.get(A).orElseThrow().<List<Object>>getMap("recent")).containsOnlyKeys("e2", "e4");
  }

  @Test
  void binNameLongerThan15BytesIsRejected() {
    assertThat(store.upsert(A, Map.of("fifteen_bytes__", 1L), 1, NO_TTL)).isTrue(); // exactly 15 is fine
    assertThatThrownBy(() -> store.upsert(A, Map.of("sixteen_bytes___", 1L), 2, NO_TTL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bin name 'sixteen_bytes___' must be 1 to 15 bytes");
    // Bytes, not chars: 8 chars of 2 bytes each.
    assertThatThrownBy(() -> store.upsert(A, Map.of("éééééééé", 1L), 2, NO_TTL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer than 15 bytes");
    assertThat(store.get(A).orElseThrow().bins()).isEqualTo(Map.of("fifteen_bytes__", 1L));
  }

  @Test
  void unsupportedValueTypesAreRejected() {
    assertThatThrownBy(() -> store.upsert(A, Map.of("n", 1), 1, NO_TTL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bin 'n' holds a java.lang.Integer")
        .hasMessageContaining("allowed: String, Long, Double, Boolean, and Lists and String-keyed Maps of them");
    assertThatThrownBy(() -> store.upsert(A, Map.of("d", new Date()), 1, NO_TTL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bin 'd' holds a java.util.Date");
    assertThatThrownBy(() -> store.upsert(A, Map.of("l", List.of("a", 2.5f)), 1, NO_TTL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bin 'l' holds a java.lang.Float");
    Map<String, Object> withNull = new HashMap<>();
    withNull.put("x", null);
    assertThatThrownBy(() -> store.upsert(A, withNull, 1, NO_TTL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bin 'x' holds a null");
    assertThat(store.get(A)).isEmpty();

    assertThat(store.upsert(A, Map.of("s", "x", "l", 1L, "d", 0.5, "b", true,
        "ls", List.of(List.of(1L, 2L), List.of("y"))), 1, NO_TTL)).isTrue();
  }

  @Test
  void sharedReturnsTheSameInstanceAndCloseDoesNotClearIt() {
    String name = sharedName("same");
    EmbeddedFeatureStore one = EmbeddedFeatureStore.shared(name);
    EmbeddedFeatureStore two = EmbeddedFeatureStore.shared(name);
    assertThat(two).isSameAs(one);
    assertThat(one.name()).isEqualTo(name);
    assertThat(EmbeddedFeatureStore.shared(sharedName("other"))).isNotSameAs(one);

    one.upsert(A, Map.of("n", 1L), 1, NO_TTL);
    one.close();
    assertThat(two.get(A)).isPresent();
    assertThat(EmbeddedFeatureStore.shared(name).get(A)).isPresent();

    EmbeddedFeatureStore.clearShared(name);
    assertThat(two.get(A)).isEmpty();
  }

  @Test
  void isolatedInstancesAreSeparateAndCloseClears() {
    EmbeddedFeatureStore other = EmbeddedFeatureStore.isolated(now::get);
    store.upsert(A, Map.of("n", 1L), 1, NO_TTL);
    assertThat(other.get(A)).isEmpty();
    store.close();
    assertThat(store.get(A)).isEmpty();
    assertThat(store.size()).isZero();
  }

  @Test
  void concurrentInterleavedUpsertsEndWithTheMaxVersion() throws Exception {
    int writesPerThread = 20_000;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> futures = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int parity = t;
        futures.add(pool.submit(() -> {
          start.await();
          int applied = 0;
          // Thread 0 writes the even versions, thread 1 the odd ones, both counting up.
          for (long v = parity; v < 2L * writesPerThread; v += 2) {
            if (store.upsert(A, Map.of("v", v, "w" + parity, v), v, NO_TTL)) {
              applied++;
            }
          }
          return applied;
        }));
      }
      start.countDown();
      int appliedEven = futures.get(0).get(10, TimeUnit.SECONDS);
      int applied = appliedEven + futures.get(1).get(10, TimeUnit.SECONDS);
      long max = 2L * writesPerThread - 1;
      FeatureRecord r = store.get(A).orElseThrow();
      assertThat(r.version()).isEqualTo(max);
      assertThat(r.getLong("v", -1)).isEqualTo(max);
      assertThat(r.getLong("w1", -1)).isEqualTo(max);
      // The even thread's last applied write is some version below the max; never above it. (On a busy machine
      // the odd thread can run ahead for the whole test, and then none of the even writes applies.)
      if (appliedEven > 0) {
        assertThat(r.getLong("w0", -1)).isBetween(0L, max - 1);
      } else {
        assertThat(r.bins()).doesNotContainKey("w0");
      }
      assertThat(applied).isBetween(writesPerThread, 2 * writesPerThread);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }
}
