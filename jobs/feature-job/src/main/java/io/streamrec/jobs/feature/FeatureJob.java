package io.streamrec.jobs.feature;

import io.streamrec.core.contract.Contracts;
import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.Topics;
import io.streamrec.core.features.TrendingFeatures;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.jobs.common.FeatureStoreSink;
import io.streamrec.jobs.common.JobConfig;
import io.streamrec.jobs.common.KafkaIO;
import io.streamrec.jobs.common.OutRecord;
import io.streamrec.jobs.common.ParseOrDeadLetter;
import io.streamrec.jobs.common.RawRecord;
import io.streamrec.jobs.common.StoreWriter;
import io.streamrec.jobs.common.StreamInput;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.time.Time;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;

/**
 * The feature job: interactions → features in the online store.
 *
 * <p>Today it computes "trending in region" (decayed purchase counts per item per region, exact top-N per region)
 * and writes each region's list to the store whenever it changes. Records that break the contract go to
 * {@code dead-letters}.
 *
 * <pre>
 *   interactions ─► parse ─► watermarks ─► per region ─► TrendingByRegion ─► feature store
 *                     └──► dead letters ─► Kafka
 * </pre>
 */
public final class FeatureJob {

  public static final String NAME = "streamrec-features";

  private final JobConfig config;
  private final StreamInput<RawRecord> interactions;
  private final Sink<OutRecord> kafkaOut;
  private final SinkFunction<TrendingUpdate> trendingStore;
  private final TrendingFeatures trending;

  public FeatureJob(JobConfig config, StreamInput<RawRecord> interactions, Sink<OutRecord> kafkaOut,
      SinkFunction<TrendingUpdate> trendingStore, TrendingFeatures trending) {
    this.config = config;
    this.interactions = interactions;
    this.kafkaOut = kafkaOut;
    this.trendingStore = trendingStore;
    this.trending = trending;
  }

  /** The production wiring: Kafka in and out, the configured feature store. */
  public static FeatureJob withKafka(JobConfig config) {
    TrendingFeatures trending = TrendingFeatures.defaults();
    return new FeatureJob(
        config,
        KafkaIO.input(config, Topics.INTERACTIONS, NAME, KafkaIO.Profile.THROUGHPUT),
        KafkaIO.output(config, KafkaIO.Profile.THROUGHPUT),
        new FeatureStoreSink<>(config.featureStore(), new TrendingWriter(trending)),
        trending);
  }

  /** Adds the job's operators to {@code env}. */
  public void build(StreamExecutionEnvironment env) {
    env.getConfig().setGlobalJobParameters(config.asGlobalParameters());

    SingleOutputStreamOperator<Interaction> parsed =
        interactions.open(env)
            .process(new ParseOrDeadLetter<>(Contracts.INTERACTIONS, NAME, config))
            .name("parse interactions")
            .uid("parse-interactions");

    DataStream<Interaction> timed =
        parsed.assignTimestampsAndWatermarks(
                WatermarkStrategy.<Interaction>forBoundedOutOfOrderness(Duration.ofSeconds(10))
                    .withTimestampAssigner((i, kafkaTs) -> i.ts)
                    .withIdleness(Duration.ofMinutes(1)))
            .name("event time")
            .uid("watermarks-interactions");

    timed
        .flatMap(new ToRegionEvents(trending))
        .name("purchases per region")
        .uid("region-events")
        .keyBy(e -> e.region)
        .process(new TrendingByRegion(trending, Time.days(90)))
        .name("trending by region")
        .uid("trending-by-region")
        .addSink(trendingStore)
        .name("feature store: trending")
        .uid("store-trending");

    parsed.getSideOutput(ParseOrDeadLetter.DIRECT_OUT)
        .sinkTo(kafkaOut)
        .name("kafka: dead letters")
        .uid("kafka-out");
  }

  public JobClient executeAsync(StreamExecutionEnvironment env) throws Exception {
    build(env);
    return env.executeAsync(NAME);
  }

  public static void main(String[] args) throws Exception {
    JobConfig config = JobConfig.fromArgs(args);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    withKafka(config).build(env);
    env.execute(NAME);
  }

  /** Each counted interaction contributes to its region's list and to the global list. */
  static final class ToRegionEvents
      implements org.apache.flink.api.common.functions.FlatMapFunction<Interaction, RegionEvent> {
    private static final long serialVersionUID = 1L;
    private final TrendingFeatures trending;

    ToRegionEvents(TrendingFeatures trending) {
      this.trending = trending;
    }

    @Override
    public void flatMap(Interaction i, org.apache.flink.util.Collector<RegionEvent> out) {
      double w = trending.weight(i.type);
      if (w <= 0) {
        return;
      }
      for (String region : trending.regionsOf(i.region)) {
        out.collect(RegionEvent.of(region, i.itemId, w, i.ts));
      }
    }
  }

  /** Writes a region's board to its trending record. */
  public static final class TrendingWriter implements StoreWriter<TrendingUpdate> {
    private static final long serialVersionUID = 1L;
    private final TrendingFeatures trending;

    public TrendingWriter(TrendingFeatures trending) {
      this.trending = trending;
    }

    @Override
    public FeatureKey key(TrendingUpdate u) {
      return TrendingFeatures.key(u.region);
    }

    @Override
    public Map<String, Object> bins(TrendingUpdate u) {
      return trending.toBins(u.board, u.updatedAt);
    }

    @Override
    public long version(TrendingUpdate u) {
      return u.updatedAt;
    }

    @Override
    public Duration ttl(TrendingUpdate u) {
      return Duration.ZERO;
    }
  }
}
