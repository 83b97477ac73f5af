package io.streamrec.jobs.traininglog;

import io.streamrec.core.contract.Contracts;
import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.PredictionLog;
import io.streamrec.core.contract.Topics;
import io.streamrec.core.training.TrainingLogSettings;
import io.streamrec.jobs.common.JobConfig;
import io.streamrec.jobs.common.KafkaIO;
import io.streamrec.jobs.common.OutRecord;
import io.streamrec.jobs.common.ParseOrDeadLetter;
import io.streamrec.jobs.common.RawRecord;
import io.streamrec.jobs.common.StreamInput;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The training-log job: the prediction log joined with the later interactions of the same user into labelled
 * examples, on {@code training-examples} and in files (DESIGN §1: "prediction log + interactions ──► training-log
 * job ──► labelled examples ──► trainer"). The examples carry exactly the features the ranker saw when it scored the
 * item, from the prediction log, so training data is point-in-time correct without recomputing anything.
 *
 * <pre>
 *   prediction-log ─► parse ─► event time ──────────────────────┐
 *   interactions ───► parse ─► event time ─► positive types ────┴► by user: label join ─┬► training-examples (Kafka)
 *   every parse ──► dead letters ─► Kafka                                               └► files (dt=day, JSON lines)
 * </pre>
 *
 * <p>The join and its lateness rules: {@link LabelJoinFn}; the labelling rules: {@code UserLabels}. Event time with
 * bounded out-of-orderness ({@code --out-of-orderness}) and idleness, so a quiet topic does not hold the watermark
 * back. The files are committed on checkpoints ({@link ExampleFiles}); the Kafka topic is at-least-once like every
 * other output (consumers key on request_id + item_id).
 */
public final class TrainingLogJob {

  public static final String NAME = "streamrec-training-log";
  private static final Duration IDLENESS = Duration.ofMinutes(1);

  private final JobConfig config;
  private final TrainingLogSettings settings;
  private final StreamInput<RawRecord> predictionLog;
  private final StreamInput<RawRecord> interactions;
  private final Sink<OutRecord> kafkaOut;
  private final Sink<ExampleLine> files;

  public TrainingLogJob(JobConfig config, TrainingLogSettings settings, StreamInput<RawRecord> predictionLog,
      StreamInput<RawRecord> interactions, Sink<OutRecord> kafkaOut, Sink<ExampleLine> files) {
    this.config = config;
    this.settings = settings;
    this.predictionLog = predictionLog;
    this.interactions = interactions;
    this.kafkaOut = kafkaOut;
    this.files = files;
  }

  /** The production wiring: Kafka in and out, files under {@code --examples-dir}. */
  public static TrainingLogJob withKafka(JobConfig config, TrainingLogSettings settings) {
    return new TrainingLogJob(
        config,
        settings,
        KafkaIO.input(config, Topics.PREDICTION_LOG, NAME, KafkaIO.Profile.THROUGHPUT),
        KafkaIO.input(config, Topics.INTERACTIONS, NAME, KafkaIO.Profile.THROUGHPUT),
        KafkaIO.output(config, KafkaIO.Profile.THROUGHPUT),
        ExampleFiles.sink(settings.examplesDir()));
  }

  private <T> WatermarkStrategy<T> eventTime(SerializableTimestampAssigner<T> eventTs) {
    return WatermarkStrategy.<T>forBoundedOutOfOrderness(Duration.ofMillis(settings.outOfOrdernessMs()))
        .withTimestampAssigner(eventTs)
        .withIdleness(IDLENESS);
  }

  /** Adds the job's operators to {@code env}. */
  public void build(StreamExecutionEnvironment env) {
    Map<String, String> shown = new LinkedHashMap<>(config.toMap());
    shown.putAll(settings.toMap());
    env.getConfig().setGlobalJobParameters(ParameterTool.fromMap(shown));

    SingleOutputStreamOperator<PredictionLog> parsedLogs = predictionLog.open(env)
        .process(new ParseOrDeadLetter<>(Contracts.PREDICTION_LOG, NAME, config, TrainingLogTypes.PREDICTION_LOGS))
        .name("parse prediction log").uid("parse-prediction-log");
    SingleOutputStreamOperator<Interaction> parsedInteractions = interactions.open(env)
        .process(new ParseOrDeadLetter<>(Contracts.INTERACTIONS, NAME, config, TrainingLogTypes.INTERACTIONS))
        .name("parse interactions").uid("parse-interactions");

    DataStream<PredictionLog> timedLogs = parsedLogs
        .assignTimestampsAndWatermarks(this.<PredictionLog>eventTime((l, kafkaTs) -> l.ts()))
        .name("event time: prediction log").uid("watermarks-prediction-log");
    // Watermarks from every interaction, then only the positive ones cross the exchange.
    DataStream<Interaction> positives = parsedInteractions
        .assignTimestampsAndWatermarks(this.<Interaction>eventTime((i, kafkaTs) -> i.ts))
        .name("event time: interactions").uid("watermarks-interactions")
        .filter(new PositiveTypes(settings)).name("positive types").uid("positive-types");

    SingleOutputStreamOperator<ExampleLine> examples = timedLogs
        .connect(positives)
        .keyBy(l -> l.userId(), i -> i.userId)
        .process(new LabelJoinFn(settings), TypeInformation.of(ExampleLine.class))
        .name("label join").uid("label-join");

    examples.sinkTo(files).name("files: training examples").uid("files-examples");

    String topic = config.topic(Topics.TRAINING_EXAMPLES);
    examples.map(new ToKafka(topic)).name("to Kafka records").uid("examples-to-kafka")
        .union(parsedLogs.getSideOutput(ParseOrDeadLetter.DIRECT_OUT),
            parsedInteractions.getSideOutput(ParseOrDeadLetter.DIRECT_OUT))
        .sinkTo(kafkaOut).name("kafka: training examples, dead letters").uid("kafka-out");
  }

  public JobClient executeAsync(StreamExecutionEnvironment env) throws Exception {
    build(env);
    return env.executeAsync(NAME);
  }

  public static void main(String[] args) throws Exception {
    JobConfig config = JobConfig.fromArgs(args);
    TrainingLogSettings settings = TrainingLogSettings.fromArgs(args);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    withKafka(config, settings).build(env);
    env.execute(NAME);
  }

  static final class PositiveTypes implements FilterFunction<Interaction> {
    private static final long serialVersionUID = 1L;
    private final TrainingLogSettings settings;

    PositiveTypes(TrainingLogSettings settings) {
      this.settings = settings;
    }

    @Override
    public boolean filter(Interaction i) {
      return settings.isPositive(i.type);
    }
  }

  static final class ToKafka implements MapFunction<ExampleLine, OutRecord> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    ToKafka(String topic) {
      this.topic = topic;
    }

    @Override
    public OutRecord map(ExampleLine line) {
      OutRecord r = new OutRecord();
      r.topic = topic;
      r.key = line.userId.getBytes(StandardCharsets.UTF_8);
      r.value = line.json.getBytes(StandardCharsets.UTF_8);
      return r;
    }
  }
}
