package io.streamrec.jobs.common;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.streaming.api.functions.source.SourceFunction;

/**
 * In-JVM stand-ins for Kafka in the jobs' MiniCluster tests (this module's test-jar): named queues that a source
 * emits from, and named lists that a sink collects into. Names keep tests that run jobs at once apart.
 */
public final class TestQueues {
  private TestQueues() {}

  private static final Map<String, BlockingQueue<RawRecord>> QUEUES = new ConcurrentHashMap<>();
  private static final Map<String, List<OutRecord>> COLLECTED = new ConcurrentHashMap<>();

  /** The queue named {@code name} (made on first use): what a test puts in it, {@link #input} emits. */
  public static BlockingQueue<RawRecord> queue(String name) {
    return QUEUES.computeIfAbsent(name, q -> new LinkedBlockingQueue<>());
  }

  /** A source (parallelism 1, named "test: {@code label}") of the queue named {@code name}; it never ends. */
  public static StreamInput<RawRecord> input(String name, String label) {
    queue(name);
    return env -> env.addSource(new QueueSource(name)).setParallelism(1).name("test: " + label)
        .uid("test-" + label);
  }

  /** A sink collecting under {@code name} (emptied now); {@link #collected} reads it. */
  public static Sink<OutRecord> collector(String name) {
    COLLECTED.put(name, new CopyOnWriteArrayList<>());
    return new CollectingSink(name);
  }

  /** What the sink named {@code name} collected so far. */
  public static List<OutRecord> collected(String name) {
    return COLLECTED.get(name);
  }

  /** {@code collected(name)}'s values as UTF-8 text. */
  public static List<String> collectedText(String name) {
    return collected(name).stream().map(r -> new String(r.value, StandardCharsets.UTF_8)).toList();
  }

  public static void forget(String name) {
    QUEUES.remove(name);
    COLLECTED.remove(name);
  }

  /** Emits what the test puts in its queue; never ends (the test cancels the job). */
  static final class QueueSource implements SourceFunction<RawRecord> {
    private static final long serialVersionUID = 1L;
    private final String name;
    private volatile boolean running = true;

    QueueSource(String name) {
      this.name = name;
    }

    @Override
    public void run(SourceContext<RawRecord> ctx) throws Exception {
      BlockingQueue<RawRecord> q = queue(name);
      while (running) {
        RawRecord r = q.poll(20, TimeUnit.MILLISECONDS);
        if (r != null) {
          synchronized (ctx.getCheckpointLock()) {
            ctx.collect(r);
          }
        }
      }
    }

    @Override
    public void cancel() {
      running = false;
    }
  }

  static final class CollectingSink implements Sink<OutRecord> {
    private static final long serialVersionUID = 1L;
    private final String name;

    CollectingSink(String name) {
      this.name = name;
    }

    @Override
    public SinkWriter<OutRecord> createWriter(InitContext context) {
      return new SinkWriter<>() {
        @Override
        public void write(OutRecord element, Context ctx) {
          COLLECTED.get(name).add(element);
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }
}
