package io.streamrec.launcher.bench;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.Json;
import io.streamrec.core.contract.TopicSpec;
import io.streamrec.core.contract.Topics;
import io.streamrec.core.contract.User;
import io.streamrec.core.synthetic.SyntheticEvents;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The benchmark's Kafka side: writing the history and the live load as contract JSON, and counting what landed. */
final class BenchKafka {

  /** What the history producer wrote. */
  record Written(long items, long users, long interactions, long bytes, double seconds) {
    long records() {
      return items + users + interactions;
    }
  }

  /** What the live producer did: events sent, how long it took, and how far it ever fell behind its schedule. */
  record LiveSent(long events, double seconds, double maxBehindMs, long sampled) {}

  private BenchKafka() {}

  /**
   * A producer for bulk loading: large lingering batches, lz4, leader acks. {@code overrides} win.
   */
  static KafkaProducer<byte[], byte[]> producer(String bootstrapServers, Map<String, String> overrides) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "1");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L << 20));
    p.putAll(overrides);
    return new KafkaProducer<>(p);
  }

  /**
   * Writes the catalog, the users and every interaction of {@code gen} (duplicates included), keyed as the
   * contracts say, and waits until the broker has acknowledged all of it. {@code progress} gets the number of
   * interactions written so far, now and then.
   */
  static Written writeHistory(String bootstrapServers, SyntheticEvents gen, LongConsumer progress) {
    long start = System.nanoTime();
    AtomicLong failures = new AtomicLong();
    AtomicReference<Exception> firstFailure = new AtomicReference<>();
    long bytes = 0;
    long items = 0;
    long users = 0;
    long interactions = 0;
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrapServers, Map.of())) {
      for (Item item : gen.items()) {
        bytes += send(producer, Topics.ITEMS, item.itemId, Json.write(item), failures, firstFailure);
        items++;
      }
      for (User user : gen.users()) {
        bytes += send(producer, Topics.USERS, user.userId, Json.write(user), failures, firstFailure);
        users++;
      }
      for (Iterator<Interaction> it = gen.interactions(); it.hasNext(); ) {
        Interaction i = it.next();
        bytes += send(producer, Topics.INTERACTIONS, i.userId, Json.write(i), failures, firstFailure);
        if (++interactions % 250_000 == 0) {
          progress.accept(interactions);
        }
      }
      producer.flush();
    }
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " records could not be written to Kafka; first: "
          + firstFailure.get(), firstFailure.get());
    }
    return new Written(items, users, interactions, bytes, (System.nanoTime() - start) / 1e9);
  }

  private static int send(KafkaProducer<byte[], byte[]> producer, TopicSpec topic, String key, byte[] value,
      AtomicLong failures, AtomicReference<Exception> firstFailure) {
    return send(producer, topic.name(), key, value, failures, firstFailure);
  }

  private static int send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value,
      AtomicLong failures, AtomicReference<Exception> firstFailure) {
    producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value), (meta, e) -> {
      if (e != null) {
        failures.incrementAndGet();
        firstFailure.compareAndSet(null, e);
      }
    });
    return value.length;
  }

  /**
   * Sends {@code gen}'s interactions open-loop on {@code schedule}: event {@code k} at its intended time, stamped
   * with the wall-clock time of that instant as its event time; every {@code sampleEvery}-th event is registered
   * with the probe first. A sender that falls behind catches up at once; the probe measures from the intended time,
   * so the delay counts (see {@link OpenLoopSchedule}).
   *
   * @param wallAtStartMs the wall-clock time (epoch ms) that corresponds to {@code schedule.startNanos()}
   */
  static LiveSent sendLive(String bootstrapServers, SyntheticEvents gen, OpenLoopSchedule schedule,
      long wallAtStartMs, FreshnessProbe probe, int sampleEvery) {
    Iterator<Interaction> events = gen.interactions();
    long[] sampled = {0};
    LiveSent sent = sendOpenLoop(bootstrapServers, Topics.INTERACTIONS, schedule, wallAtStartMs,
        (k, tsMs, intendedNanos) -> {
          Interaction i = events.next();
          i.ts = tsMs;
          if (k % sampleEvery == 0) {
            probe.expect(i.userId, i.eventId, intendedNanos);
            sampled[0]++;
          }
          return new LiveRecord(i.userId, Json.write(i));
        });
    return new LiveSent(sent.events(), sent.seconds(), sent.maxBehindMs(), sampled[0]);
  }

  /** One record of a live load: its key and its contract JSON. */
  record LiveRecord(String key, byte[] value) {}

  /** The records of a live load, made when they are due (so a probe can register a sample just before its send). */
  @FunctionalInterface
  interface LiveLoad {
    /**
     * Event {@code k} (0-based), intended to be sent at {@code intendedNanos} ({@link System#nanoTime}), which is
     * {@code tsMs} on the wall clock (epoch ms): the event time to stamp it with.
     */
    LiveRecord event(long k, long tsMs, long intendedNanos);
  }

  /**
   * Sends {@code load}'s events to {@code topic} open-loop on {@code schedule}: event {@code k} at its intended time;
   * a sender that falls behind sends the overdue events at once (see {@link OpenLoopSchedule}). Waits until the
   * broker has acknowledged everything. The result's {@code sampled} is 0: the load knows what it sampled.
   *
   * @param wallAtStartMs the wall-clock time (epoch ms) that corresponds to {@code schedule.startNanos()}
   */
  static LiveSent sendOpenLoop(String bootstrapServers, TopicSpec topic, OpenLoopSchedule schedule,
      long wallAtStartMs, LiveLoad load) {
    // A service's producer: short linger, so the producer adds at most a few ms to freshness.
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrapServers, Map.of(
        ProducerConfig.LINGER_MS_CONFIG, "5",
        ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(64 * 1024)))) {
      return sendOpenLoop(producer, topic, schedule, wallAtStartMs, load);
    }
  }

  /**
   * As {@link #sendOpenLoop(String, TopicSpec, OpenLoopSchedule, long, LiveLoad)}, on a producer the caller owns
   * (and keeps open: a producer made per load would fetch its metadata, and delay, on the load's first send). Waits
   * until the broker has acknowledged everything sent.
   */
  static LiveSent sendOpenLoop(KafkaProducer<byte[], byte[]> producer, TopicSpec topic, OpenLoopSchedule schedule,
      long wallAtStartMs, LiveLoad load) {
    return sendOpenLoop(producer, topic.name(), schedule, wallAtStartMs, load);
  }

  /** As above, to the topic named {@code topic} (e.g. a topic of the registry with a deployment prefix). */
  static LiveSent sendOpenLoop(KafkaProducer<byte[], byte[]> producer, String topic, OpenLoopSchedule schedule,
      long wallAtStartMs, LiveLoad load) {
    AtomicLong failures = new AtomicLong();
    AtomicReference<Exception> firstFailure = new AtomicReference<>();
    long sent = 0;
    long maxBehind = 0;
    while (sent < schedule.total()) {
      long now = System.nanoTime();
      long due = schedule.dueBy(now);
      if (due <= sent) {
        LockSupport.parkNanos(Math.min(schedule.intendedNanos(sent) - now, TimeUnit.MILLISECONDS.toNanos(1)));
        continue;
      }
      for (; sent < due; sent++) {
        long intended = schedule.intendedNanos(sent);
        LiveRecord r = load.event(sent, wallAtStartMs + (intended - schedule.startNanos()) / 1_000_000, intended);
        send(producer, topic, r.key(), r.value(), failures, firstFailure);
      }
      maxBehind = Math.max(maxBehind, System.nanoTime() - schedule.intendedNanos(due - 1));
    }
    producer.flush();
    double seconds = (System.nanoTime() - schedule.startNanos()) / 1e9;
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " live records could not be written to Kafka; first: "
          + firstFailure.get(), firstFailure.get());
    }
    return new LiveSent(sent, seconds, maxBehind / 1e6, 0);
  }

  /**
   * Writes {@code items} to the items topic (keyed by item id) and waits until the broker has acknowledged all of
   * them; the result counts them as items.
   */
  static Written writeItems(String bootstrapServers, List<Item> items) {
    long start = System.nanoTime();
    AtomicLong failures = new AtomicLong();
    AtomicReference<Exception> firstFailure = new AtomicReference<>();
    long bytes = 0;
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrapServers, Map.of())) {
      for (Item item : items) {
        bytes += send(producer, Topics.ITEMS, item.itemId, Json.write(item), failures, firstFailure);
      }
      producer.flush();
    }
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " items could not be written to Kafka; first: "
          + firstFailure.get(), firstFailure.get());
    }
    return new Written(items.size(), 0, 0, bytes, (System.nanoTime() - start) / 1e9);
  }

  /** Records in each topic: the sum of its partitions' end offsets (the topics start empty). */
  static Map<String, Long> recordsInTopics(String bootstrapServers, List<TopicSpec> topics) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(p)) {
      Map<TopicPartition, OffsetSpec> request = topics.stream()
          .flatMap(t -> java.util.stream.IntStream.range(0, t.partitions())
              .mapToObj(i -> new TopicPartition(t.name(), i)))
          .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
      var ends = admin.listOffsets(request).all().get(30, TimeUnit.SECONDS);
      Map<String, Long> out = new java.util.LinkedHashMap<>();
      for (TopicSpec t : topics) {
        out.put(t.name(), ends.entrySet().stream().filter(e -> e.getKey().topic().equals(t.name()))
            .mapToLong(e -> e.getValue().offset()).sum());
      }
      return out;
    }
  }

}
