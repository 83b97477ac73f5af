package io.streamrec.aerospike;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aerospike.client.AerospikeException;
import com.aerospike.client.BatchRecord;
import com.aerospike.client.BatchWrite;
import com.aerospike.client.Bin;
import com.aerospike.client.IAerospikeClient;
import com.aerospike.client.Key;
import com.aerospike.client.Operation;
import com.aerospike.client.Record;
import com.aerospike.client.ResultCode;
import com.aerospike.client.Value;
import com.aerospike.client.cdt.MapOperation;
import com.aerospike.client.cdt.MapOrder;
import com.aerospike.client.cdt.MapPolicy;
import com.aerospike.client.cdt.MapReturnType;
import com.aerospike.client.cdt.MapWriteFlags;
import com.aerospike.client.listener.RecordArrayListener;
import com.aerospike.client.policy.BatchWritePolicy;
import com.aerospike.client.policy.GenerationPolicy;
import com.aerospike.client.policy.RecordExistsAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The double's own fidelity: the server behaviour the adapter relies on, through the client API. */
class InMemoryAerospikeDoubleTest {

  private final InMemoryAerospikeDouble aerospike = new InMemoryAerospikeDouble("streamrec");
  private final IAerospikeClient client = aerospike.client();
  private final Key a = new Key("streamrec", "s", "a");
  private final Key b = new Key("streamrec", "s", "b");

  @AfterEach
  void close() {
    aerospike.close();
  }

  private BatchRecord write(BatchWritePolicy p, Key key, Operation... ops) {
    BatchWrite w = new BatchWrite(p, key, ops);
    client.operate(null, List.<BatchRecord>of(w));
    return w;
  }

  private BatchRecord put(Key key, Object... binsAndValues) {
    List<Operation> ops = new ArrayList<>();
    for (int i = 0; i < binsAndValues.length; i += 2) {
      ops.add(Operation.put(new Bin((String) binsAndValues[i], Value.get(binsAndValues[i + 1]))));
    }
    return write(new BatchWritePolicy(), key, ops.toArray(Operation[]::new));
  }

  private static BatchWritePolicy policy(int expiration) {
    BatchWritePolicy p = new BatchWritePolicy();
    p.expiration = expiration;
    return p;
  }

  private long nowSeconds() {
    return (aerospike.nowMillis() - AerospikeFeatureStore.CITRUSLEAF_EPOCH_MILLIS) / 1000;
  }

  @Test
  void aBatchGetHasNullAtMissingKeysAndNullBinsWhenNoneOfTheAskedBinsExist() {
    put(a, "n", 1L);
    Record[] r = client.get(null, new Key[] {b, a});
    assertThat(r[0]).isNull();
    assertThat(r[1].bins).isEqualTo(Map.of("n", 1L));
    assertThat(client.get(null, new Key[] {a}, "x", "y")[0].bins).isNull();
    assertThat(client.get(null, new Key[] {a}, "n", "y")[0].bins).isEqualTo(Map.of("n", 1L));
  }

  @Test
  void keysCompareByNamespaceSetAndUserKeyIncludingItsType() {
    put(a, "n", 1L);
    assertThat(aerospike.peek(new Key("streamrec", "s", "a"))).isNotNull();
    assertThat(aerospike.peek(new Key("streamrec", "other", "a"))).isNull();
    assertThat(aerospike.peek(new Key("streamrec", "s", 7L))).isNull();
    assertThatThrownBy(() -> client.get(null, new Key[] {new Key("nope", "s", "a")}))
        .isInstanceOfSatisfying(AerospikeException.class,
            e -> assertThat(e.getResultCode()).isEqualTo(ResultCode.INVALID_NAMESPACE));
  }

  @Test
  void valuesComeBackAsTheClientDecodesThem() {
    put(a, "i", 7, "f", 0.5f, "b", true, "s", "ü", "l", List.of(1, List.of(2L)), "m", Map.of("k", 1),
        "sm", new TreeMap<>(Map.of("y", 1L, "x", 2L)));
    Map<String, Object> bins = client.get(null, new Key[] {a})[0].bins;
    assertThat(bins.get("i")).isEqualTo(7L);
    assertThat(bins.get("f")).isEqualTo(0.5);
    assertThat(bins.get("b")).isEqualTo(true);
    assertThat(bins.get("s")).isEqualTo("ü");
    assertThat(bins.get("l")).isInstanceOf(ArrayList.class).isEqualTo(List.of(1L, List.of(2L)));
    assertThat(bins.get("m")).isInstanceOf(HashMap.class).isEqualTo(Map.of("k", 1L));
    assertThat(bins.get("sm")).isInstanceOf(TreeMap.class);
    assertThat(bins.keySet()).containsExactly("i", "f", "b", "s", "l", "m", "sm");
  }

  @Test
  void generationsStartAtOneAndGuardWrites() {
    assertThat(put(a, "n", 1L).record.generation).isEqualTo(1);
    assertThat(put(a, "n", 2L).record.generation).isEqualTo(2);

    BatchWritePolicy stale = new BatchWritePolicy();
    stale.generationPolicy = GenerationPolicy.EXPECT_GEN_EQUAL;
    stale.generation = 1;
    assertThat(write(stale, a, Operation.put(new Bin("n", 9L))).resultCode).isEqualTo(ResultCode.GENERATION_ERROR);
    assertThat(aerospike.peek(a).bins).isEqualTo(Map.of("n", 2L));

    stale.generation = 0; // the server compares with 0 for a record that does not exist
    assertThat(write(stale, b, Operation.put(new Bin("n", 1L))).resultCode).isEqualTo(ResultCode.OK);

    BatchWritePolicy create = new BatchWritePolicy();
    create.recordExistsAction = RecordExistsAction.CREATE_ONLY;
    assertThat(write(create, a, Operation.put(new Bin("n", 3L))).resultCode).isEqualTo(ResultCode.KEY_EXISTS_ERROR);
    BatchWritePolicy update = new BatchWritePolicy();
    update.recordExistsAction = RecordExistsAction.UPDATE_ONLY;
    assertThat(write(update, new Key("streamrec", "s", "c"), Operation.put(new Bin("n", 3L))).resultCode)
        .isEqualTo(ResultCode.KEY_NOT_FOUND_ERROR);
  }

  @Test
  void replaceDropsOtherBinsAndRefusesBinDeletesAndMapOps() {
    put(a, "x", 1L, "y", 2L);
    BatchWritePolicy replace = new BatchWritePolicy();
    replace.recordExistsAction = RecordExistsAction.REPLACE;
    assertThat(write(replace, a, Operation.put(new Bin("z", 3L))).resultCode).isEqualTo(ResultCode.OK);
    assertThat(aerospike.peek(a).bins).isEqualTo(Map.of("z", 3L));
    assertThat(write(replace, a, Operation.put(Bin.asNull("z"))).resultCode).isEqualTo(ResultCode.PARAMETER_ERROR);
    assertThat(write(replace, a, MapOperation.putItems(MapPolicy.Default, "m", Map.of(Value.get("k"), Value.get(1))))
        .resultCode).isEqualTo(ResultCode.PARAMETER_ERROR);
  }

  @Test
  void removingTheLastBinDeletesTheRecordAndLongBinNamesAreRefused() {
    put(a, "x", 1L);
    assertThat(put(a, "x", null).resultCode).isEqualTo(ResultCode.OK);
    assertThat(aerospike.peek(a)).isNull();
    assertThat(put(a, "sixteen_bytes_xx", 1L).resultCode).isEqualTo(ResultCode.BIN_NAME_TOO_LONG);
    assertThat(aerospike.peek(a)).isNull();
  }

  @Test
  void recordsOverTheSizeLimitAreRefused() {
    aerospike.maxRecordBytes(100);
    assertThat(put(a, "s", "x".repeat(200)).resultCode).isEqualTo(ResultCode.RECORD_TOO_BIG);
    assertThat(aerospike.peek(a)).isNull();
  }

  @Test
  void ttlsExpireOnTheClockAndMinusOneNeverMinusTwoKeepsZeroIsTheNamespaceDefault() {
    long now = nowSeconds();
    assertThat(write(policy(10), a, Operation.put(new Bin("n", 1L))).record.expiration).isEqualTo(now + 10);
    assertThat(write(policy(-2), a, Operation.put(new Bin("n", 2L))).record.expiration).isEqualTo(now + 10);
    assertThat(write(policy(-1), b, Operation.put(new Bin("n", 1L))).record.expiration).isZero();
    assertThat(write(policy(0), b, Operation.put(new Bin("n", 1L))).record.expiration).isZero();
    aerospike.namespaceDefaultTtl(100);
    assertThat(write(policy(0), b, Operation.put(new Bin("n", 1L))).record.expiration).isEqualTo(now + 100);
    assertThat(write(policy(-2), new Key("streamrec", "s", "new"), Operation.put(new Bin("n", 1L))).record.expiration)
        .as("-2 on a new record: the default").isEqualTo(now + 100);
    assertThat(write(policy(3600 * 24 * 365 * 11), a, Operation.put(new Bin("n", 1L))).resultCode)
        .isEqualTo(ResultCode.PARAMETER_ERROR);

    aerospike.advance(Duration.ofSeconds(10));
    client.get(null, new Key[] {a}); // reads do not extend the TTL
    assertThat(aerospike.peek(a)).isNotNull();
    aerospike.advance(Duration.ofSeconds(1));
    assertThat(client.get(null, new Key[] {a})[0]).isNull();

    BatchWritePolicy create = new BatchWritePolicy();
    create.recordExistsAction = RecordExistsAction.CREATE_ONLY;
    BatchRecord recreated = write(create, a, Operation.put(new Bin("n", 3L)));
    assertThat(recreated.resultCode).as("an expired record is gone for writes too").isEqualTo(ResultCode.OK);
    assertThat(recreated.record.generation).isEqualTo(1);
  }

  private static final MapPolicy ORDERED = new MapPolicy(MapOrder.KEY_ORDERED, MapWriteFlags.DEFAULT);

  private static Map<Value, Value> items(Object... kv) {
    Map<Value, Value> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(Value.get(kv[i]), Value.get(kv[i + 1]));
    }
    return m;
  }

  private Object mergeKeepingNewest(int n, Object... kv) {
    write(new BatchWritePolicy(), a, MapOperation.putItems(ORDERED, "m", items(kv)),
        MapOperation.removeByRankRange("m", -n, n, MapReturnType.NONE | MapReturnType.INVERTED));
    return aerospike.peek(a).bins.get("m");
  }

  @Test
  void aNegativeRankRangeInvertedKeepsTheTopNAndAShortMapWhole() {
    assertThat(mergeKeepingNewest(3, "e1", List.of(10L, "i1"), "e2", List.of(30L, "i2")))
        .isInstanceOf(TreeMap.class).isEqualTo(Map.of("e1", List.of(10L, "i1"), "e2", List.of(30L, "i2")));
    assertThat(mergeKeepingNewest(2, "e3", List.of(20L, "i3"), "e4", List.of(5L, "i4")))
        .isEqualTo(Map.of("e2", List.of(30L, "i2"), "e3", List.of(20L, "i3")));
  }

  @Test
  void ranksCompareWholeValuesSoTiesOnTheFirstElementGoByThePayloadNotTheKey() {
    assertThat(mergeKeepingNewest(1, "z", List.of(10L, "a"), "a", List.of(10L, "b")))
        .isEqualTo(Map.of("a", List.of(10L, "b")));
  }

  @Test
  void entriesWithEqualValuesRankByKeyInAKeyOrderedMap() {
    assertThat(mergeKeepingNewest(1, "a", List.of(10L, "x"), "b", List.of(10L, "x")))
        .isEqualTo(Map.of("b", List.of(10L, "x")));
  }

  @Test
  void valueOrderFollowsTheServerTypeOrder() {
    List<Object> ascending = List.of(false, true, -5L, 3L, "B", "a", "ab", List.of(1L), List.of(1L, 0L),
        List.of(2L), Map.of("k", 1L), new byte[] {1}, -1.0, 0.5);
    for (int i = 0; i + 1 < ascending.size(); i++) {
      assertThat(InMemoryAerospikeDouble.VALUE_ORDER.compare(ascending.get(i), ascending.get(i + 1)))
          .as("%s < %s", ascending.get(i), ascending.get(i + 1)).isNegative();
    }
  }

  @Test
  void aMapOpOnABinThatIsNotAMapIsABinTypeError() {
    put(a, "m", 1L);
    BatchRecord r = write(new BatchWritePolicy(), a, MapOperation.putItems(ORDERED, "m", items("k", 1L)));
    assertThat(r.resultCode).isEqualTo(ResultCode.BIN_TYPE_ERROR);
  }

  @Test
  void injectedFailuresFailTheWholeCommandSyncOrAsync() {
    aerospike.failNext(ResultCode.TIMEOUT);
    assertThatThrownBy(() -> client.get(null, new Key[] {a}))
        .isInstanceOfSatisfying(AerospikeException.class,
            e -> assertThat(e.getResultCode()).isEqualTo(ResultCode.TIMEOUT));

    aerospike.failNext(ResultCode.KEY_BUSY);
    CompletableFuture<Integer> code = new CompletableFuture<>();
    client.get(null, new RecordArrayListener() {
      @Override
      public void onSuccess(Key[] keys, Record[] records) {
        code.complete(ResultCode.OK);
      }

      @Override
      public void onFailure(AerospikeException e) {
        code.complete(e.getResultCode());
      }
    }, null, new Key[] {a});
    assertThat(code.join()).isEqualTo(ResultCode.KEY_BUSY);
  }

  @Test
  void anyOtherClientMethodSaysTheDoubleDoesNotImplementIt() {
    assertThatThrownBy(() -> client.put(null, a, new Bin("n", 1L)))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageStartingWith("InMemoryAerospikeDouble does not implement")
        .hasMessageContaining("put(");
  }
}
