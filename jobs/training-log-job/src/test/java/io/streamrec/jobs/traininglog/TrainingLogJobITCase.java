package io.streamrec.jobs.traininglog;

import static io.streamrec.core.training.TrainingFixtures.HOUR;
import static io.streamrec.core.training.TrainingFixtures.MINUTE;
import static io.streamrec.core.training.TrainingFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.Json;
import io.streamrec.core.contract.Topics;
import io.streamrec.core.training.TrainingExample;
import io.streamrec.core.training.TrainingFixtures;
import io.streamrec.core.training.TrainingLogSettings;
import io.streamrec.jobs.common.JobConfig;
import io.streamrec.jobs.common.RawRecord;
import io.streamrec.jobs.common.TestQueues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job on a MiniCluster, with in-JVM inputs: examples reach Kafka's sink as soon as their window closes,
 * but the files only show them once a checkpoint completes.
 */
class TrainingLogJobITCase {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final AtomicLong OFFSETS = new AtomicLong();
  private static MiniCluster cluster;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_PORT, "0");
    cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
        .setNumTaskManagers(1).setNumSlotsPerTaskManager(2).build());
    cluster.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static StreamExecutionEnvironment environment() throws Exception {
    Configuration strict = new Configuration();
    strict.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
    strict.set(PipelineOptions.GENERIC_TYPES, false);
    var rest = cluster.getRestAddress().get();
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createRemoteEnvironment(rest.getHost(), rest.getPort(), strict);
    env.setParallelism(1);
    // Only the checkpoints the test triggers: a periodic one would commit the files before the test looks.
    env.enableCheckpointing(Duration.ofHours(1).toMillis());
    return env;
  }

  private static void send(String queue, String topic, Object value) {
    TestQueues.queue(queue).add(RawRecord.of(topic, 0, OFFSETS.incrementAndGet(), 0, null, Json.write(value)));
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  private static List<Path> files(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static boolean hidden(Path p) {
    return p.getFileName().toString().startsWith(".");
  }

  @Test
  void examplesAreInTheFilesOnlyOnceACheckpointCompletes() throws Exception {
    String name = "tlog-" + System.nanoTime();
    String logs = name + "-logs";
    String events = name + "-events";
    TrainingLogSettings settings = TrainingLogSettings.fromArgs("--label-windows", "purchase=1h",
        "--allowed-lateness", "5m", "--out-of-orderness", "0s", "--examples-dir", dir.toUri().toString());
    JobConfig config = JobConfig.fromArgs();
    JobClient job = new TrainingLogJob(config, settings, TestQueues.input(logs, "prediction-log"),
        TestQueues.input(events, "interactions"), TestQueues.collector(name), ExampleFiles.sink(settings.examplesDir()))
        .executeAsync(environment());
    try {
      send(logs, "prediction-log", TrainingFixtures.log("r1", "u1", T0, List.of("A", "B"), List.of("C")));
      send(events, "interactions", TrainingFixtures.event("u1", "A", InteractionType.PURCHASE, T0 + MINUTE, "r1"));
      TestQueues.queue(logs).add(RawRecord.of("prediction-log", 0, OFFSETS.incrementAndGet(), 0, null,
          "{\"request_id\":".getBytes(StandardCharsets.UTF_8)));
      await("dead letter", () -> TestQueues.collectedText(name).stream().anyMatch(t -> t.contains("malformed")));
      // Event time moves on, on both inputs, with another user's records.
      send(logs, "prediction-log", TrainingFixtures.log("r2", "u2", T0 + 2 * HOUR, List.of("Z"), List.of()));
      send(events, "interactions",
          TrainingFixtures.event("u2", "Z", InteractionType.PURCHASE, T0 + 2 * HOUR, null));

      await("three examples on Kafka", () -> TestQueues.collected(name).stream()
          .filter(r -> r.topic.equals(Topics.TRAINING_EXAMPLES.name())).count() == 3);
      List<TrainingExample> kafka = TestQueues.collected(name).stream()
          .filter(r -> r.topic.equals(Topics.TRAINING_EXAMPLES.name()))
          .map(r -> Json.read(r.value, TrainingExample.class)).toList();
      assertThat(kafka).extracting(TrainingExample::itemId).containsExactlyInAnyOrder("A", "B", "C");
      assertThat(kafka).filteredOn(e -> e.itemId().equals("A")).singleElement()
          .satisfies(e -> assertThat(e.label()).isEqualTo(1));

      Path day = dir.resolve(ExampleFiles.partition(T0));
      await("an in-progress part file", () -> !files(day).isEmpty());
      assertThat(files(dir)).as("nothing committed before a checkpoint").allMatch(TrainingLogJobITCase::hidden);

      cluster.triggerCheckpoint(job.getJobID()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      await("a committed part file", () -> files(day).stream().anyMatch(p -> !hidden(p)));
      List<String> lines = new ArrayList<>();
      for (Path p : files(dir)) {
        if (!hidden(p)) {
          assertThat(p.getFileName().toString()).startsWith(ExampleFiles.PART_PREFIX)
              .endsWith(ExampleFiles.PART_SUFFIX);
          lines.addAll(Files.readAllLines(p));
        }
      }
      assertThat(lines).hasSize(3);
      assertThat(lines.stream().map(l -> Json.read(l.getBytes(StandardCharsets.UTF_8), TrainingExample.class)
          .itemId())).containsExactlyInAnyOrder("A", "B", "C");
    } finally {
      job.cancel().get();
      TestQueues.forget(name);
      TestQueues.forget(logs);
      TestQueues.forget(events);
    }
  }
}
