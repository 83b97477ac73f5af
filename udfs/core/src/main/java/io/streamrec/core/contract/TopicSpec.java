package io.streamrec.core.contract;

import java.util.Objects;

/**
 * A Kafka topic of the system: its name, which field of the record is the Kafka key, and how it is laid out.
 *
 * @param name the topic name (without any deployment prefix)
 * @param keyField the record field used as the Kafka key, so that one entity's records stay ordered
 * @param partitions partition count used when the launcher creates the topic
 * @param compacted whether the topic is log-compacted (latest record per key is the current truth)
 */
public record TopicSpec(String name, String keyField, int partitions, boolean compacted)
    implements java.io.Serializable {

  public TopicSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keyField, "keyField");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
  }

  /** The name this topic has in a deployment that prefixes every topic (e.g. {@code "staging."}). */
  public String nameWithPrefix(String prefix) {
    return prefix == null || prefix.isEmpty() ? name : prefix + name;
  }
}
