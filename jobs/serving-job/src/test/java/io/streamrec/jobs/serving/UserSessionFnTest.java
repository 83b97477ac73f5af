package io.streamrec.jobs.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.Json;
import io.streamrec.core.contract.PredictionLog;
import io.streamrec.core.contract.RecRequest;
import io.streamrec.core.contract.RecResponse;
import io.streamrec.jobs.common.OutRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.flink.statefun.sdk.Address;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The serving function with a recording StateFun context, on the real pipeline: the embedded store and index
 * filled with a small catalog embedded by the committed item tower, the committed user tower and ranker.
 */
class UserSessionFnTest {
  private static final long NOW = System.currentTimeMillis();
  private final String name = "user-session-fn-test-" + UUID.randomUUID();
  private UserSessionFn fn;
  private RecordingContext ctx;

  @BeforeEach
  void setUp() {
    ServingWorld.fill(name, NOW);
    fn = new UserSessionFn(ServingWorld.spec(name));
    ctx = new RecordingContext(new Address(Identifiers.USER_SESSION, "u1"));
  }

  @AfterEach
  void tearDown() {
    ServingWorld.drop(name);
  }

  private List<OutRecord> out(String topic) {
    return ctx.egress(Identifiers.KAFKA_OUT).stream().filter(r -> r.topic.equals(topic)).toList();
  }

  private RecResponse lastResponse() {
    List<OutRecord> responses = out("rec-responses");
    OutRecord record = responses.get(responses.size() - 1);
    assertThat(new String(record.key, StandardCharsets.UTF_8)).isEqualTo("u1");
    return Json.read(record.value, RecResponse.class);
  }

  private RecResponse ask(String id) {
    RecRequest r = RecRequest.of(id, "u1", NOW, 10);
    r.deadlineMs = 5_000; // a unit test on a shared machine: correctness, not latency
    fn.invoke(ctx, r);
    assertThat(ctx.asyncOperations).hasSize(1); // the pipeline runs off the task thread
    ctx.completeAsyncOperations(fn);
    return lastResponse();
  }

  private static List<String> ids(RecResponse r) {
    return r.items().stream().map(RecResponse.RecItem::itemId).toList();
  }

  @Test
  void aRequestRunsThePipelineAsAnAsyncOperationAndAnswersWithALogAndStats() {
    RecResponse r = ask("r1");
    assertThat(r.requestId()).isEqualTo("r1");
    assertThat(r.items()).isNotEmpty();
    assertThat(r.degraded()).as(r.reason()).isFalse(); // cold user: trending only, nothing failed
    PredictionLog log = Json.read(out("prediction-log").get(0).value, PredictionLog.class);
    assertThat(log.requestId()).isEqualTo("r1");
    assertThat(ctx.egress(Identifiers.STATS_OUT)).hasSize(1);
    assertThat(ctx.counter("requests")).isEqualTo(1);
  }

  @Test
  void theLastSwipeChangesTheNextAnswerAndServedItemsAreNotRepeated() {
    RecResponse first = ask("r1");
    fn.invoke(ctx, Interaction.of("e1", "u1", "item-40", InteractionType.CLICK, NOW));
    fn.invoke(ctx, Interaction.of("e2", "u1", "item-41", InteractionType.LIKE, NOW));
    RecResponse second = ask("r2");
    assertThat(second.items().stream().flatMap(i -> i.sources().stream())).contains("ann", "item2item");
    assertThat(ids(second)).doesNotContain("item-40", "item-41").doesNotContainAnyElementsOf(ids(first));
    assertThat(ctx.counter("interactions")).isEqualTo(2);
  }

  @Test
  void aPipelineFailureStillGetsAnAnswer() {
    RecRequest r = RecRequest.of("r-lost", "u1", NOW, 5);
    fn.invoke(ctx, new org.apache.flink.statefun.sdk.AsyncOperationResult<>(r,
        org.apache.flink.statefun.sdk.AsyncOperationResult.Status.UNKNOWN, null, null));
    RecResponse answer = lastResponse();
    assertThat(answer.requestId()).isEqualTo("r-lost");
    assertThat(answer.degraded()).isTrue();
    assertThat(answer.reason()).contains("restart");
    assertThat(answer.items()).isNotEmpty();
    assertThat(ctx.egress(Identifiers.STATS_OUT).get(0).fallback).isTrue();
  }

  @Test
  void anUnexpectedMessageFailsLoudly() {
    assertThatThrownBy(() -> fn.invoke(ctx, "hello")).hasMessageContaining("java.lang.String");
  }
}
