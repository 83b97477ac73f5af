package io.streamrec.jobs.common;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Where a job's input comes from. Jobs take these instead of building their sources, so tests hand them finite
 * collections and {@code main} hands them Kafka ({@link KafkaIO#input}).
 */
@FunctionalInterface
public interface StreamInput<T> {
  /** Adds the source to {@code env}; the returned stream must carry a stable uid. */
  DataStream<T> open(StreamExecutionEnvironment env);
}
