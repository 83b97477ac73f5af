package io.streamrec.jobs.feature;

import io.streamrec.core.contract.Contracts;
import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.contract.Topics;
import io.streamrec.core.contract.User;
import io.streamrec.core.features.EnrichedInteraction;
import io.streamrec.core.features.ItemFeatureState;
import io.streamrec.core.features.TrendingFeatures;
import io.streamrec.core.features.UserFeatureState;
import io.streamrec.jobs.common.JobConfig;
import io.streamrec.jobs.common.KafkaIO;
import io.streamrec.jobs.common.OutRecord;
import io.streamrec.jobs.common.ParseOrDeadLetter;
import io.streamrec.jobs.common.RawRecord;
import io.streamrec.jobs.common.StreamInput;
import io.streamrec.jobs.common.store.FeatureStoreSink;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.time.Time;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * The feature job: interactions, items and users → user and item features and "trending in region" in the online
 * store. The feature definitions live in udfs-core ({@code UserFeatureState}, {@code ItemFeatureState},
 * {@code TrendingFeatures}); this class only wires them into a streaming topology.
 *
 * <pre>
 *   items ────────► parse ─┐
 *   interactions ─► parse ─┴► by item: catalog + item stats ──► store (item)
 *                                │ enriched interactions
 *   users ────────► parse ─┐     ▼
 *                          └► by user: profile + user features ─► store (user)
 *   interactions ─► purchases per region ─► by region: trending ──► store (trending)
 *   every parse ──► dead letters ─► Kafka
 * </pre>
 *
 * <p>Event time with bounded out-of-orderness ({@link Settings#outOfOrderness}) and idleness, so a quiet topic
 * (items, users) does not hold the watermark back. Features are counted in time buckets, so late events are still
 * applied while their bucket is kept, and counted in {@code lateEvents}. Each key's state is written to the store at
 * most once per {@link Settings#flushInterval}.
 */
public final class FeatureJob {

  public static final String NAME = "streamrec-features";

  /** Tuning with defaults. */
  public record Settings(Duration outOfOrderness, Duration idleness, Duration flushInterval, Duration userStateTtl,
      Duration itemStateTtl, int maxRegions) {
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMillis(200),
          Duration.ofDays(30), Duration.ofDays(365), RegionBound.DEFAULT_MAX_REGIONS);
    }
  }

  private final JobConfig config;
  private final Settings settings;
  private final StreamInput<RawRecord> interactions;
  private final StreamInput<RawRecord> items;
  private final StreamInput<RawRecord> users;
  private final Sink<OutRecord> kafkaOut;
  private final Sinks sinks;
  private final TrendingFeatures trending;

  /** Where features go: one sink per kind of record, so tests can replace any of them. */
  public record Sinks(Sink<UserFeatureState> users, Sink<ItemFeatureState> items, Sink<TrendingUpdate> trending,
      Sink<TrendingUpdate> fresh) {

    /** The production sinks: the configured feature store, batched and asynchronous. */
    public static Sinks featureStore(JobConfig config, TrendingFeatures trending) {
      return new Sinks(
          FeatureStoreSink.builder(config.featureStore(), new StoreWrites.Users()).build(),
          FeatureStoreSink.builder(config.featureStore(), new StoreWrites.Items()).build(),
          FeatureStoreSink.builder(config.featureStore(),
              new StoreWrites.Trending(trending, StoreLayout.Trending.SET)).build(),
          FeatureStoreSink.builder(config.featureStore(),
              new StoreWrites.Trending(TrendingFeatures.fresh(), StoreLayout.Fresh.SET)).build());
    }
  }

  public FeatureJob(JobConfig config, Settings settings, StreamInput<RawRecord> interactions,
      StreamInput<RawRecord> items, StreamInput<RawRecord> users, Sink<OutRecord> kafkaOut, Sinks sinks,
      TrendingFeatures trending) {
    this.config = config;
    this.settings = settings;
    this.interactions = interactions;
    this.items = items;
    this.users = users;
    this.kafkaOut = kafkaOut;
    this.sinks = sinks;
    this.trending = trending;
  }

  /** The production wiring: Kafka in and out, the configured feature store. */
  public static FeatureJob withKafka(JobConfig config) {
    TrendingFeatures trending = TrendingFeatures.defaults();
    return new FeatureJob(
        config,
        Settings.defaults(),
        KafkaIO.input(config, Topics.INTERACTIONS, NAME, KafkaIO.Profile.THROUGHPUT),
        KafkaIO.input(config, Topics.ITEMS, NAME, KafkaIO.Profile.THROUGHPUT),
        KafkaIO.input(config, Topics.USERS, NAME, KafkaIO.Profile.THROUGHPUT),
        KafkaIO.output(config, KafkaIO.Profile.THROUGHPUT),
        Sinks.featureStore(config, trending),
        trending);
  }

  private <T> WatermarkStrategy<T> eventTime(SerializableTimestampAssigner<T> eventTs) {
    return WatermarkStrategy.<T>forBoundedOutOfOrderness(settings.outOfOrderness())
        .withTimestampAssigner(eventTs)
        .withIdleness(settings.idleness());
  }

  /** Adds the job's operators to {@code env}. */
  public void build(StreamExecutionEnvironment env) {
    env.getConfig().setGlobalJobParameters(config.asGlobalParameters());
    // Safe here, and measured to matter (docs/benchmarks.md): no function keeps or mutates a record after
    // emitting it, and the store sinks convert each element to a write synchronously inside write(). The live
    // feature states handed to the sinks are therefore never copied between chained operators.
    env.getConfig().enableObjectReuse();
    long flushMs = settings.flushInterval().toMillis();

    SingleOutputStreamOperator<Interaction> parsedInteractions = interactions.open(env)
        .process(new ParseOrDeadLetter<>(Contracts.INTERACTIONS, NAME, config, FeatureStateTypes.INTERACTIONS))
        .name("parse interactions").uid("parse-interactions");
    SingleOutputStreamOperator<Item> parsedItems = items.open(env)
        .process(new ParseOrDeadLetter<>(Contracts.ITEMS, NAME, config))
        .name("parse items").uid("parse-items");
    SingleOutputStreamOperator<User> parsedUsers = users.open(env)
        .process(new ParseOrDeadLetter<>(Contracts.USERS, NAME, config))
        .name("parse users").uid("parse-users");

    DataStream<Interaction> timedInteractions = parsedInteractions
        .assignTimestampsAndWatermarks(this.<Interaction>eventTime((i, kafkaTs) -> i.ts))
        .name("event time: interactions").uid("watermarks-interactions");
    DataStream<Item> timedItems = parsedItems
        .assignTimestampsAndWatermarks(this.<Item>eventTime((i, kafkaTs) -> i.ts))
        .name("event time: items").uid("watermarks-items");
    DataStream<User> timedUsers = parsedUsers
        .assignTimestampsAndWatermarks(this.<User>eventTime((u, kafkaTs) -> u.ts))
        .name("event time: users").uid("watermarks-users");

    SingleOutputStreamOperator<EnrichedInteraction> enriched = timedItems
        .connect(timedInteractions)
        .keyBy(i -> i.itemId, i -> i.itemId)
        .process(new ItemFeaturesFn(flushMs, ttl(settings.itemStateTtl()), settings.maxRegions()),
            FeatureStateTypes.ENRICHED)
        .name("item features").uid("item-features");
    enriched.getSideOutput(ItemFeaturesFn.ITEM_STATES)
        .sinkTo(sinks.items()).name("feature store: items").uid("store-items");

    timedUsers
        .connect(enriched)
        .keyBy(u -> u.userId, e -> e.interaction.userId)
        .process(new UserFeaturesFn(flushMs, ttl(settings.userStateTtl())), FeatureStateTypes.USERS)
        .name("user features").uid("user-features")
        .sinkTo(sinks.users()).name("feature store: users").uid("store-users");

    // The newest items per region (item cold start): each item enters its regions' boards once, when first listed.
    enriched.getSideOutput(ItemFeaturesFn.NEW_ITEMS)
        .keyBy(e -> e.region)
        .process(new TrendingByRegion(TrendingFeatures.fresh(), Time.days(30), flushMs))
        .name("new items by region").uid("fresh-by-region")
        .sinkTo(sinks.fresh()).name("feature store: new items").uid("store-fresh");

    // From the de-duplicated stream, so a re-sent purchase does not count twice in trending either.
    enriched
        .flatMap(new ToRegionEvents(trending, settings.maxRegions())).name("purchases per region").uid("region-events")
        .keyBy(e -> e.region)
        .process(new TrendingByRegion(trending, Time.days(90), flushMs))
        .name("trending by region").uid("trending-by-region")
        .sinkTo(sinks.trending()).name("feature store: trending").uid("store-trending");

    parsedInteractions.getSideOutput(ParseOrDeadLetter.DIRECT_OUT)
        .union(parsedItems.getSideOutput(ParseOrDeadLetter.DIRECT_OUT),
            parsedUsers.getSideOutput(ParseOrDeadLetter.DIRECT_OUT))
        .sinkTo(kafkaOut).name("kafka: dead letters").uid("kafka-out");
  }

  private static Time ttl(Duration d) {
    return Time.milliseconds(d.toMillis());
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

  /**
   * Each counted interaction contributes to its region's list and to the global list; regions past the
   * {@link RegionBound} only to the global one ({@code regionsOverBound} counts those events).
   */
  static final class ToRegionEvents extends RichFlatMapFunction<EnrichedInteraction, RegionEvent> {
    private static final long serialVersionUID = 1L;
    private final TrendingFeatures trending;
    private final RegionBound regions;
    private transient Counter overBound;

    ToRegionEvents(TrendingFeatures trending, int maxRegions) {
      this.trending = trending;
      this.regions = new RegionBound(maxRegions);
    }

    @Override
    public void open(Configuration parameters) {
      overBound = getRuntimeContext().getMetricGroup().counter("regionsOverBound");
    }

    @Override
    public void flatMap(EnrichedInteraction e, Collector<RegionEvent> out) {
      Interaction i = e.interaction;
      double w = trending.weight(i.type);
      if (w <= 0) {
        return;
      }
      for (String region : trending.regionsOf(i.region)) {
        if (regions.admit(region)) {
          out.collect(RegionEvent.of(region, i.itemId, w, i.ts));
        } else {
          overBound.inc();
        }
      }
    }
  }
}
