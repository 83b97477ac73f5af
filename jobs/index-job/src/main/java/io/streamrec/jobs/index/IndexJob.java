package io.streamrec.jobs.index;

import io.streamrec.core.contract.Contracts;
import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.Topics;
import io.streamrec.jobs.common.JobConfig;
import io.streamrec.jobs.common.KafkaIO;
import io.streamrec.jobs.common.OutRecord;
import io.streamrec.jobs.common.ParseOrDeadLetter;
import io.streamrec.jobs.common.RawRecord;
import io.streamrec.jobs.common.StreamInput;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The index job: the {@code items} topic → item tower (ONNX Runtime, batched) → the vector index, with filter
 * attributes, kept fresh and rolled over to a new index generation when a new item tower is made current.
 *
 * <pre>
 *   items ─► parse ─► by item: catalog state, change → command ─► item tower ─► index writes ─► outcomes/metrics
 *                      ▲ (broadcast)                               (ordered async) (ordered async)   │ markers
 *   generation control (model registry × index) ──────────────────────────────────────► committer (publish)
 *   parse / failed writes ─► dead letters ─► Kafka
 * </pre>
 *
 * An attribute-only change (an item sells out) updates the index without running the tower; a delete removes the
 * item. Writes complete when searchable, so {@code indexFreshnessLagMs} measures event time → searchable.
 */
public final class IndexJob {
  public static final String NAME = "streamrec-index";

  /**
   * Tuning with defaults.
   *
   * @param controlPoll how often the model registry and the index are compared
   * @param towerBatch most items per item-tower inference
   * @param embedCapacity commands in flight in the embedding stage
   * @param writeCapacity writes in flight to the index (bounds memory; beyond it the job back-pressures)
   * @param maxRetryTime how long a retryable index failure is retried before the job restarts
   * @param stageTimeout a command stuck longer than this in an async stage fails the job (restart from checkpoint)
   */
  public record Settings(Duration controlPoll, int towerBatch, int embedCapacity, int writeCapacity,
      Duration maxRetryTime, Duration stageTimeout) {
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(2), 64, 256, 1_000, Duration.ofSeconds(60), Duration.ofMinutes(5));
    }

    public Settings withControlPoll(Duration d) {
      return new Settings(d, towerBatch, embedCapacity, writeCapacity, maxRetryTime, stageTimeout);
    }
  }

  private final JobConfig config;
  private final Settings settings;
  private final StreamInput<RawRecord> items;
  private final Sink<OutRecord> kafkaOut;

  public IndexJob(JobConfig config, Settings settings, StreamInput<RawRecord> items, Sink<OutRecord> kafkaOut) {
    this.config = config;
    this.settings = settings;
    this.items = items;
    this.kafkaOut = kafkaOut;
  }

  /** The production wiring: Kafka in and out, the configured index and model registry. */
  public static IndexJob withKafka(JobConfig config) {
    return new IndexJob(config, Settings.defaults(),
        KafkaIO.input(config, Topics.ITEMS, NAME, KafkaIO.Profile.THROUGHPUT),
        KafkaIO.output(config, KafkaIO.Profile.THROUGHPUT));
  }

  public void build(StreamExecutionEnvironment env) {
    env.getConfig().setGlobalJobParameters(config.asGlobalParameters());
    long timeoutMs = settings.stageTimeout().toMillis();

    SingleOutputStreamOperator<Item> parsed = items.open(env)
        .process(new ParseOrDeadLetter<>(Contracts.ITEMS, NAME, config))
        .name("parse items").uid("parse-items");

    DataStream<ControlState> control = env
        .addSource(new GenerationControlSource(config.vectorIndex(), config.modelDir(), settings.controlPoll()))
        .setParallelism(1).name("index generations").uid("generation-control");

    SingleOutputStreamOperator<IndexCommand> commands = parsed
        .keyBy(i -> i.itemId)
        .connect(control.broadcast(ItemIndexFn.CONTROL))
        .process(new ItemIndexFn())
        .name("item changes").uid("item-changes");

    SingleOutputStreamOperator<IndexCommand> embedded = AsyncDataStream.orderedWait(commands,
            new EmbedFn(config.modelDir(), settings.towerBatch()), timeoutMs, TimeUnit.MILLISECONDS,
            settings.embedCapacity())
        .name("item tower (ONNX)").uid("item-tower");

    SingleOutputStreamOperator<IndexAck> written = AsyncDataStream.orderedWait(embedded,
            new IndexWriteFn(config.vectorIndex(), settings.maxRetryTime()), timeoutMs, TimeUnit.MILLISECONDS,
            settings.writeCapacity())
        .name("vector index writes").uid("index-writes");

    SingleOutputStreamOperator<IndexAck> outcomes = written
        .process(new IndexAcksFn(config, NAME))
        .name("index outcomes").uid("index-outcomes");

    outcomes.addSink(new GenerationCommitter(config.vectorIndex()))
        .setParallelism(1).name("generation committer").uid("generation-committer");

    parsed.getSideOutput(ParseOrDeadLetter.DIRECT_OUT)
        .union(outcomes.getSideOutput(ParseOrDeadLetter.DIRECT_OUT))
        .sinkTo(kafkaOut).name("kafka: dead letters").uid("kafka-out");
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
}
