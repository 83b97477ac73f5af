package io.streamrec.launcher.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * A CPU profile of this JVM from Java Flight Recorder's execution samples (in-process, no agent, no safepoint
 * bias), with every sample put in one category of work: JSON parsing, Kafka consumer, record serialization
 * between operators, keyed state, feature logic, the store sink, and so on.
 *
 * <p>A sample's category comes from its stack. First the {@link #CONTEXT_RULES context rules}, which name work by
 * its purpose wherever it happens in the stack (a serializer's {@code copy} on behalf of the copy-on-write state map
 * is a state cost, on behalf of a chained operator hand-over it is a cost of {@code pipeline.object-reuse: false});
 * then, leaf first, the first frame that is not JDK code ({@code java.}, {@code jdk.}, {@code sun.}) and matches a
 * {@link #RULES package rule} (longest prefix wins): a {@code HashMap.get} called by Flink's heap state counts as
 * state. The recording itself is kept ({@code .jfr}; open it with JDK Mission Control) for a closer look. Stacks
 * are recorded 64 frames deep (JFR's default), which covers the frames the rules look for.
 */
public final class JfrProfile {

  /**
   * Rules that look at the whole stack, checked first and in this order: they name work by what it is for, where
   * the leaf frame alone would only say "a serializer" or "a map lookup".
   */
  static final List<ContextRule> CONTEXT_RULES = List.of(
      new ContextRule("checkpointing: async state snapshot", f ->
          f.startsWith("org.apache.flink.runtime.state.filesystem.")
              || f.startsWith("org.apache.flink.runtime.state.heap.HeapSnapshotStrategy")
              || f.startsWith("org.apache.flink.runtime.state.FullSnapshotAsyncWriter")
              || f.startsWith("org.apache.flink.runtime.state.AsyncSnapshotCallable")
              || f.startsWith("org.apache.flink.runtime.state.SnapshotStrategyRunner")),
      new ContextRule("keyed state: TTL incremental cleanup", f ->
          f.startsWith("org.apache.flink.runtime.state.ttl.TtlIncrementalCleanup")),
      new ContextRule("keyed state: copy-on-write copies (snapshot running)", null) {
        @Override
        boolean matches(List<String> frames) {
          return containsCopyBelow(frames, "org.apache.flink.runtime.state.heap.CopyOnWriteStateMap.");
        }
      },
      new ContextRule("record copies between chained operators (object reuse off)", null) {
        @Override
        boolean matches(List<String> frames) {
          return containsCopyBelow(frames, "org.apache.flink.streaming.runtime.tasks.CopyingChainingOutput.");
        }
      },
      new ContextRule("JSON parse + contract checks", f ->
          f.startsWith("io.streamrec.core.contract.") || f.startsWith("com.fasterxml.jackson.")),
      new ContextRule("record deserialization (network input)", f ->
          f.startsWith("org.apache.flink.runtime.io.network.api.serialization.SpillingAdaptiveSpanningRecord")),
      new ContextRule("record serialization (network output)", f ->
          f.startsWith("org.apache.flink.runtime.io.network.api.writer.RecordWriter.")
              || f.startsWith("org.apache.flink.runtime.io.network.api.writer.ChannelSelectorRecordWriter.")),
      new ContextRule("store sink + embedded store", f ->
          f.startsWith("io.streamrec.jobs.common.store.") || f.startsWith("io.streamrec.core.store.")
              || f.startsWith("io.streamrec.jobs.feature.StoreWrites")
              || f.startsWith("org.apache.flink.connector.base.sink.")),
      // The embedded vector index (index job): Lucene work named by what it is for.
      new ContextRule("vector index: Lucene merges (compaction, merge policy)", f ->
          f.startsWith("org.apache.lucene.index.IndexWriter.merge")
              || f.startsWith("org.apache.lucene.index.SegmentMerger.")),
      new ContextRule("vector index: NRT refresh (segment flush, reader reopen)", f ->
          f.startsWith("org.apache.lucene.search.ReferenceManager.")),
      new ContextRule("vector index: write (Lucene document, HNSW graph insert)", f ->
          f.startsWith("org.apache.lucene.index.IndexWriter.updateDocument")
              || f.startsWith("org.apache.lucene.index.IndexWriter.deleteDocuments")),
      new ContextRule("vector index: searches (the benchmark's probe, serving)", f ->
          f.startsWith("io.streamrec.index.lucene.GenerationIndex.search")
              || f.startsWith("io.streamrec.index.lucene.GenerationIndex.similar")));

  /** Package or class prefix → category, for the leaf-first pass. Longest matching prefix wins. */
  static final Map<String, String> RULES = rules();

  public static final String OTHER = "JDK / other";

  /** A rule over a whole stack; by default: some frame ("pkg.Class.method") satisfies {@code frame}. */
  static class ContextRule {
    final String category;
    private final java.util.function.Predicate<String> frame;

    ContextRule(String category, java.util.function.Predicate<String> frame) {
      this.category = category;
      this.frame = frame;
    }

    boolean matches(List<String> frames) {
      return frames.stream().anyMatch(frame);
    }
  }

  /** A serializer's copy() runs (leaf side) on behalf of a frame of {@code caller} (root side). */
  static boolean containsCopyBelow(List<String> framesLeafFirst, String caller) {
    boolean copying = false;
    for (String f : framesLeafFirst) {
      if (f.endsWith(".copy") && f.startsWith("org.apache.flink.")) {
        copying = true;
      } else if (copying && f.startsWith(caller)) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, String> rules() {
    Map<String, String> r = new LinkedHashMap<>();
    r.put("com.fasterxml.jackson", "JSON parse + contract checks");
    r.put("io.streamrec.core.contract", "JSON parse + contract checks");
    r.put("org.apache.kafka", "Kafka consumer (fetch, decompress, records)");
    r.put("net.jpountz", "Kafka consumer (fetch, decompress, records)");
    r.put("org.apache.flink.connector.kafka", "Kafka consumer (fetch, decompress, records)");
    r.put("org.apache.flink.connector.base.source", "Flink source reader (split fetcher, queue)");
    r.put("io.streamrec.jobs.common.KafkaIO", "Flink source reader (split fetcher, queue)");
    r.put("io.streamrec.jobs.common.store", "store sink + embedded store");
    r.put("io.streamrec.core.store", "store sink + embedded store");
    r.put("org.apache.flink.connector.base.sink", "store sink + embedded store");
    r.put("io.streamrec.jobs.feature.StoreWrites", "store sink + embedded store");
    r.put("io.streamrec.core.features", "feature logic (user/item state, trending)");
    r.put("io.streamrec.jobs.feature", "feature logic (user/item state, trending)");
    r.put("io.streamrec.jobs.common", "parse operator / dead-letter glue");
    r.put("org.apache.flink.api.common.typeutils", "other serializer work");
    r.put("org.apache.flink.api.java.typeutils", "other serializer work");
    r.put("org.apache.flink.core.memory", "other serializer work");
    r.put("org.apache.flink.types", "other serializer work");
    r.put("org.apache.flink.runtime.plugable", "other serializer work");
    r.put("org.apache.flink.streaming.runtime.streamrecord", "other serializer work");
    r.put("org.apache.flink.runtime.io.network", "network stack (buffers, channels, flushing)");
    r.put("org.apache.flink.shaded.netty4", "network stack (buffers, channels, flushing)");
    r.put("org.apache.flink.runtime.state", "keyed state: access");
    r.put("org.apache.flink.streaming.api.operators.InternalTimer", "timers (coalesced flush)");
    r.put("org.apache.flink.streaming.api.operators.TimerHeap", "timers (coalesced flush)");
    r.put("org.apache.flink.streaming.runtime.tasks.SystemProcessingTimeService", "timers (coalesced flush)");
    r.put("org.apache.flink.runtime.state.heap.HeapPriorityQueue", "timers (coalesced flush)");
    r.put("org.apache.flink.runtime.checkpoint", "checkpointing: coordination");
    r.put("org.apache.flink.runtime.metrics", "metrics + REST (the benchmark's polling)");
    r.put("org.apache.flink.metrics", "metrics + REST (the benchmark's polling)");
    r.put("org.apache.flink.runtime.rest", "metrics + REST (the benchmark's polling)");
    r.put("org.apache.flink.runtime.webmonitor", "metrics + REST (the benchmark's polling)");
    r.put("org.apache.flink.streaming", "Flink operator + task loop");
    r.put("org.apache.flink.runtime", "Flink operator + task loop");
    r.put("org.apache.flink", "Flink operator + task loop");
    r.put("akka", "Flink RPC");
    r.put("io.streamrec.launcher", "benchmark harness");
    r.put("org.apache.lucene", "vector index: other Lucene work");
    r.put("io.streamrec.index.lucene", "vector index: other Lucene work");
    r.put("io.streamrec.core.index", "index job logic (changes, commands, acks)");
    r.put("io.streamrec.jobs.index", "index job logic (changes, commands, acks)");
    r.put("ai.onnxruntime", "item tower: ONNX Runtime, Java side (native inference is not sampled)");
    r.put("io.streamrec.onnx", "item tower: ONNX Runtime, Java side (native inference is not sampled)");
    r.put("io.streamrec.core.model", "item tower: input tensors (tokens, buckets)");
    return r;
  }

  /** What the samples say. */
  public record Profile(
      long samples,
      Map<String, Long> byCategory,
      Map<String, Map<String, Long>> byThreadGroup,
      Map<String, Long> topLeafFrames,
      Path recording,
      Allocations allocations) {

    public static Profile empty(Path recording) {
      return new Profile(0, Map.of(), Map.of(), Map.of(), recording, Allocations.NONE);
    }
  }

  /**
   * Heap allocation from JFR's allocation samples ({@code jdk.ObjectAllocationSample}, throttled): each sample
   * stands for the bytes allocated since the thread's last one (its weight), so the weights add up to the
   * allocation of the recorded period. What is allocated is what the young collector must later scan or copy.
   */
  public record Allocations(long samples, long bytes, Map<String, Long> bytesByCategory,
      Map<String, Long> topClasses) {
    static final Allocations NONE = new Allocations(0, 0, Map.of(), Map.of());
  }

  private final Recording recording;

  private JfrProfile(Recording recording) {
    this.recording = recording;
  }

  /** Starts sampling every {@code period}; null if Flight Recorder is not available in this JVM. */
  public static JfrProfile start(Duration period) {
    try {
      Recording r = new Recording();
      r.setName("streamrec-bench");
      r.enable("jdk.ExecutionSample").withPeriod(period).withStackTrace();
      r.enable("jdk.ObjectAllocationSample").with("throttle", "300/s").withStackTrace();
      r.start();
      return new JfrProfile(r);
    } catch (RuntimeException | LinkageError e) {
      System.err.println("Flight Recorder unavailable, no CPU profile: " + e);
      return null;
    }
  }

  /** Stops the recording, writes it to {@code file} and summarises it. */
  public Profile stop(Path file) throws IOException {
    recording.stop();
    recording.dump(file);
    recording.close();
    Map<String, Long> byCategory = new HashMap<>();
    Map<String, Map<String, Long>> byThread = new HashMap<>();
    Map<String, Long> leaves = new HashMap<>();
    Map<String, Long> allocatedByCategory = new HashMap<>();
    Map<String, Long> allocatedByClass = new HashMap<>();
    long samples = 0;
    long allocationSamples = 0;
    long allocated = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      String event = e.getEventType().getName();
      if (e.getStackTrace() == null) {
        continue;
      }
      List<RecordedFrame> frames = e.getStackTrace().getFrames();
      if (event.equals("jdk.ObjectAllocationSample")) {
        long weight = e.getLong("weight");
        allocationSamples++;
        allocated += weight;
        allocatedByCategory.merge(categorize(frameNames(frames)), weight, Long::sum);
        allocatedByClass.merge(e.getClass("objectClass") == null ? "?" : e.getClass("objectClass").getName(),
            weight, Long::sum);
        continue;
      }
      if (!event.equals("jdk.ExecutionSample")) {
        continue;
      }
      String category = categorize(frameNames(frames));
      String thread = e.getThread("sampledThread") == null ? "?"
          : String.valueOf(e.getThread("sampledThread").getJavaName());
      samples++;
      byCategory.merge(category, 1L, Long::sum);
      byThread.computeIfAbsent(CpuAccounting.threadGroup(thread), t -> new HashMap<>())
          .merge(category, 1L, Long::sum);
      if (!frames.isEmpty() && frames.get(0).getMethod() != null) {
        RecordedFrame leaf = frames.get(0);
        leaves.merge(leaf.getMethod().getType().getName() + "." + leaf.getMethod().getName(), 1L, Long::sum);
      }
    }
    return new Profile(samples, sortedByValue(byCategory), byThread, top(sortedByValue(leaves), 15), file,
        new Allocations(allocationSamples, allocated, sortedByValue(allocatedByCategory),
            top(sortedByValue(allocatedByClass), 8)));
  }

  private static List<String> frameNames(List<RecordedFrame> frames) {
    List<String> names = new ArrayList<>(frames.size());
    for (RecordedFrame f : frames) {
      if (f.isJavaFrame() && f.getMethod() != null && f.getMethod().getType() != null) {
        names.add(f.getMethod().getType().getName() + "." + f.getMethod().getName());
      }
    }
    return names;
  }

  /**
   * The category of a stack given as frames ({@code pkg.Class.method}), leaf first: the first {@link
   * #CONTEXT_RULES context rule} that matches; else the first non-JDK frame with a matching {@link #RULES rule}.
   * Stacks of JDK code only (or of code no rule knows) are {@link #OTHER}.
   */
  static String categorize(List<String> framesLeafFirst) {
    for (ContextRule rule : CONTEXT_RULES) {
      if (rule.matches(framesLeafFirst)) {
        return rule.category;
      }
    }
    for (String frame : framesLeafFirst) {
      int dot = frame.lastIndexOf('.');
      String cls = dot > 0 ? frame.substring(0, dot) : frame;
      if (isJdk(cls)) {
        continue;
      }
      String best = null;
      int bestLength = -1;
      for (Map.Entry<String, String> rule : RULES.entrySet()) {
        String prefix = rule.getKey();
        if (prefix.length() > bestLength && matchesPrefix(cls, prefix)) {
          best = rule.getValue();
          bestLength = prefix.length();
        }
      }
      if (best != null) {
        return best;
      }
    }
    return OTHER;
  }

  /**
   * A package prefix matches its packages and classes ({@code org.apache.kafka} matches {@code
   * org.apache.kafka.clients.X}, not {@code org.apache.kafkaesque.Y}); a prefix ending in a class name also matches
   * longer class names ({@code ...InternalTimer} matches {@code ...InternalTimerServiceImpl}).
   */
  static boolean matchesPrefix(String cls, String prefix) {
    if (!cls.startsWith(prefix)) {
      return false;
    }
    if (cls.length() == prefix.length() || cls.charAt(prefix.length()) == '.' || cls.charAt(prefix.length()) == '$') {
      return true;
    }
    return Character.isUpperCase(prefix.charAt(prefix.lastIndexOf('.') + 1));
  }

  private static boolean isJdk(String cls) {
    return cls.startsWith("java.") || cls.startsWith("javax.") || cls.startsWith("jdk.") || cls.startsWith("sun.")
        || cls.startsWith("com.sun.");
  }

  static <K> Map<K, Long> sortedByValue(Map<K, Long> m) {
    Map<K, Long> out = new LinkedHashMap<>();
    m.entrySet().stream()
        .sorted(Map.Entry.<K, Long>comparingByValue(Comparator.reverseOrder()))
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static <K> Map<K, Long> top(Map<K, Long> sorted, int n) {
    Map<K, Long> out = new LinkedHashMap<>();
    sorted.entrySet().stream().limit(n).forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }
}
