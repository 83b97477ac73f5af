package io.streamrec.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Stacks are leaf first, as JFR records them; only the frames that matter are written out. */
class JfrProfileTest {

  private static String categorize(String... frames) {
    return JfrProfile.categorize(List.of(frames));
  }

  @Test
  void jdkCodeCountsForTheLibraryThatCalledIt() {
    assertThat(categorize("java.lang.String.hashCode", "java.util.HashMap.get",
        "org.apache.flink.runtime.state.heap.CopyOnWriteStateMap.get", "io.streamrec.jobs.feature.UserFeaturesFn.current"))
        .isEqualTo("keyed state: access");
    assertThat(categorize("java.lang.StringLatin1.inflate", "com.fasterxml.jackson.core.json.UTF8StreamJsonParser.nextToken",
        "io.streamrec.jobs.common.ParseOrDeadLetter.processElement"))
        .isEqualTo("JSON parse + contract checks");
  }

  @Test
  void serializerCopiesAreChargedToWhatTheyAreFor() {
    assertThat(categorize("java.lang.reflect.Field.set",
        "org.apache.flink.api.java.typeutils.runtime.PojoSerializer.copy",
        "org.apache.flink.streaming.runtime.tasks.CopyingChainingOutput.pushToOperator",
        "org.apache.flink.streaming.runtime.tasks.CopyingChainingOutput.collect"))
        .isEqualTo("record copies between chained operators (object reuse off)");
    assertThat(categorize("org.apache.flink.api.common.typeutils.base.LongSerializer.copy",
        "org.apache.flink.api.java.typeutils.runtime.PojoSerializer.copy",
        "org.apache.flink.runtime.state.heap.CopyOnWriteStateMap.get",
        "org.apache.flink.runtime.state.heap.HeapValueState.value",
        "org.apache.flink.streaming.runtime.tasks.CopyingChainingOutput.pushToOperator"))
        .isEqualTo("keyed state: copy-on-write copies (snapshot running)");
    // A copy made by the operator's own state, not by the hand-over that called the operator, is not a hand-over.
    assertThat(categorize("io.streamrec.core.features.UserFeatureState.apply",
        "org.apache.flink.streaming.runtime.tasks.CopyingChainingOutput.pushToOperator"))
        .isEqualTo("feature logic (user/item state, trending)");
  }

  @Test
  void snapshotsTtlCleanupAndNetworkDeserializationAreNamed() {
    assertThat(categorize("java.io.DataOutputStream.write",
        "org.apache.flink.api.java.typeutils.runtime.PojoSerializer.serialize",
        "org.apache.flink.runtime.state.FullSnapshotAsyncWriter.writeKVStateData"))
        .isEqualTo("checkpointing: async state snapshot");
    assertThat(categorize("org.apache.flink.runtime.state.heap.CopyOnWriteStateMap$StateIncrementalVisitorImpl.nextEntries",
        "org.apache.flink.runtime.state.ttl.TtlIncrementalCleanup.runCleanup"))
        .isEqualTo("keyed state: TTL incremental cleanup");
    assertThat(categorize("org.apache.flink.core.memory.MemorySegment.get",
        "org.apache.flink.api.java.typeutils.runtime.PojoSerializer.deserialize",
        "org.apache.flink.runtime.io.network.api.serialization.SpillingAdaptiveSpanningRecordDeserializer.readNextRecord"))
        .isEqualTo("record deserialization (network input)");
    assertThat(categorize("io.streamrec.core.store.EmbeddedFeatureStore.checkValue",
        "io.streamrec.jobs.common.store.FeatureStoreSinkWriter.submitRequestEntries"))
        .isEqualTo("store sink + embedded store");
  }

  @Test
  void longestPrefixWinsAndPrefixesEndAtPackageOrClassBoundaries() {
    assertThat(categorize("org.apache.flink.streaming.api.operators.InternalTimerServiceImpl.onProcessingTime"))
        .isEqualTo("timers (coalesced flush)");
    assertThat(categorize("org.apache.flink.streaming.api.operators.KeyedCoProcessOperator.processElement2"))
        .isEqualTo("Flink operator + task loop");
    assertThat(JfrProfile.matchesPrefix("org.apache.kafka.clients.Fetcher", "org.apache.kafka")).isTrue();
    assertThat(JfrProfile.matchesPrefix("org.apache.kafkaesque.X", "org.apache.kafka")).isFalse();
    assertThat(categorize("java.lang.Thread.run")).isEqualTo(JfrProfile.OTHER);
  }

  /** The allocation summary adds the sampled weights up to about what was allocated, by kind of work and class. */
  @Test
  void allocationSamplesAddUpToWhatWasAllocated(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    JfrProfile jfr = JfrProfile.start(java.time.Duration.ofMillis(10));
    assertThat(jfr).as("Flight Recorder in this JVM").isNotNull();
    long sink = 0;
    for (int k = 0; k < 20_000; k++) {
      byte[] b = new byte[10_000]; // 200 MB in all, from this class: "benchmark harness"
      b[k % b.length] = (byte) k;
      sink += b[k % b.length];
    }
    JfrProfile.Profile p = jfr.stop(dir.resolve("alloc.jfr"));
    JfrProfile.Allocations a = p.allocations();
    assertThat(sink).isNotZero();
    assertThat(a.samples()).isPositive();
    assertThat(a.bytes()).as("sampled weights ≈ bytes allocated").isGreaterThan(100_000_000L);
    assertThat(a.bytesByCategory().get("benchmark harness")).isGreaterThan(100_000_000L);
    assertThat(a.topClasses()).containsKey("[B");
  }
}
