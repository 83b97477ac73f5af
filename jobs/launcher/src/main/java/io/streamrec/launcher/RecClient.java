package io.streamrec.launcher;

import io.streamrec.jobs.common.KafkaIO;
import io.streamrec.core.contract.Json;
import io.streamrec.core.contract.RecRequest;
import io.streamrec.core.contract.RecResponse;
import io.streamrec.core.contract.TopicSpec;
import io.streamrec.core.contract.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A client of the running system over Kafka, as an application would be: it writes events and requests, and
 * matches responses to requests by request_id. Used by the demo and the end-to-end tests.
 *
 * <p>The response consumer is positioned at the end of {@code rec-responses} before the first request is sent, so
 * no response to this client's requests can be missed.
 */
public final class RecClient implements AutoCloseable {

  /** A response and when it arrived; times are {@link System#nanoTime()}. */
  public record Reply(RecResponse response, long sentNanos, long receivedNanos) {
    public double latencyMs() {
      return (receivedNanos - sentNanos) / 1e6;
    }
  }

  private final String prefix;
  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong unmatched = new AtomicLong();
  private final Thread poller;

  private record Pending(CompletableFuture<Reply> future, long sentNanos) {}

  public RecClient(String bootstrapServers, String topicPrefix) {
    this(KafkaIO.clientProperties(bootstrapServers), topicPrefix);
  }

  /** @param client bootstrap.servers and the job's client properties ({@code KafkaIO.clientProperties}) */
  public RecClient(Properties client, String topicPrefix) {
    this.prefix = topicPrefix;
    Properties p = new Properties();
    p.putAll(client);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producer = new KafkaProducer<>(p);

    Properties c = new Properties();
    c.putAll(client);
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, String.valueOf(KafkaIO.LOW_LATENCY_FETCH_MAX_WAIT_MS));
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    consumer = new KafkaConsumer<>(c);
    String responses = Topics.REC_RESPONSES.nameWithPrefix(prefix);
    List<TopicPartition> partitions =
        consumer.partitionsFor(responses, Duration.ofSeconds(30)).stream()
            .map(info -> new TopicPartition(info.topic(), info.partition()))
            .toList();
    if (partitions.isEmpty()) {
      throw new IllegalStateException("topic " + responses + " does not exist");
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end offsets now, before any request goes out

    poller = new Thread(this::pollResponses, "rec-client-responses");
    poller.setDaemon(true);
    poller.start();
  }

  /** Sends a request; the future completes when its response arrives (it never times out by itself). */
  public CompletableFuture<Reply> request(RecRequest request) {
    CompletableFuture<Reply> future = new CompletableFuture<>();
    long sent = System.nanoTime();
    pending.put(request.requestId, new Pending(future, sent));
    send(Topics.REC_REQUESTS, request.userId, Json.write(request));
    return future;
  }

  /** Sends a contract record (interaction, item, user) to its topic, keyed by {@code key}. */
  public void send(TopicSpec topic, String key, Object record) {
    send(topic, key, Json.write(record));
  }

  /** Sends raw bytes as they are: for garbage and hand-written JSON. */
  public void send(TopicSpec topic, String key, byte[] value) {
    producer.send(
        new ProducerRecord<>(
            topic.nameWithPrefix(prefix), key == null ? null : key.getBytes(StandardCharsets.UTF_8), value),
        (meta, error) -> {
          if (error != null) {
            System.err.println("send to " + topic.name() + " failed: " + error);
          }
        });
  }

  public void flush() {
    producer.flush();
  }

  /** Responses whose request_id this client did not send (another client's, or a duplicate). */
  public long unmatchedResponses() {
    return unmatched.get();
  }

  private void pollResponses() {
    try {
      while (running.get()) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
          long now = System.nanoTime();
          RecResponse response;
          try {
            response = Json.read(record.value(), RecResponse.class);
          } catch (RuntimeException e) {
            unmatched.incrementAndGet();
            continue;
          }
          Pending p = response.requestId() == null ? null : pending.remove(response.requestId());
          if (p == null) {
            unmatched.incrementAndGet();
          } else {
            p.future().complete(new Reply(response, p.sentNanos(), now));
          }
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
    try {
      poller.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(10));
    pending.values().forEach(p -> p.future().cancel(false));
  }
}
