package io.streamrec.launcher;

import io.streamrec.jobs.common.JobConfig;
import io.streamrec.jobs.common.KafkaIO;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a whole topic from the beginning in tests, polling until what the test waits for is there. */
final class TopicReader implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();

  TopicReader(String bootstrapServers, String topic) {
    this(KafkaIO.clientProperties(bootstrapServers), topic);
  }

  /** @param client bootstrap.servers and the job's client properties ({@link KafkaIO#clientProperties(JobConfig)}) */
  TopicReader(Properties client, String topic) {
    Properties p = new Properties();
    p.putAll(client);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    consumer = new KafkaConsumer<>(p);
    List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(i -> new TopicPartition(topic, i.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Polls until some record read so far matches, or fails after {@code timeout} listing what it saw. */
  ConsumerRecord<byte[], byte[]> awaitRecord(Predicate<ConsumerRecord<byte[], byte[]>> match, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (ConsumerRecord<byte[], byte[]> r : seen) {
        if (match.test(r)) {
          return r;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no matching record within " + timeout + "; saw " + seen.size() + ": "
            + seen.stream().map(r -> new String(r.value(), java.nio.charset.StandardCharsets.UTF_8)).toList());
      }
      consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
    }
  }

  @Override
  public void close() {
    consumer.close();
  }
}
