package io.streamrec.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link FeatureStore} backend must have. A backend's test extends this class and supplies the
 * store; the embedded store, the Aerospike adapter (through its client double, and through a real server when one
 * is configured) all run the same suite.
 */
public abstract class FeatureStoreContract {

  protected static final Duration NO_TTL = Duration.ZERO;
  private FeatureStore store;
  private String set;

  /** A store for one test; it may be shared between tests, the suite uses a fresh set name per test. */
  protected abstract FeatureStore newStore();

  /** Lets at least {@code d} pass for the store's TTL clock (a fake clock, or real waiting for a real server). */
  protected abstract void advanceTime(Duration d) throws Exception;

  /** The TTL the suite uses; a real server counts TTLs in whole seconds. */
  protected Duration shortTtl() {
    return Duration.ofSeconds(1);
  }

  @BeforeEach
  void openStore() {
    store = newStore();
    set = "t" + Long.toHexString(System.nanoTime() & 0xffffffL);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  protected FeatureKey key(String id) {
    return new FeatureKey(set, id);
  }

  private List<WriteOutcome> write(FeatureWrite... writes) {
    return store.writeAll(List.of(writes)).join();
  }

  @Test
  void aBatchReadReturnsWhatExistsAndLeavesOutWhatDoesNot() {
    List<FeatureWrite> writes = new ArrayList<>();
    for (int i = 0; i < 300; i += 2) {
      writes.add(FeatureWrite.upsert(key("k" + i), Map.of("n", (long) i), 1, NO_TTL));
    }
    store.writeAll(writes).join();
    List<FeatureKey> keys = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      keys.add(key("k" + i));
    }
    Map<FeatureKey, FeatureRecord> read = store.readAll(keys).join();
    assertThat(read).hasSize(150);
    assertThat(read.get(key("k42")).getLong("n", -1)).isEqualTo(42);
    assertThat(read).doesNotContainKey(key("k43"));
  }

  @Test
  void valuesOfEverySupportedTypeRoundTrip() {
    Map<String, Object> bins = Map.of(
        "s", "text ü", "l", 42L, "d", 0.25, "b", true,
        "list", List.of("a", "b"), "nested", List.of(List.of(1L, 2L)),
        "map", Map.of("x", List.of(5L, "y")));
    write(FeatureWrite.upsert(key("a"), bins, 7, NO_TTL));
    FeatureRecord r = store.get(key("a")).orElseThrow();
    assertThat(r.bins()).isEqualTo(bins);
    assertThat(r.version()).isEqualTo(7);
  }

  @Test
  void writesAreOrderedByVersionAndEqualVersionsApplyAgain() {
    assertThat(write(FeatureWrite.upsert(key("a"), Map.of("n", 1L), 10, NO_TTL)))
        .containsExactly(WriteOutcome.APPLIED);
    assertThat(write(FeatureWrite.upsert(key("a"), Map.of("n", 0L), 9, NO_TTL)))
        .containsExactly(WriteOutcome.STALE);
    assertThat(write(FeatureWrite.upsert(key("a"), Map.of("n", 1L), 10, NO_TTL)))
        .containsExactly(WriteOutcome.APPLIED);
    assertThat(write(FeatureWrite.upsert(key("a"), Map.of("n", 2L), 11, NO_TTL)))
        .containsExactly(WriteOutcome.APPLIED);
    assertThat(store.get(key("a")).orElseThrow().getLong("n", -1)).isEqualTo(2);
  }

  @Test
  void anUpsertMergesBinsIntoTheRecord() {
    write(FeatureWrite.upsert(key("a"), Map.of("x", 1L, "y", 1L), 1, NO_TTL));
    write(FeatureWrite.upsert(key("a"), Map.of("y", 2L), 2, NO_TTL));
    assertThat(store.get(key("a")).orElseThrow().bins()).isEqualTo(Map.of("x", 1L, "y", 2L));
  }

  @Test
  void outcomesComeBackInTheOrderOfTheWrites() {
    write(FeatureWrite.upsert(key("b"), Map.of("n", 1L), 50, NO_TTL));
    assertThat(write(
            FeatureWrite.upsert(key("a"), Map.of("n", 1L), 1, NO_TTL),
            FeatureWrite.upsert(key("b"), Map.of("n", 2L), 40, NO_TTL),
            FeatureWrite.upsert(key("c"), Map.of("n", 3L), 1, NO_TTL)))
        .containsExactly(WriteOutcome.APPLIED, WriteOutcome.STALE, WriteOutcome.APPLIED);
  }

  @Test
  void deletesRespectVersionsAndAreNotUndoneByALateOlderWrite() {
    write(FeatureWrite.upsert(key("a"), Map.of("n", 1L), 10, NO_TTL));
    assertThat(write(FeatureWrite.delete(key("a"), 9))).containsExactly(WriteOutcome.STALE);
    assertThat(store.get(key("a"))).isPresent();
    assertThat(write(FeatureWrite.delete(key("a"), 12))).containsExactly(WriteOutcome.APPLIED);
    assertThat(store.get(key("a"))).isEmpty();
    assertThat(write(FeatureWrite.upsert(key("a"), Map.of("n", 2L), 11, NO_TTL)))
        .containsExactly(WriteOutcome.STALE);
    assertThat(store.get(key("a"))).isEmpty();
    assertThat(write(FeatureWrite.upsert(key("a"), Map.of("n", 3L), 13, NO_TTL)))
        .containsExactly(WriteOutcome.APPLIED);
    assertThat(store.get(key("a")).orElseThrow().getLong("n", -1)).isEqualTo(3);
  }

  @Test
  void boundedMapsKeepTheNewestEntriesAndReplaysChangeNothing() {
    FeatureWrite w = FeatureWrite.upsert(key("u"), Map.of("last", 30L), 30, NO_TTL)
        .withMapMerge(new FeatureWrite.NewestEntries("recent", Map.of(
            "e1", List.of(10L, "i1", "view"), "e2", List.of(30L, "i2", "click"), "e3", List.of(20L, "i3", "view")),
            2));
    write(w);
    write(w);
    assertThat(store.get(key("u")).orElseThrow().<List<Object>>getMap("recent"))
        .isEqualTo(Map.of("e2", List.of(30L, "i2", "click"), "e3", List.of(20L, "i3", "view")));

    write(FeatureWrite.upsert(key("u"), Map.of(), 31, NO_TTL).withMapMerge(
        new FeatureWrite.NewestEntries("recent", Map.of("e4", List.of(25L, "i4", "like")), 2)));
    assertThat(store.get(key("u")).orElseThrow().<List<Object>>getMap("recent")).containsOnlyKeys("e2", "e4");
    assertThat(store.get(key("u")).orElseThrow().getLong("last", -1)).isEqualTo(30);
  }

  /** A record form for the suite: a counter and the newest two of its events, as a form of user records is. */
  static final class CounterForm implements RecordForm<long[]> {
    static final CounterForm INSTANCE = new CounterForm();

    @Override
    public void write(long[] events, java.io.DataOutput out) throws java.io.IOException {
      out.writeInt(events.length);
      for (long e : events) {
        out.writeLong(e);
      }
    }

    @Override
    public long[] read(java.io.DataInput in) throws java.io.IOException {
      long[] events = new long[in.readInt()];
      for (int i = 0; i < events.length; i++) {
        events[i] = in.readLong();
      }
      return events;
    }

    @Override
    public Map<String, Object> bins(long[] events) {
      return Map.of("n", (long) events.length, "kind", "counter");
    }

    @Override
    public List<FeatureWrite.NewestEntries> mapMerges(long[] events) {
      Map<String, List<Object>> entries = new java.util.HashMap<>();
      for (long e : events) {
        entries.put("e" + e, List.of(e, "item-" + e));
      }
      return List.of(new FeatureWrite.NewestEntries("recent", entries, 2));
    }
  }

  private FeatureWrite counter(String id, long version, long... events) throws java.io.IOException {
    io.streamrec.core.codec.Bytes.Writer out = new io.streamrec.core.codec.Bytes.Writer(16);
    CounterForm.INSTANCE.write(events, out);
    return FeatureWrite.encoded(key(id), new EncodedRecord(CounterForm.INSTANCE, out.toByteArray()), version,
        NO_TTL);
  }

  @Test
  void anEncodedWriteReadsBackAsTheBinsOfItsForm() throws Exception {
    write(counter("c", 1, 10, 20, 30));
    FeatureRecord r = store.get(key("c")).orElseThrow();
    assertThat(r.getLong("n", -1)).isEqualTo(3);
    assertThat(r.getString("kind")).isEqualTo("counter");
    assertThat(r.<List<Object>>getMap("recent")).isEqualTo(Map.of("e30", List.of(30L, "item-30"),
        "e20", List.of(20L, "item-20")));
    assertThat(r.version()).isEqualTo(1);

    // The next record of the same value, and an older one that must not apply.
    write(counter("c", 2, 10, 20, 30, 40));
    assertThat(write(counter("c", 1, 10))).containsExactly(WriteOutcome.STALE);
    r = store.get(key("c")).orElseThrow();
    assertThat(r.getLong("n", -1)).isEqualTo(4);
    assertThat(r.<List<Object>>getMap("recent")).containsOnlyKeys("e40", "e30");
  }

  @Test
  void equalRanksAreOrderedByTheRestOfTheValueAsAerospikeRanksThem() {
    write(FeatureWrite.upsert(key("u"), Map.of(), 1, NO_TTL).withMapMerge(new FeatureWrite.NewestEntries(
        "m", Map.of("z", List.of(10L, "a"), "a", List.of(10L, "b")), 1)));
    assertThat(store.get(key("u")).orElseThrow().<List<Object>>getMap("m")).containsOnlyKeys("a");
  }

  @Test
  void recordsExpireAfterTheirTtlAndZeroMeansNever() throws Exception {
    write(FeatureWrite.upsert(key("short"), Map.of("n", 1L), 1, shortTtl()),
        FeatureWrite.upsert(key("forever"), Map.of("n", 1L), 1, NO_TTL));
    assertThat(store.get(key("short"))).isPresent();
    advanceTime(shortTtl().multipliedBy(3));
    assertThat(store.get(key("short"))).isEmpty();
    assertThat(store.get(key("forever"))).isPresent();
  }
}
