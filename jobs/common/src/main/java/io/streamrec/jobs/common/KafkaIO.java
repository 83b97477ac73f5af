package io.streamrec.jobs.common;

import io.streamrec.core.contract.TopicSpec;
import java.util.Properties;
import javax.annotation.Nullable;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Kafka wiring shared by the jobs' {@code main} methods. Topologies never see Kafka types. */
public final class KafkaIO {

  /** Latency profile of a source or sink: the serving path trades a little throughput for milliseconds. */
  public enum Profile {
    THROUGHPUT,
    LOW_LATENCY
  }

  private KafkaIO() {}

  /**
   * How long the broker may hold a low-latency consumer's fetch while no record is there. With
   * {@code fetch.min.bytes} 1 (the default) a fetch is answered as soon as one record arrives, so this bounds only
   * the empty fetches of an idle topic: 5 ms made every idle consumer ask the broker 200 times a second (the
   * demo's profile showed the fetcher threads and the broker busy with empty fetches), 100 ms asks 10 times.
   */
  public static final int LOW_LATENCY_FETCH_MAX_WAIT_MS = 100;

  /**
   * What any Kafka client of a job needs besides its own settings: {@code bootstrap.servers} and the job's client
   * properties ({@code --kafka-properties}, {@code --kafka.*}: TLS, SASL). For admin clients, producers and consumers
   * outside the Flink connectors (the launcher's); the sources and sinks here add them themselves.
   */
  public static Properties clientProperties(JobConfig config) {
    Properties props = config.kafka().clientProperties();
    props.setProperty("bootstrap.servers", config.bootstrapServers());
    return props;
  }

  /** Only {@code bootstrap.servers}: for a client of a local broker without TLS or SASL. */
  public static Properties clientProperties(String bootstrapServers) {
    Properties props = new Properties();
    props.setProperty("bootstrap.servers", bootstrapServers);
    return props;
  }

  /** A source of raw records from one topic; parsing (and dead-lettering) happens downstream. */
  public static StreamInput<RawRecord> input(JobConfig config, TopicSpec topic, String jobName, Profile profile) {
    String name = config.topic(topic);
    return env -> {
      Properties props = new Properties();
      props.setProperty("partition.discovery.interval.ms", "60000");
      if (profile == Profile.LOW_LATENCY) {
        props.setProperty("fetch.max.wait.ms", String.valueOf(LOW_LATENCY_FETCH_MAX_WAIT_MS));
      }
      // The job's own client properties last: they may tune what the profile chose.
      props.putAll(config.kafka().clientProperties());
      KafkaSource<RawRecord> source =
          KafkaSource.<RawRecord>builder()
              .setBootstrapServers(config.bootstrapServers())
              .setTopics(name)
              .setGroupId(config.groupId(jobName))
              .setStartingOffsets(offsets(config.startingOffsets()))
              .setDeserializer(new RawRecordDeserializer())
              .setProperties(props)
              .build();
      return env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka: " + name)
          .uid("source-" + topic.name());
    };
  }

  private static OffsetsInitializer offsets(JobConfig.StartingOffsets starting) {
    return switch (starting) {
      case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
      case EARLIEST -> OffsetsInitializer.earliest();
      case LATEST -> OffsetsInitializer.latest();
    };
  }

  /** The one sink of a job's Kafka outputs; each record names its own topic. */
  public static KafkaSink<OutRecord> output(JobConfig config, Profile profile) {
    Properties props = new Properties();
    props.setProperty("linger.ms", profile == Profile.LOW_LATENCY ? "0" : "5");
    props.setProperty("compression.type", "lz4");
    props.putAll(config.kafka().clientProperties());
    return KafkaSink.<OutRecord>builder()
        .setBootstrapServers(config.bootstrapServers())
        .setKafkaProducerConfig(props)
        .setRecordSerializer(new OutRecordSerializer())
        // At-least-once: a restore may re-send responses and dead letters; consumers key on request_id.
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .build();
  }

  static final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
      out.collect(RawRecord.of(record.topic(), record.partition(), record.offset(), record.timestamp(),
          record.key(), record.value()));
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
      return TypeInformation.of(RawRecord.class);
    }
  }

  static final class OutRecordSerializer implements KafkaRecordSerializationSchema<OutRecord> {
    private static final long serialVersionUID = 1L;

    @Nullable
    @Override
    public ProducerRecord<byte[], byte[]> serialize(OutRecord r, KafkaSinkContext context, Long timestamp) {
      return new ProducerRecord<>(r.topic, null, timestamp, r.key, r.value);
    }
  }
}
