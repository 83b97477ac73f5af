package io.streamrec.jobs.common;

import io.streamrec.core.contract.Json;
import java.nio.charset.StandardCharsets;

/**
 * A record on its way to Kafka, already in wire form. Every job output (responses, dead letters, error responses,
 * prediction log) travels as one of these to one sink, which writes it to {@link #topic}.
 */
public final class OutRecord {
  public String topic;
  public byte[] key;
  public byte[] value;

  public OutRecord() {}

  public static OutRecord of(String topic, String key, Object record) {
    OutRecord r = new OutRecord();
    r.topic = topic;
    r.key = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    r.value = Json.write(record);
    return r;
  }

  @Override
  public String toString() {
    return topic + ": " + new String(value, StandardCharsets.UTF_8);
  }
}
