package io.streamrec.jobs.common.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureStoreSpec;
import io.streamrec.core.store.FeatureWrite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.restartstrategy.RestartStrategies;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store sink inside a real Flink job, against a store that fails on command. */
class FeatureStoreSinkITCase {

  @RegisterExtension
  static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

  private final String name = "sink-" + System.nanoTime();
  private final FaultyStoreFactory.FaultyStore store = new FaultyStoreFactory.FaultyStore();

  @AfterEach
  void drop() {
    FaultyStoreFactory.STORES.remove(name);
  }

  /** Element n becomes the write of key "k{n}" with bin n. */
  static final class ToWrite implements ElementConverter<Long, FeatureWrite> {
    private static final long serialVersionUID = 1L;

    @Override
    public FeatureWrite apply(Long n, org.apache.flink.api.connector.sink2.SinkWriter.Context context) {
      return FeatureWrite.upsert(new FeatureKey("s", "k" + n), Map.of("n", n), n, Duration.ZERO);
    }
  }

  private void run(int elements, Duration maxRetryTime) throws Exception {
    FaultyStoreFactory.STORES.put(name, store);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    env.setRestartStrategy(RestartStrategies.noRestart());
    List<Long> input = new ArrayList<>();
    for (long n = 0; n < elements; n++) {
      input.add(n);
    }
    env.fromCollection(input).uid("numbers")
        .sinkTo(FeatureStoreSink.builder(FeatureStoreSpec.parse("faulty://" + name), new ToWrite())
            .maxBatchSize(50)
            .backoff(Duration.ofMillis(5), Duration.ofMillis(40))
            .maxRetryTime(maxRetryTime)
            .build())
        .uid("store");
    env.execute("sink test");
  }

  @Test
  void batchesEveryWriteIntoTheStore() throws Exception {
    run(1_000, Duration.ofMinutes(1));
    for (long n = 0; n < 1_000; n += 97) {
      assertThat(store.delegate.get(new FeatureKey("s", "k" + n)).orElseThrow().getLong("n", -1)).isEqualTo(n);
    }
    assertThat(store.delegate.size()).isEqualTo(1_000);
    assertThat(store.writeCalls.get()).as("batched, not one call per write").isLessThan(100);
  }

  @Test
  void retryableFailuresAreRetriedWithBackoffAndNothingIsLost() throws Exception {
    store.failuresLeft.set(5);
    run(300, Duration.ofMinutes(1));
    assertThat(store.delegate.size()).isEqualTo(300);
    assertThat(store.failuresLeft.get()).isZero();
  }

  @Test
  void aNonRetryableFailureFailsTheJobAtOnceWithTheReason() {
    store.retryable = false;
    store.failuresLeft.set(1);
    assertThatThrownBy(() -> run(10, Duration.ofMinutes(1)))
        .satisfies(e -> assertThat(ExceptionUtils.stringifyException(e))
            .contains("feature store write failed").contains("injected failure"));
  }

  @Test
  void aStoreThatKeepsFailingFailsTheJobAfterTheRetryTime() {
    store.failuresLeft.set(Integer.MAX_VALUE);
    long start = System.nanoTime();
    assertThatThrownBy(() -> run(10, Duration.ofMillis(300)))
        .satisfies(e -> assertThat(ExceptionUtils.stringifyException(e)).contains("feature store still failing"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
  }
}
