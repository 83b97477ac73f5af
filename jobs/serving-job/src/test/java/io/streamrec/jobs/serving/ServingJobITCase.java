package io.streamrec.jobs.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.Json;
import io.streamrec.core.contract.PredictionLog;
import io.streamrec.core.contract.RecRequest;
import io.streamrec.core.contract.RecResponse;
import io.streamrec.jobs.common.JobConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole serving job on a MiniCluster — parsers, router, StateFun runtime, the user-session function with the real
 * pipeline (embedded store and index, committed models), the sink — with sources fed by the test and a collecting
 * sink; and its echo floor ({@link ServingJob#echo}) on the same plumbing.
 */
class ServingJobITCase {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
          .build());

  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final long NOW = System.currentTimeMillis();
  private final String name = "serving-it-" + UUID.randomUUID();

  @AfterEach
  void tearDown() {
    ServingWorld.drop(name);
    TestStreams.forget(name + "/requests");
    TestStreams.forget(name + "/interactions");
    TestStreams.forget(name);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + DEADLINE + " waiting for: " + what);
      }
      Thread.sleep(20);
    }
  }

  private JobClient start(boolean echo) throws Exception {
    JobConfig config = JobConfig.fromArgs("--feature-store", "embedded:" + name, "--vector-index",
        "embedded:" + name, "--model-dir", ServingWorld.repoModels().toString());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    var requests = TestStreams.input(name + "/requests", "rec-requests");
    var interactions = TestStreams.input(name + "/interactions", "interactions");
    var sink = TestStreams.sink(name);
    ServingJob job = echo ? ServingJob.echo(config, requests, interactions, sink)
        : new ServingJob(config, requests, interactions, sink);
    return job.executeAsync(env);
  }

  private void ask(String requestId, String userId) {
    RecRequest r = RecRequest.of(requestId, userId, System.currentTimeMillis(), 10);
    r.deadlineMs = 5_000; // correctness on a shared machine, not latency
    TestStreams.send(name + "/requests", "rec-requests", userId, r);
  }

  private List<RecResponse> responses() {
    return TestStreams.written(name, "rec-responses").stream()
        .map(t -> Json.read(t.getBytes(StandardCharsets.UTF_8), RecResponse.class)).toList();
  }

  private RecResponse response(String requestId) {
    return responses().stream().filter(r -> requestId.equals(r.requestId())).findFirst().orElse(null);
  }

  @Test
  void answersEveryRequestRankedByBothStagesLogsItAndDeadLettersGarbage() throws Exception {
    ServingWorld.fill(name, NOW);
    JobClient client = start(false);
    try {
      TestStreams.send(name + "/interactions", "interactions", "u1",
          Interaction.of("e1", "u1", "item-40", InteractionType.CLICK, NOW));
      TestStreams.send(name + "/interactions", "interactions", "u1",
          Interaction.of("e2", "u1", "item-41", InteractionType.LIKE, NOW));
      // The two sources are not ordered with each other: ask until an answer shows the session's items seeded
      // item-to-item retrieval (u1 has no stored history, so only its session can).
      int probes = 0;
      long end = System.nanoTime() + DEADLINE.toNanos();
      while (true) {
        String probe = "probe-" + probes++;
        ask(probe, "u1");
        await("an answer to " + probe, () -> response(probe) != null);
        if (response(probe).items().stream().anyMatch(i -> i.sources().contains("item2item"))) {
          break;
        }
        assertThat(System.nanoTime()).as("u1's session never got its interactions").isLessThan(end);
        Thread.sleep(100);
      }
      ask("r1", "u1");
      ask("r2", "someone-new");
      TestStreams.sendRaw(name + "/requests", "rec-requests", "u1",
          "{\"request_id\": \"broken\"".getBytes(StandardCharsets.UTF_8));

      await("both answers", () -> response("r1") != null && response("r2") != null);
      RecResponse r1 = response("r1");
      assertThat(r1.degraded()).as(r1.reason()).isFalse();
      assertThat(r1.items()).hasSize(10);
      assertThat(r1.models().ranking()).isNotEqualTo("none");
      assertThat(r1.items()).allSatisfy(i -> assertThat(i.scoredBy()).isEqualTo("ranker"));
      assertThat(r1.items().stream().flatMap(i -> i.sources().stream())).contains("ann", "item2item");
      assertThat(r1.items().stream().map(RecResponse.RecItem::itemId)).doesNotContain("item-40", "item-41");
      RecResponse r2 = response("r2");
      assertThat(r2.items()).isNotEmpty();

      await("a prediction-log record per answer", () -> TestStreams.written(name, "prediction-log").size() >= 2);
      List<PredictionLog> logs = TestStreams.written(name, "prediction-log").stream()
          .map(t -> Json.read(t.getBytes(StandardCharsets.UTF_8), PredictionLog.class)).toList();
      assertThat(logs).extracting(PredictionLog::requestId).contains("r1", "r2");
      await("the broken request is dead-lettered",
          () -> TestStreams.written(name, "dead-letters").stream().anyMatch(d -> d.contains("broken")));
      assertThat(responses()).extracting(RecResponse::requestId).doesNotContain("broken").doesNotHaveDuplicates();
    } finally {
      client.cancel().get();
    }
  }

  @Test
  void theEchoFloorAnswersEveryRequestAtOnceWithAnEmptyAnswer() throws Exception {
    JobClient client = start(true);
    try {
      for (int i = 0; i < 20; i++) {
        ask("e-" + i, "user-" + (i % 7));
      }
      TestStreams.sendRaw(name + "/requests", "rec-requests", "u1",
          "not json".getBytes(StandardCharsets.UTF_8));
      await("20 echo answers", () -> responses().size() >= 20);
      assertThat(responses()).extracting(RecResponse::requestId)
          .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 20).mapToObj(i -> "e-" + i)
              .toList());
      assertThat(responses()).allSatisfy(r -> {
        assertThat(r.degraded()).isFalse();
        assertThat(r.items()).isEmpty();
        assertThat(r.models().retrieval()).isEqualTo("echo");
      });
      assertThat(TestStreams.written(name, "prediction-log")).isEmpty();
      await("the garbage is dead-lettered", () -> !TestStreams.written(name, "dead-letters").isEmpty());
    } finally {
      client.cancel().get();
    }
  }
}
