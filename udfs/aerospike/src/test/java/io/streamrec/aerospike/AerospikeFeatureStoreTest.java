package io.streamrec.aerospike;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aerospike.client.Key;
import com.aerospike.client.Record;
import com.aerospike.client.ResultCode;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureRecord;
import io.streamrec.core.store.FeatureStoreException;
import io.streamrec.core.store.FeatureWrite;
import io.streamrec.core.store.WriteOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What the contract suite does not pin down: call counts, races, failure mapping, TTL seconds, tombstones. */
class AerospikeFeatureStoreTest {

  private static final Duration NO_TTL = Duration.ZERO;
  private final InMemoryAerospikeDouble aerospike = new InMemoryAerospikeDouble();
  private final AerospikeFeatureStore store = new AerospikeFeatureStore(aerospike.client(), settings(true));
  private final AerospikeFeatureStore blockingStore = new AerospikeFeatureStore(aerospike.client(), settings(false));

  private static AerospikeSettings settings(boolean async) {
    return AerospikeSettings.builder("127.0.0.1:3000").eventLoops(async ? 1 : 0).maxCommands(4, 64).build();
  }

  @AfterEach
  void close() {
    store.close();
    blockingStore.close();
    aerospike.close();
  }

  private static FeatureKey key(String id) {
    return new FeatureKey("s", id);
  }

  private static Key aerospikeKey(String id) {
    return new Key("streamrec", "s", id);
  }

  private static FeatureWrite upsert(String id, long version, Map<String, Object> bins) {
    return FeatureWrite.upsert(key(id), bins, version, NO_TTL);
  }

  private static FeatureStoreException failureOf(CompletableFuture<?> f) {
    Throwable t = f.handle((v, e) -> e).join();
    assertThat(t).as("the future fails with a FeatureStoreException itself, not wrapped").isInstanceOf(
        FeatureStoreException.class);
    return (FeatureStoreException) t;
  }

  @Test
  void aReadOf300KeysIsOneBatchCallAndAWriteOf300IsOneReadAndOneOperate() {
    List<FeatureWrite> writes = new ArrayList<>();
    List<FeatureKey> keys = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      writes.add(upsert("k" + i, 1, Map.of("n", (long) i)));
      keys.add(key("k" + i));
    }
    store.writeAll(writes).join();
    assertThat(aerospike.batchGetSizes()).containsExactly(300);
    assertThat(aerospike.batchOperateSizes()).containsExactly(300);

    Map<FeatureKey, FeatureRecord> read = store.readAll(keys).join();

    assertThat(read).hasSize(300);
    assertThat(aerospike.batchGetSizes()).containsExactly(300, 300);
  }

  @Test
  void aKeyAskedForTwiceIsReadOnce() {
    store.upsert(key("a"), Map.of("n", 1L), 1, NO_TTL);
    assertThat(store.readAll(List.of(key("a"), key("a"), key("b"))).join()).containsOnlyKeys(key("a"));
    assertThat(aerospike.batchGetSizes()).last().isEqualTo(2);
  }

  @Test
  void anEmptyReadOrWriteMakesNoCall() {
    assertThat(store.readAll(List.of()).join()).isEmpty();
    assertThat(store.writeAll(List.of()).join()).isEmpty();
    assertThat(aerospike.batchGetSizes()).isEmpty();
    assertThat(aerospike.batchOperateSizes()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void concurrentWritersToOneKeyEndAtTheMaxVersion(boolean async) throws Exception {
    AerospikeFeatureStore s = async ? store : blockingStore;
    aerospike.latency(Duration.ofMillis(1));
    ExecutorService writers = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int parity = t;
        done.add(writers.submit(() -> {
          // Both writers climb at about the same pace, so most writes race the other writer's.
          for (long v = 1 + parity; v <= 300; v += 2) {
            s.writeAll(List.of(upsert("hot", v, Map.of("n", v, "by", (long) parity)),
                upsert("cold" + parity, v, Map.of("n", v)))).join();
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(20, TimeUnit.SECONDS);
      }
    } finally {
      writers.shutdownNow();
    }
    assertThat(aerospike.conflicts()).as("writers raced between read and write").isPositive();
    FeatureRecord hot = s.get(key("hot")).orElseThrow();
    assertThat(hot.version()).isEqualTo(300);
    assertThat(hot.getLong("n", -1)).isEqualTo(300);
    assertThat(hot.getLong("by", -1)).isEqualTo(1);
    assertThat(s.get(key("cold0")).orElseThrow().version()).isEqualTo(299);
  }

  @Test
  void aWriteThatLosesAGenerationRaceIsReadAgainAndRetriedAlone() {
    store.upsert(key("b"), Map.of("n", 1L), 1, NO_TTL);
    int before = aerospike.batchOperateSizes().size();
    // Between the store's read and its write, another writer updates "b" (an older version, so ours still wins).
    aerospike.beforeNextOperate(() -> blockingStore.upsert(key("b"), Map.of("n", 2L, "other", true), 2, NO_TTL));

    List<WriteOutcome> outcomes = store.writeAll(List.of(
        upsert("a", 5, Map.of("n", 5L)), upsert("b", 5, Map.of("n", 5L)), upsert("c", 5, Map.of("n", 5L)))).join();

    assertThat(outcomes).containsExactly(WriteOutcome.APPLIED, WriteOutcome.APPLIED, WriteOutcome.APPLIED);
    // the other writer's 1, our 3 (b refused: generation), then b alone
    assertThat(aerospike.batchOperateSizes().subList(before, aerospike.batchOperateSizes().size()))
        .containsExactly(1, 3, 1);
    assertThat(aerospike.conflicts()).isEqualTo(1);
    assertThat(store.get(key("b")).orElseThrow().bins()).isEqualTo(Map.of("n", 5L, "other", true));
  }

  @Test
  void aCreateThatLosesTheRaceToANewerWriteEndsStale() {
    aerospike.beforeNextOperate(() -> blockingStore.upsert(key("new"), Map.of("n", 9L), 9, NO_TTL));

    assertThat(store.writeAll(List.of(upsert("new", 5, Map.of("n", 5L)))).join())
        .containsExactly(WriteOutcome.STALE);

    assertThat(aerospike.conflicts()).isEqualTo(1); // KEY_EXISTS_ERROR on CREATE_ONLY
    assertThat(store.get(key("new")).orElseThrow().getLong("n", -1)).isEqualTo(9);
  }

  @Test
  void aKeyThatKeepsLosingRacesFailsRetryablyAfterBoundedAttempts() {
    for (int i = 0; i < AerospikeFeatureStore.MAX_ATTEMPTS; i++) {
      aerospike.failNextWrite("b", ResultCode.GENERATION_ERROR);
    }
    FeatureStoreException e = failureOf(store.writeAll(List.of(upsert("b", 1, Map.of("n", 1L)))));
    assertThat(e.retryable()).isTrue();
    assertThat(e).hasMessageContaining("lost generation races after " + AerospikeFeatureStore.MAX_ATTEMPTS);
    assertThat(aerospike.batchOperateSizes()).hasSize(AerospikeFeatureStore.MAX_ATTEMPTS);
  }

  @ParameterizedTest
  @CsvSource({"9, true", "14, true", "18, true", "-8, true", "-9, true", "4, false", "1, false", "20, false"})
  void aFailedCommandFailsTheFutureRetryablyOrNot(int resultCode, boolean retryable) {
    aerospike.failNext(resultCode);
    FeatureStoreException read = failureOf(store.readAll(List.of(key("a"))));
    assertThat(read.retryable()).isEqualTo(retryable);
    assertThat(read).hasMessageContaining("(" + resultCode + ")");

    aerospike.failNext(resultCode); // fails the version read of the write
    FeatureStoreException write = failureOf(blockingStore.writeAll(List.of(upsert("a", 1, Map.of("n", 1L)))));
    assertThat(write.retryable()).isEqualTo(retryable);

    aerospike.beforeNextOperate(() -> aerospike.failNext(resultCode)); // fails the batch operate itself
    FeatureStoreException operate = failureOf(store.writeAll(List.of(upsert("a", 1, Map.of("n", 1L)))));
    assertThat(operate.retryable()).isEqualTo(retryable);
    assertThat(operate).hasMessageContaining("batch write of 1 records failed");
  }

  @ParameterizedTest
  @CsvSource({"14, true", "13, false", "12, false"})
  void aFailedRecordFailsTheWriteRetryablyOrNotAndNamesIt(int resultCode, boolean retryable) {
    aerospike.failNextWrite("b", resultCode);
    FeatureStoreException e = failureOf(store.writeAll(
        List.of(upsert("a", 1, Map.of("n", 1L)), upsert("b", 1, Map.of("n", 1L)))));
    assertThat(e.retryable()).isEqualTo(retryable);
    assertThat(e).hasMessageContaining("1 record write(s) failed: streamrec/s/b").hasMessageContaining(
        "(" + resultCode + ")");
    // "a" was written; writing again is harmless (an equal version applies again)
    assertThat(store.writeAll(List.of(upsert("a", 1, Map.of("n", 1L)), upsert("b", 1, Map.of("n", 1L)))).join())
        .containsExactly(WriteOutcome.APPLIED, WriteOutcome.APPLIED);
  }

  @Test
  void aMapMergeIntoABinThatIsNotAMapIsANonRetryableBinTypeError() {
    store.upsert(key("u"), Map.of("recent", 5L), 1, NO_TTL);
    FeatureStoreException e = failureOf(store.writeAll(List.of(upsert("u", 2, Map.of()).withMapMerge(
        new FeatureWrite.NewestEntries("recent", Map.of("e1", List.of(1L, "i1")), 3)))));
    assertThat(e.retryable()).isFalse();
    assertThat(e).hasMessageContaining("(12)");
  }

  @Test
  void theClientRetryableCodesAreTheTransientOnes() {
    assertThat(AerospikeFeatureStore.retryable(ResultCode.TIMEOUT)).isTrue();
    assertThat(AerospikeFeatureStore.retryable(ResultCode.KEY_BUSY)).isTrue();
    assertThat(AerospikeFeatureStore.retryable(ResultCode.DEVICE_OVERLOAD)).isTrue();
    assertThat(AerospikeFeatureStore.retryable(ResultCode.GENERATION_ERROR)).isFalse();
    assertThat(AerospikeFeatureStore.retryable(ResultCode.RECORD_TOO_BIG)).isFalse();
    assertThat(AerospikeFeatureStore.retryable(ResultCode.PARAMETER_ERROR)).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"0, -1", "1, 1", "999, 1", "1000, 1", "1001, 2", "1500, 2", "60000, 60"})
  void ttlsAreWholeSecondsRoundedUpAndZeroIsNever(long millis, int seconds) {
    assertThat(AerospikeValues.ttlSeconds(Duration.ofMillis(millis))).isEqualTo(seconds);
  }

  @Test
  void theRecordGetsTheRoundedTtlAndAnUpsertRefreshesItButAReadDoesNot() {
    long start = nowSeconds();
    store.upsert(key("a"), Map.of("n", 1L), 1, Duration.ofMillis(1500));
    assertThat(aerospike.peek(aerospikeKey("a")).expiration).isEqualTo(start + 2);

    aerospike.advance(Duration.ofSeconds(1));
    store.get(key("a"));
    assertThat(aerospike.peek(aerospikeKey("a")).expiration).isEqualTo(start + 2);
    assertThat(store.get(key("a")).orElseThrow().expiresAtMillis())
        .isEqualTo(AerospikeFeatureStore.CITRUSLEAF_EPOCH_MILLIS + (start + 2) * 1000);

    store.upsert(key("a"), Map.of("n", 2L), 2, Duration.ofSeconds(10));
    assertThat(aerospike.peek(aerospikeKey("a")).expiration).isEqualTo(start + 1 + 10);

    assertThat(store.upsert(key("a"), Map.of("n", 0L), 1, Duration.ofSeconds(100))).isFalse(); // stale: TTL kept
    assertThat(aerospike.peek(aerospikeKey("a")).expiration).isEqualTo(start + 1 + 10);

    store.upsert(key("a"), Map.of("n", 3L), 3, NO_TTL);
    assertThat(aerospike.peek(aerospikeKey("a")).expiration).isZero();
    assertThat(store.get(key("a")).orElseThrow().expiresAtMillis()).isEqualTo(FeatureRecord.NEVER);
  }

  private long nowSeconds() {
    return (aerospike.nowMillis() - AerospikeFeatureStore.CITRUSLEAF_EPOCH_MILLIS) / 1000;
  }

  @Test
  void aDeleteLeavesATombstoneWithOnlyTheVersionThatReadersDoNotSee() {
    store.upsert(key("a"), Map.of("n", 1L, "m", Map.of("x", 1L)), 1, Duration.ofSeconds(30));
    assertThat(store.delete(key("a"), 2)).isTrue();

    Record tombstone = aerospike.peek(aerospikeKey("a"));
    assertThat(tombstone.bins).isEqualTo(Map.of("_v", 2L, "_del", 1L));
    assertThat(tombstone.expiration).as("tombstones live for ever by default").isZero();
    assertThat(store.get(key("a"))).isEmpty();

    assertThat(store.delete(key("never-written"), 5)).isTrue();
    assertThat(store.upsert(key("never-written"), Map.of("n", 1L), 4, NO_TTL)).isFalse();

    store.upsert(key("a"), Map.of("y", 3L), 3, NO_TTL);
    assertThat(aerospike.peek(aerospikeKey("a")).bins).isEqualTo(Map.of("y", 3L, "_v", 3L));
  }

  @Test
  void tombstonesExpireAfterTheirTtlWhenOneIsSet() {
    AerospikeSettings s = AerospikeSettings.builder("h:3000").tombstoneTtl(Duration.ofSeconds(60)).build();
    try (AerospikeFeatureStore st = new AerospikeFeatureStore(aerospike.client(), s)) {
      st.upsert(key("a"), Map.of("n", 1L), 10, NO_TTL);
      st.delete(key("a"), 12);
      assertThat(st.upsert(key("a"), Map.of("n", 2L), 11, NO_TTL)).isFalse();
      aerospike.advance(Duration.ofSeconds(62));
      assertThat(st.upsert(key("a"), Map.of("n", 2L), 11, NO_TTL)).as("the marker is gone").isTrue();
    }
  }

  @Test
  void severalWritesToOneKeyInOneCallApplyInOrder() {
    List<WriteOutcome> outcomes = store.writeAll(List.of(
        upsert("a", 1, Map.of("x", 1L)),
        upsert("b", 1, Map.of("x", 1L)),
        upsert("a", 2, Map.of("y", 2L)),
        FeatureWrite.delete(key("a"), 3),
        upsert("a", 2, Map.of("z", 2L)),
        upsert("a", 4, Map.of("w", 4L)))).join();

    assertThat(outcomes).containsExactly(WriteOutcome.APPLIED, WriteOutcome.APPLIED, WriteOutcome.APPLIED,
        WriteOutcome.APPLIED, WriteOutcome.STALE, WriteOutcome.APPLIED);
    assertThat(aerospike.batchOperateSizes()).as("a batch never holds a key twice").containsExactly(2, 1, 1, 1);
    assertThat(store.get(key("a")).orElseThrow().bins()).isEqualTo(Map.of("w", 4L));
  }

  @Test
  void writesNoBackendCouldStoreAreRefusedBeforeAnyCall() {
    assertThatThrownBy(() -> store.writeAll(List.of(upsert("a", 1, Map.of("_v", 1L)))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
    assertThatThrownBy(() -> store.writeAll(List.of(upsert("a", 1, Map.of("sixteen_bytes_xx", 1L)))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 15 bytes");
    assertThatThrownBy(() -> store.writeAll(List.of(upsert("a", 1, Map.of("n", 1)))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Integer");
    assertThatThrownBy(() -> store.writeAll(List.of(
            FeatureWrite.upsert(key("a"), Map.of("n", 1L), 1, Duration.ofDays(3660)))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10 years");
    assertThat(aerospike.batchGetSizes()).isEmpty();
  }

  @Test
  void readValuesAreImmutableCopies() {
    store.upsert(key("a"), Map.of("l", List.of(1L, 2L), "m", Map.of("k", List.of(1L))), 1, NO_TTL);
    FeatureRecord r = store.get(key("a")).orElseThrow();
    assertThatThrownBy(() -> r.<Long>getList("l").add(3L)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> r.<Object>getMap("m").clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void closingAStoreOverABorrowedClientLeavesTheClientOpen() {
    store.close();
    assertThat(aerospike.client().isConnected()).isTrue();
    assertThat(failureOf(store.readAll(List.of(key("a"))))).hasMessageContaining("closed");

    AerospikeFeatureStore owning = AerospikeFeatureStore.owning(aerospike.client(), settings(true), null);
    owning.close();
    assertThat(aerospike.client().isConnected()).isFalse();
  }
}
