package io.streamrec.jobs.feature;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.Json;
import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.features.FeatureReplay;
import io.streamrec.core.features.ItemFeatureState;
import io.streamrec.core.features.TrendingFeatures;
import io.streamrec.core.features.UserFeatureState;
import io.streamrec.core.store.EmbeddedFeatureStore;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureRecord;
import io.streamrec.core.synthetic.SyntheticEvents;
import io.streamrec.jobs.common.JobConfig;
import io.streamrec.jobs.common.OutRecord;
import io.streamrec.jobs.common.RawRecord;
import io.streamrec.jobs.common.StreamInput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.restartstrategy.RestartStrategies;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The feature job fails after a checkpoint, restarts from it and replays the records since; the store must end up
 * exactly as an offline replay of the log computes it — nothing counted twice — and as a run without failure.
 */
class FeatureJobRestoreITCase {

  @RegisterExtension
  static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final long T0 = 1_700_000_000_000L;
  /** Set by the one injected failure; static because the operator instance is rebuilt on restart. */
  private static final AtomicBoolean FAILED = new AtomicBoolean();

  private final String storeName = "restore-" + System.nanoTime();

  @AfterEach
  void clear() {
    EmbeddedFeatureStore.clearShared(storeName);
  }

  @Test
  void aRestartFromACheckpointCountsEveryEventOnce() throws Exception {
    SyntheticEvents log = new SyntheticEvents(SyntheticEvents.Spec.small(7, T0, 3_000));
    List<Interaction> interactions = log.interactionList();
    FAILED.set(false);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    Configuration strict = new Configuration();
    strict.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
    strict.set(PipelineOptions.GENERIC_TYPES, false);
    env.configure(strict);
    env.setParallelism(1);
    env.enableCheckpointing(100);
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(2, 100));

    JobConfig config = JobConfig.fromArgs("--feature-store", "embedded:" + storeName);
    FeatureJob.Settings settings = new FeatureJob.Settings(Duration.ofSeconds(10), Duration.ofSeconds(1),
        Duration.ZERO, Duration.ofDays(30), Duration.ofDays(365), 1_000);
    TrendingFeatures trending = TrendingFeatures.defaults();
    new FeatureJob(config, settings,
        failingOnceAfterACheckpoint(records("interactions", interactions), storeName, log.items()),
        input("items", records("items", log.items())),
        input("users", records("users", log.users())),
        new NoDeadLetters(),
        FeatureJob.Sinks.featureStore(config, trending),
        trending)
        .build(env);
    env.execute("feature job restore test");

    assertThat(FAILED).as("the injected failure happened").isTrue();
    FeatureReplay replay = replay(log, interactions);
    EmbeddedFeatureStore store = EmbeddedFeatureStore.shared(storeName);
    long asOf = interactions.stream().mapToLong(i -> i.ts).max().orElseThrow();
    for (String user : replay.userStates().keySet()) {
      FeatureRecord record = store.get(new FeatureKey(StoreLayout.UserBins.SET, user)).orElseThrow();
      assertThat(UserFeatureState.viewOf(user, record, asOf).asMap()).as("user %s", user)
          .isEqualTo(replay.user(user, asOf).asMap());
    }
    for (String item : replay.itemStates().keySet()) {
      FeatureRecord record = store.get(new FeatureKey(StoreLayout.ItemBins.SET, item)).orElseThrow();
      assertThat(ItemFeatureState.viewOf(item, record, asOf).asMap()).as("item %s", item)
          .isEqualTo(replay.item(item, asOf).asMap());
    }
  }

  private static List<RawRecord> records(String topic, List<?> values) {
    List<RawRecord> out = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      out.add(RawRecord.of(topic, 0, i, 0, null, Json.write(values.get(i))));
    }
    return out;
  }

  private static StreamInput<RawRecord> input(String name, List<RawRecord> records) {
    return env -> env.fromCollection(records).name("test: " + name).uid("test-source-" + name);
  }

  private static StreamInput<RawRecord> failingOnceAfterACheckpoint(List<RawRecord> records, String store,
      List<Item> catalog) {
    List<String> itemIds = catalog.stream().map(i -> i.itemId).toList();
    return env -> env.fromCollection(records).name("test: interactions").uid("test-source-interactions")
        .map(new FailOnceAfterCheckpoint(records.size() / 2, store, new ArrayList<>(itemIds)))
        .name("inject failure").uid("inject-failure");
  }

  /** Throttles the stream (so checkpoints happen mid-way) and fails once, after a completed checkpoint. */
  static final class FailOnceAfterCheckpoint extends RichMapFunction<RawRecord, RawRecord>
      implements CheckpointListener {
    private static final long serialVersionUID = 1L;
    private final int failAfter;
    private final String store;
    private final ArrayList<String> catalog;
    private transient boolean checkpointed;
    private transient int seen;

    FailOnceAfterCheckpoint(int failAfter, String store, ArrayList<String> catalog) {
      this.failAfter = failAfter;
      this.store = store;
      this.catalog = catalog;
    }

    @Override
    public void open(Configuration parameters) throws Exception {
      // Interactions are enriched with the catalog as known when they arrive, and the offline replay applies the
      // catalog first: let the items topic reach the store before the first interaction, as in production where
      // the compacted items topic is long established.
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (countItems() < catalog.size()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("catalog did not reach the store within 30 s: " + countItems());
        }
        Thread.sleep(10);
      }
    }

    private int countItems() {
      List<FeatureKey> keys = new ArrayList<>();
      for (String item : catalog) {
        keys.add(new FeatureKey(StoreLayout.ItemBins.SET, item));
      }
      return EmbeddedFeatureStore.shared(store).getAll(keys).size();
    }

    @Override
    public RawRecord map(RawRecord r) throws Exception {
      if (++seen % 10 == 0) {
        Thread.sleep(1); // pacing the input so that checkpoints complete while records still flow
      }
      if (checkpointed && seen > failAfter && FAILED.compareAndSet(false, true)) {
        throw new IllegalStateException("injected failure after record " + seen);
      }
      return r;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      checkpointed = true;
    }
  }

  /** Fails the test if anything is dead-lettered: every record of the generated log is valid. */
  static final class NoDeadLetters implements Sink<OutRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public SinkWriter<OutRecord> createWriter(InitContext context) {
      return new SinkWriter<>() {
        @Override
        public void write(OutRecord element, Context ctx) {
          throw new AssertionError("unexpected dead letter: " + element);
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }

  /** The generated log, replayed offline the way the job sees it: catalog and profiles first. */
  private static FeatureReplay replay(SyntheticEvents log, List<Interaction> interactions) {
    FeatureReplay replay = new FeatureReplay();
    log.items().forEach(replay::item);
    log.users().forEach(replay::user);
    interactions.forEach(replay::interaction);
    return replay;
  }
}
