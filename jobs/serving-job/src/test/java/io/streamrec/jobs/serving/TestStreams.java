package io.streamrec.jobs.serving;

import io.streamrec.core.contract.Json;
import io.streamrec.jobs.common.OutRecord;
import io.streamrec.jobs.common.RawRecord;
import io.streamrec.jobs.common.StreamInput;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.streaming.api.functions.source.SourceFunction;

/**
 * Test plumbing for the serving job on a MiniCluster: per-topic sources fed from the test (open-ended: the test
 * cancels the job once it has seen what it waits for) and a sink collecting every record the job writes.
 */
final class TestStreams {
  private TestStreams() {}

  private static final Map<String, BlockingQueue<RawRecord>> QUEUES = new ConcurrentHashMap<>();
  private static final Map<String, List<OutRecord>> OUT = new ConcurrentHashMap<>();
  private static final AtomicLong OFFSETS = new AtomicLong();

  /** A source named {@code name} of records of {@code topic} that {@link #send} puts in. */
  static StreamInput<RawRecord> input(String name, String topic) {
    QUEUES.computeIfAbsent(name, q -> new LinkedBlockingQueue<>());
    return env -> env.addSource(new QueueSource(name)).setParallelism(1).name("test: " + topic)
        .uid("test-" + topic);
  }

  static void send(String name, String topic, String key, Object value) {
    sendRaw(name, topic, key, Json.write(value));
  }

  static void sendRaw(String name, String topic, String key, byte[] value) {
    QUEUES.get(name).add(RawRecord.of(topic, 0, OFFSETS.incrementAndGet(), System.currentTimeMillis(),
        key == null ? null : key.getBytes(StandardCharsets.UTF_8), value));
  }

  /** A sink collecting under {@code name}; {@link #written} reads it. */
  static Sink<OutRecord> sink(String name) {
    OUT.put(name, new CopyOnWriteArrayList<>());
    return new CollectingSink(name);
  }

  /** What the job wrote to {@code topic} so far, as text. */
  static List<String> written(String name, String topic) {
    return OUT.get(name).stream().filter(r -> r.topic.equals(topic))
        .map(r -> new String(r.value, StandardCharsets.UTF_8)).toList();
  }

  static void forget(String name) {
    QUEUES.remove(name);
    OUT.remove(name);
  }

  /** Emits what the test puts in its queue; never ends. */
  static final class QueueSource implements SourceFunction<RawRecord> {
    private static final long serialVersionUID = 1L;
    private final String name;
    private volatile boolean running = true;

    QueueSource(String name) {
      this.name = name;
    }

    @Override
    public void run(SourceContext<RawRecord> ctx) throws Exception {
      BlockingQueue<RawRecord> q = QUEUES.get(name);
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
          OUT.get(name).add(element);
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }
}
