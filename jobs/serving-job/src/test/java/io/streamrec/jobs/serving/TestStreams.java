package io.streamrec.jobs.serving;

import io.streamrec.core.contract.Json;
import io.streamrec.jobs.common.OutRecord;
import io.streamrec.jobs.common.RawRecord;
import io.streamrec.jobs.common.StreamInput;
import io.streamrec.jobs.common.TestQueues;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * Test plumbing for the serving job on a MiniCluster: per-topic sources fed from the test (open-ended: the test
 * cancels the job once it has seen what it waits for) and a sink collecting every record the job writes.
 */
final class TestStreams {
  private TestStreams() {}

  private static final AtomicLong OFFSETS = new AtomicLong();

  /** A source named {@code name} of records of {@code topic} that {@link #send} puts in. */
  static StreamInput<RawRecord> input(String name, String topic) {
    return TestQueues.input(name, topic);
  }

  static void send(String name, String topic, String key, Object value) {
    sendRaw(name, topic, key, Json.write(value));
  }

  static void sendRaw(String name, String topic, String key, byte[] value) {
    TestQueues.queue(name).add(RawRecord.of(topic, 0, OFFSETS.incrementAndGet(), System.currentTimeMillis(),
        key == null ? null : key.getBytes(StandardCharsets.UTF_8), value));
  }

  /** A sink collecting under {@code name}; {@link #written} reads it. */
  static Sink<OutRecord> sink(String name) {
    return TestQueues.collector(name);
  }

  /** What the job wrote to {@code topic} so far, as text. */
  static List<String> written(String name, String topic) {
    return TestQueues.collected(name).stream().filter(r -> r.topic.equals(topic))
        .map(r -> new String(r.value, StandardCharsets.UTF_8)).toList();
  }

  static void forget(String name) {
    TestQueues.forget(name);
  }
}
