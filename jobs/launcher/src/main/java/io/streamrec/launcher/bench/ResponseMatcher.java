package io.streamrec.launcher.bench;

import io.streamrec.jobs.common.KafkaIO;
import com.fasterxml.jackson.databind.JsonNode;
import io.streamrec.core.contract.Json;
import io.streamrec.core.contract.RecResponse;
import io.streamrec.core.contract.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The serving benchmark's read side: matches every response on {@code rec-responses} to its request by
 * {@code request_id} and books it, with the time it was consumed, in the request's {@link RequestLedger}; reads the
 * prediction-log records of a sample of the requests ({@code ranked}, candidates per source).
 *
 * <p>Two consumers on two threads, so that reading the large prediction-log records never delays the timestamp of
 * a response. Both are assigned every partition and positioned at the end <em>before</em> the first request is
 * sent, so no answer can be missed. A response's time is taken when {@code poll} returns it (all records of one
 * poll share it). The response consumer's fetches are answered as soon as a record arrives ({@code fetch.min.bytes} 1,
 * {@code fetch.max.wait.ms} {@link KafkaIO#LOW_LATENCY_FETCH_MAX_WAIT_MS} while idle), as a service's would.
 */
final class ResponseMatcher implements AutoCloseable {

  /** A request on its way: its ledger, its intended send time, and whether its log record is sampled. */
  record Pending(RequestLedger ledger, long intendedNanos, boolean knownUser, boolean logSampled) {}

  private record LogExpected(RequestLedger ledger, boolean knownUser) {}

  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Map<String, LogExpected> logExpected = new ConcurrentHashMap<>();
  private final AtomicLong unmatched = new AtomicLong();
  private final AtomicLong unreadable = new AtomicLong();
  private final AtomicLong logRecords = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final KafkaConsumer<byte[], byte[]> responses;
  private final KafkaConsumer<byte[], byte[]> logs;
  private final Thread responseThread;
  private final Thread logThread;

  ResponseMatcher(String bootstrapServers) {
    this(bootstrapServers, "");
  }

  /** Reads {@code rec-responses} and {@code prediction-log} with {@code topicPrefix} before their names. */
  ResponseMatcher(String bootstrapServers, String topicPrefix) {
    responses = consumerAtEnd(bootstrapServers, topicPrefix + Topics.REC_RESPONSES.name());
    logs = consumerAtEnd(bootstrapServers, topicPrefix + Topics.PREDICTION_LOG.name());
    responseThread = new Thread(this::pollResponses, "bench-responses");
    responseThread.setDaemon(true);
    logThread = new Thread(this::pollLogs, "bench-prediction-log");
    logThread.setDaemon(true);
    responseThread.start();
    logThread.start();
  }

  /** Registers a request just before it is sent. */
  void expect(String requestId, Pending p) {
    pending.put(requestId, p);
    if (p.logSampled()) {
      logExpected.put(requestId, new LogExpected(p.ledger(), p.knownUser()));
    }
  }

  /**
   * Takes the requests of {@code ledger} still without a response out of the book (a response arriving later is
   * counted as unmatched) and returns their intended send times.
   */
  List<Long> takeUnanswered(RequestLedger ledger) {
    List<Long> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Pending> e = it.next();
      if (e.getValue().ledger() == ledger && pending.remove(e.getKey(), e.getValue())) {
        out.add(e.getValue().intendedNanos());
      }
    }
    return out;
  }

  /** Sampled prediction-log records of {@code ledger} not seen yet. */
  long logOutstanding(RequestLedger ledger) {
    return logExpected.values().stream().filter(l -> l.ledger() == ledger).count();
  }

  /** Forgets the log samples of {@code ledger} not seen yet. */
  void dropLogSamples(RequestLedger ledger) {
    logExpected.values().removeIf(l -> l.ledger() == ledger);
  }

  /** Responses that matched no outstanding request (late after their step was closed, duplicates, others'). */
  long unmatched() {
    return unmatched.get();
  }

  long unreadable() {
    return unreadable.get();
  }

  long logRecords() {
    return logRecords.get();
  }

  private void pollResponses() {
    try {
      while (running.get()) {
        ConsumerRecords<byte[], byte[]> records = responses.poll(Duration.ofMillis(50));
        long now = System.nanoTime();
        for (ConsumerRecord<byte[], byte[]> record : records) {
          RecResponse r;
          try {
            r = Json.read(record.value(), RecResponse.class);
          } catch (RuntimeException e) {
            unreadable.incrementAndGet();
            continue;
          }
          Pending p = r.requestId() == null ? null : pending.remove(r.requestId());
          if (p == null) {
            unmatched.incrementAndGet();
          } else {
            p.ledger().answered(p.intendedNanos(), now, r);
          }
        }
      }
    } catch (WakeupException closing) {
      // closing
    } finally {
      responses.close(Duration.ofSeconds(5));
    }
  }

  private void pollLogs() {
    try {
      while (running.get()) {
        for (ConsumerRecord<byte[], byte[]> record : logs.poll(Duration.ofMillis(100))) {
          logRecords.incrementAndGet();
          if (record.key() == null) {
            continue;
          }
          LogExpected expected = logExpected.remove(new String(record.key(), StandardCharsets.UTF_8));
          if (expected == null) {
            continue; // not sampled
          }
          try {
            JsonNode log = Json.MAPPER.readTree(record.value());
            Map<String, Integer> candidates = new LinkedHashMap<>();
            log.path("candidates").fields().forEachRemaining(e -> candidates.put(e.getKey(), e.getValue().asInt()));
            // "ranked" = what the ranking stages scored: the first stage's count (the ranker scores its best)
            expected.ledger().logged(log.path("first_stage_scored").asInt(0), candidates, expected.knownUser());
          } catch (java.io.IOException | RuntimeException e) {
            unreadable.incrementAndGet();
          }
        }
      }
    } catch (WakeupException closing) {
      // closing
    } finally {
      logs.close(Duration.ofSeconds(5));
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumerAtEnd(String bootstrapServers, String topic) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, String.valueOf(KafkaIO.LOW_LATENCY_FETCH_MAX_WAIT_MS));
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c);
    List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(info -> new TopicPartition(info.topic(), info.partition()))
        .toList();
    if (partitions.isEmpty()) {
      consumer.close();
      throw new IllegalStateException("topic " + topic + " does not exist");
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end now, before any request goes out
    return consumer;
  }

  @Override
  public void close() {
    running.set(false);
    responses.wakeup();
    logs.wakeup();
    try {
      responseThread.join(10_000);
      logThread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
