package io.streamrec.jobs.serving;

import io.streamrec.core.contract.Contracts;
import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.RecRequest;
import io.streamrec.core.contract.Topics;
import io.streamrec.jobs.common.JobConfig;
import io.streamrec.jobs.common.KafkaIO;
import io.streamrec.jobs.common.OutRecord;
import io.streamrec.jobs.common.ParseOrDeadLetter;
import io.streamrec.jobs.common.RawRecord;
import io.streamrec.jobs.common.StreamInput;
import java.time.Duration;
import org.slf4j.LoggerFactory;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.statefun.flink.core.StatefulFunctionsConfig;
import org.apache.flink.statefun.flink.core.message.MessageFactoryType;
import org.apache.flink.statefun.flink.core.message.RoutableMessage;
import org.apache.flink.statefun.flink.core.message.RoutableMessageBuilder;
import org.apache.flink.statefun.flink.datastream.SerializableStatefulFunctionProvider;
import org.apache.flink.statefun.flink.datastream.StatefulFunctionDataStreamBuilder;
import org.apache.flink.statefun.flink.datastream.StatefulFunctionEgressStreams;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The serving job: a Stateful Functions pipeline keyed by user.
 *
 * <pre>
 *   rec-requests ─► parse ─┐                                   ┌─► rec-responses, prediction-log
 *   interactions ─► parse ─┴─► user-session (StateFun, by user) ┼─► serving metrics (web UI)
 *        └──────────┴──► dead letters, error responses ─────────┴─► Kafka
 * </pre>
 *
 * <p>Requests and interactions meet in the same function instance, so an interaction changes the very next
 * response. Each request runs the {@code RecommendationPipeline} (user tower, multi-source retrieval, filters,
 * ranking) as an asynchronous operation on a bounded pool, within its deadline. Serving favours latency: buffer timeout 0 and a consumer that does not wait for full fetches.
 */
public final class ServingJob {

  public static final String NAME = "streamrec-serving";
  /** The name of the {@link #echo} job. */
  public static final String ECHO_NAME = "streamrec-serving-echo";
  /** Flushing network buffers per record: responses must not wait for a buffer to fill. */
  public static final long DEFAULT_BUFFER_TIMEOUT_MS = 0;
  /** A served item is not shown again to the same user for this long. */
  public static final Duration SERVED_WINDOW = Duration.ofMinutes(30);

  private final JobConfig config;
  private final StreamInput<RawRecord> requests;
  private final StreamInput<RawRecord> interactions;
  private final Sink<OutRecord> kafkaOut;
  private final boolean echo;

  public ServingJob(JobConfig config, StreamInput<RawRecord> requests, StreamInput<RawRecord> interactions,
      Sink<OutRecord> kafkaOut) {
    this(config, requests, interactions, kafkaOut, false);
  }

  private ServingJob(JobConfig config, StreamInput<RawRecord> requests, StreamInput<RawRecord> interactions,
      Sink<OutRecord> kafkaOut, boolean echo) {
    this.config = config;
    this.requests = requests;
    this.interactions = interactions;
    this.kafkaOut = kafkaOut;
    this.echo = echo;
  }

  public static ServingJob withKafka(JobConfig config) {
    return new ServingJob(
        config,
        KafkaIO.input(config, Topics.REC_REQUESTS, NAME, KafkaIO.Profile.LOW_LATENCY),
        KafkaIO.input(config, Topics.INTERACTIONS, NAME, KafkaIO.Profile.LOW_LATENCY),
        KafkaIO.output(config, KafkaIO.Profile.LOW_LATENCY));
  }

  /**
   * The serving job's floor: the same Kafka sources, parsers, router, StateFun runtime and Kafka sink, with a
   * function that answers each request at once with an empty response ({@link EchoFn}: no session, store, index or
   * model). What it costs per request is what Kafka, Flink and StateFun cost; the serving job's cost above it is
   * the pipeline's. Its consumer group is its own ({@value #ECHO_NAME}).
   */
  public static ServingJob echo(JobConfig config) {
    return echo(config,
        KafkaIO.input(config, Topics.REC_REQUESTS, ECHO_NAME, KafkaIO.Profile.LOW_LATENCY),
        KafkaIO.input(config, Topics.INTERACTIONS, ECHO_NAME, KafkaIO.Profile.LOW_LATENCY),
        KafkaIO.output(config, KafkaIO.Profile.LOW_LATENCY));
  }

  /** {@link #echo(JobConfig)} on other inputs and another sink. */
  public static ServingJob echo(JobConfig config, StreamInput<RawRecord> requests,
      StreamInput<RawRecord> interactions, Sink<OutRecord> kafkaOut) {
    return new ServingJob(config, requests, interactions, kafkaOut, true);
  }

  /** The job's name: {@value #NAME}, or {@value #ECHO_NAME} for the floor. */
  public String name() {
    return echo ? ECHO_NAME : NAME;
  }

  public void build(StreamExecutionEnvironment env) {
    env.getConfig().setGlobalJobParameters(config.asGlobalParameters());
    env.setBufferTimeout(config.bufferTimeoutMs(DEFAULT_BUFFER_TIMEOUT_MS));

    SingleOutputStreamOperator<RecRequest> parsedRequests =
        requests.open(env)
            .process(new ParseOrDeadLetter<>(Contracts.REC_REQUESTS, name(), config))
            .name("parse rec-requests")
            .uid("parse-requests");
    SingleOutputStreamOperator<Interaction> parsedInteractions =
        interactions.open(env)
            .process(new ParseOrDeadLetter<>(Contracts.INTERACTIONS, name(), config))
            .name("parse interactions")
            .uid("parse-interactions");

    ServingSpec spec = new ServingSpec(config.featureStore(), config.vectorIndex(), config.modelDir(),
        config.topic(Topics.REC_RESPONSES), config.topic(Topics.PREDICTION_LOG), SERVED_WINDOW,
        Duration.ofSeconds(5));
    // The request router opens the serving resources (store, index, models loaded and warmed) before it passes on
    // the first request, so no request waits for a model to load.
    DataStream<RoutableMessage> requestMessages =
        parsedRequests.map(new ToUser<RecRequest>(r -> r.userId, echo ? null : spec)).name("route requests")
            .uid("route-requests");
    DataStream<RoutableMessage> interactionMessages =
        parsedInteractions.map(new ToUser<Interaction>(i -> i.userId, null))
            .name("route interactions")
            .uid("route-interactions");

    StatefulFunctionsConfig statefun = StatefulFunctionsConfig.fromEnvironment(env);
    statefun.setFlinkJobName(name());
    // Our own JSON payloads instead of StateFun's default Kryo: see ServingPayloadSerializer.
    statefun.setFactoryType(MessageFactoryType.WITH_CUSTOM_PAYLOADS);
    statefun.setCustomPayloadSerializerClassName(ServingPayloadSerializer.class.getName());

    StatefulFunctionEgressStreams out =
        StatefulFunctionDataStreamBuilder.builder("serving")
            .withDataStreamAsIngress(requestMessages)
            .withDataStreamAsIngress(interactionMessages)
            .withFunctionProvider(Identifiers.USER_SESSION, provider(spec))
            .withEgressId(Identifiers.KAFKA_OUT)
            .withEgressId(Identifiers.STATS_OUT)
            .withConfiguration(statefun)
            .build(env);

    out.getDataStreamForEgressId(Identifiers.KAFKA_OUT)
        .union(
            parsedRequests.getSideOutput(ParseOrDeadLetter.DIRECT_OUT),
            parsedInteractions.getSideOutput(ParseOrDeadLetter.DIRECT_OUT))
        .sinkTo(kafkaOut)
        .name("kafka: responses, prediction log, dead letters")
        .uid("kafka-out");
    out.getDataStreamForEgressId(Identifiers.STATS_OUT)
        .addSink(new ServingMetrics())
        .name("serving metrics")
        .uid("serving-metrics");
  }

  public JobClient executeAsync(StreamExecutionEnvironment env) throws Exception {
    build(env);
    return env.executeAsync(name());
  }

  public static void main(String[] args) throws Exception {
    JobConfig config = JobConfig.fromArgs(args);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    withKafka(config).build(env);
    env.execute(NAME);
  }

  /**
   * Addresses a message to the user-session function of its user. With a spec, {@link #open} first opens the
   * task manager's serving resources (loads and warms the models), before any message passes.
   */
  static final class ToUser<T> extends RichMapFunction<T, RoutableMessage> {
    private static final long serialVersionUID = 1L;
    private final UserIdOf<T> userId;
    private final ServingSpec warm;

    ToUser(UserIdOf<T> userId, ServingSpec warm) {
      this.userId = userId;
      this.warm = warm;
    }

    @Override
    public void open(Configuration parameters) {
      if (warm != null) {
        try {
          ServingResources.get(warm);
        } catch (RuntimeException e) {
          // The function opens them again on its first request and answers degraded if that fails too; a backend
          // that is down at start must not fail the job.
          LoggerFactory.getLogger(ServingJob.class).warn("cannot open the serving resources yet: {}", e.toString());
        }
      }
    }

    @Override
    public RoutableMessage map(T message) {
      return RoutableMessageBuilder.builder()
          .withTargetAddress(Identifiers.USER_SESSION, userId.of(message))
          .withMessageBody(message)
          .build();
    }
  }

  @FunctionalInterface
  interface UserIdOf<T> extends java.io.Serializable {
    String of(T message);
  }

  /** The user-session function of this job: {@link UserSessionFn}, or {@link EchoFn} for the floor. */
  private SerializableStatefulFunctionProvider provider(ServingSpec spec) {
    String responseTopic = spec.responseTopic();
    return echo ? type -> new EchoFn(responseTopic) : type -> new UserSessionFn(spec);
  }
}
