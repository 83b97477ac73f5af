package io.streamrec.launcher;

import io.streamrec.jobs.common.KafkaIO;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a job's consumer group is behind a topic, from the offsets Flink commits on each checkpoint. Used to
 * tell when a replay has been fully processed.
 */
public final class ConsumerLag implements AutoCloseable {
  private final Admin admin;

  public ConsumerLag(String bootstrapServers) {
    this(KafkaIO.clientProperties(bootstrapServers));
  }

  /** @param client bootstrap.servers and the job's client properties ({@code KafkaIO.clientProperties}) */
  public ConsumerLag(Properties client) {
    admin = Admin.create(client);
  }

  /** Records of {@code topic} not yet committed by {@code groupId}; a partition never committed counts whole. */
  public long lag(String groupId, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    var partitions =
        admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
            .partitions().stream()
            .map(info -> new TopicPartition(topic, info.partition()))
            .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
        admin.listOffsets(partitions).all().get(30, TimeUnit.SECONDS);
    long lag = 0;
    for (var e : ends.entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      lag += e.getValue().offset() - (c == null ? 0 : c.offset());
    }
    return lag;
  }

  @Override
  public void close() {
    admin.close();
  }
}
