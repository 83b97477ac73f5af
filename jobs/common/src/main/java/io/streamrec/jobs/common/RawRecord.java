package io.streamrec.jobs.common;

/**
 * A Kafka record exactly as consumed, before parsing: parsing happens in an operator of its own so that a bad
 * record becomes a dead letter that names its topic, partition and offset instead of failing the source.
 */
public final class RawRecord {
  public String topic;
  public int partition;
  public long offset;
  /** Kafka record timestamp, epoch millis. */
  public long timestamp;
  public byte[] key;
  public byte[] value;

  public RawRecord() {}

  public static RawRecord of(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
    RawRecord r = new RawRecord();
    r.topic = topic;
    r.partition = partition;
    r.offset = offset;
    r.timestamp = timestamp;
    r.key = key;
    r.value = value;
    return r;
  }

  @Override
  public String toString() {
    return topic + "-" + partition + "@" + offset;
  }
}
