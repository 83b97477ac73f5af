package io.streamrec.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.contract.Contracts;
import io.streamrec.core.contract.DeadLetter;
import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.Json;
import io.streamrec.core.contract.RecRequest;
import io.streamrec.core.contract.RecResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class ParseOrDeadLetterTest {

  private static final JobConfig CONFIG = JobConfig.fromArgs("--topic-prefix", "t.");

  private static RawRecord raw(String topic, long offset, String key, String json) {
    return RawRecord.of(topic, 2, offset, 1L, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        json == null ? null : json.getBytes(StandardCharsets.UTF_8));
  }

  private static List<OutRecord> direct(OneInputStreamOperatorTestHarness<RawRecord, ?> h) {
    var side = h.getSideOutput(ParseOrDeadLetter.DIRECT_OUT);
    return side == null ? List.of() : side.stream().map(StreamRecord::getValue).collect(Collectors.toList());
  }

  @Test
  void validRecordsFlowDownstreamAndNothingElse() throws Exception {
    var h = ProcessFunctionTestHarnesses.forProcessFunction(
        new ParseOrDeadLetter<>(Contracts.INTERACTIONS, "job", CONFIG));
    h.processElement(raw("t.interactions", 7, "u1",
        "{\"event_id\":\"e1\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"type\":\"purchase\",\"ts\":1700000000000}"), 1);

    assertThat(h.extractOutputValues())
        .containsExactly(Interaction.of("e1", "u1", "i1", InteractionType.PURCHASE, 1_700_000_000_000L));
    assertThat(direct(h)).isEmpty();
  }

  @Test
  void garbageBecomesADeadLetterNamingWhereItCameFromAndWhy() throws Exception {
    var h = ProcessFunctionTestHarnesses.forProcessFunction(
        new ParseOrDeadLetter<>(Contracts.INTERACTIONS, "feature-job", CONFIG));
    h.processElement(raw("t.interactions", 42, "k", "not json at all"), 1);

    assertThat(h.extractOutputValues()).isEmpty();
    List<OutRecord> out = direct(h);
    assertThat(out).hasSize(1);
    assertThat(out.get(0).topic).isEqualTo("t.dead-letters");
    DeadLetter letter = Json.read(out.get(0).value, DeadLetter.class);
    assertThat(letter.topic()).isEqualTo("t.interactions");
    assertThat(letter.partition()).isEqualTo(2);
    assertThat(letter.offset()).isEqualTo(42);
    assertThat(letter.key()).isEqualTo("k");
    assertThat(letter.raw()).isEqualTo("not json at all");
    assertThat(letter.reason()).startsWith("malformed JSON");
    assertThat(letter.job()).isEqualTo("feature-job");
  }

  @Test
  void aRequestWithABadFieldGetsAnErrorResponseAndADeadLetter() throws Exception {
    var h = ProcessFunctionTestHarnesses.forProcessFunction(
        new ParseOrDeadLetter<>(Contracts.REC_REQUESTS, "serving", CONFIG));
    h.processElement(raw("t.rec-requests", 3, "u9",
        "{\"request_id\":\"r1\",\"user_id\":\"u9\",\"ts\":1700000000000,\"k\":500}"), 1);

    assertThat(h.extractOutputValues()).isEmpty();
    List<OutRecord> out = direct(h);
    assertThat(out).extracting(r -> r.topic).containsExactly("t.dead-letters", "t.rec-responses");
    RecResponse error = Json.read(out.get(1).value, RecResponse.class);
    assertThat(error.requestId()).isEqualTo("r1");
    assertThat(error.userId()).isEqualTo("u9");
    assertThat(error.items()).isEmpty();
    assertThat(error.error()).contains("'k'").contains("500");
    assertThat(new String(out.get(1).key, StandardCharsets.UTF_8)).isEqualTo("u9");
  }

  @Test
  void anUnaddressableRequestGetsOnlyADeadLetter() throws Exception {
    var h = ProcessFunctionTestHarnesses.forProcessFunction(
        new ParseOrDeadLetter<RecRequest>(Contracts.REC_REQUESTS, "serving", CONFIG));
    h.processElement(raw("t.rec-requests", 4, null, "{\"request_id\":\"r2\",\"ts\":1700000000000}"), 1);

    assertThat(direct(h)).extracting(r -> r.topic).containsExactly("t.dead-letters");
  }

  @Test
  void aTombstoneIsADeadLetterNotACrash() throws Exception {
    var h = ProcessFunctionTestHarnesses.forProcessFunction(
        new ParseOrDeadLetter<>(Contracts.ITEMS, "index", CONFIG));
    h.processElement(raw("t.items", 5, "i1", null), 1);

    DeadLetter letter = Json.read(direct(h).get(0).value, DeadLetter.class);
    assertThat(letter.reason()).contains("tombstone");
    assertThat(letter.raw()).isNull();
  }
}
