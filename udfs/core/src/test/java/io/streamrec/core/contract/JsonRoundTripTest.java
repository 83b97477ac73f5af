package io.streamrec.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Our own output records on the wire: snake_case, nulls omitted, read back equal. */
class JsonRoundTripTest {

  static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  static JsonNode tree(byte[] bytes) throws Exception {
    return Json.MAPPER.readTree(bytes);
  }

  static RecResponse sampleResponse() {
    Map<String, Double> timings = new LinkedHashMap<>();
    timings.put("store", 1.5);
    timings.put("retrieve", 0.25);
    timings.put("rank", 2.0);
    timings.put("filter", 0.125);
    timings.put("total", 4.0);
    return new RecResponse(
        "r1",
        "u1",
        List.of(
            new RecResponse.RecItem("i1", 3.5, 1, List.of("trending_region")),
            new RecResponse.RecItem("i2", 0.75, 2, List.of("trending_global", "als"))),
        new RecResponse.Models("trending-v1", "none"),
        true,
        "served the global list",
        null,
        timings);
  }

  @Test
  void responseUsesSnakeCaseAndOmitsNulls() throws Exception {
    JsonNode node = tree(Json.write(sampleResponse()));
    assertThat(fieldNames(node)).containsExactlyInAnyOrder(
        "request_id", "user_id", "items", "models", "degraded", "reason", "timings_ms");
    assertThat(node.get("request_id").textValue()).isEqualTo("r1");
    assertThat(node.get("user_id").textValue()).isEqualTo("u1");
    assertThat(node.get("degraded").booleanValue()).isTrue();
    assertThat(node.get("reason").textValue()).isEqualTo("served the global list");
    assertThat(node.has("error")).isFalse();
    JsonNode first = node.get("items").get(0);
    assertThat(fieldNames(first)).containsExactlyInAnyOrder("item_id", "score", "rank", "sources", "scored_by");
    assertThat(first.get("scored_by").textValue()).isEqualTo("retrieval");
    assertThat(first.get("item_id").textValue()).isEqualTo("i1");
    assertThat(first.get("score").doubleValue()).isEqualTo(3.5);
    assertThat(first.get("rank").intValue()).isEqualTo(1);
    assertThat(first.get("sources").get(0).textValue()).isEqualTo("trending_region");
    assertThat(fieldNames(node.get("models"))).containsExactlyInAnyOrder("retrieval", "ranking");
    assertThat(node.get("models").get("retrieval").textValue()).isEqualTo("trending-v1");
  }

  @Test
  void timingsKeepInsertionOrderOnTheWireAndBack() throws Exception {
    RecResponse response = sampleResponse();
    assertThat(response.timingsMs().keySet()).containsExactly("store", "retrieve", "rank", "filter", "total");
    JsonNode node = tree(Json.write(response));
    assertThat(fieldNames(node.get("timings_ms"))).containsExactly("store", "retrieve", "rank", "filter", "total");
    RecResponse back = Json.read(Json.write(response), RecResponse.class);
    assertThat(back.timingsMs().keySet()).containsExactly("store", "retrieve", "rank", "filter", "total");
    assertThat(back.timingsMs()).containsEntry("retrieve", 0.25).containsEntry("total", 4.0);
  }

  @Test
  void responseReadsBackEqual() {
    RecResponse response = sampleResponse();
    assertThat(Json.read(Json.write(response), RecResponse.class)).isEqualTo(response);
    assertThat(Json.read(Json.writeString(response).getBytes(StandardCharsets.UTF_8), RecResponse.class))
        .isEqualTo(response);
  }

  @Test
  void errorResponseRoundTrips() throws Exception {
    RecResponse error = RecResponse.error("r2", "u2", "field 'k' must be between 1 and 200, got 0");
    JsonNode node = tree(Json.write(error));
    assertThat(fieldNames(node)).containsExactlyInAnyOrder(
        "request_id", "user_id", "items", "degraded", "error", "timings_ms");
    assertThat(node.get("items").size()).isZero();
    assertThat(node.get("error").textValue()).isEqualTo("field 'k' must be between 1 and 200, got 0");
    RecResponse back = Json.read(Json.write(error), RecResponse.class);
    assertThat(back).isEqualTo(error);
    assertThat(back.items()).isEmpty();
    assertThat(back.models()).isNull();
  }

  @Test
  void deadLetterUsesSnakeCaseAndReadsBackEqual() throws Exception {
    DeadLetter dl = DeadLetter.of("interactions", 3, 42L, "u1".getBytes(StandardCharsets.UTF_8),
        "{\"ts\":\"x\"}".getBytes(StandardCharsets.UTF_8), "field 'ts' must be an integer", "features", 1_700_000_000_000L);
    assertThat(dl.key()).isEqualTo("u1");
    assertThat(dl.raw()).isEqualTo("{\"ts\":\"x\"}");
    JsonNode node = tree(Json.write(dl));
    assertThat(fieldNames(node)).containsExactlyInAnyOrder(
        "topic", "partition", "offset", "key", "raw", "reason", "job", "ts");
    assertThat(node.get("offset").longValue()).isEqualTo(42L);
    assertThat(Json.read(Json.write(dl), DeadLetter.class)).isEqualTo(dl);
  }

  @Test
  void deadLetterWithNullKeyOmitsItAndRoundTrips() throws Exception {
    DeadLetter dl = DeadLetter.of("items", 0, 7L, null, "x".getBytes(StandardCharsets.UTF_8), "malformed JSON", "j", 1L);
    assertThat(dl.key()).isNull();
    JsonNode node = tree(Json.write(dl));
    assertThat(node.has("key")).isFalse();
    assertThat(Json.read(Json.write(dl), DeadLetter.class)).isEqualTo(dl);
  }

  @Test
  void deadLetterWithNullRawIsKept() {
    DeadLetter dl = DeadLetter.of("items", 0, 7L, null, null, "empty record value", "j", 1L);
    assertThat(dl.raw()).isNull();
    assertThat(Json.read(Json.write(dl), DeadLetter.class)).isEqualTo(dl);
  }

  @Test
  void deadLetterTruncatesLongRawWithAMarker() {
    int max = Limits.MAX_DEAD_LETTER_RAW_CHARS;
    byte[] raw = "a".repeat(10_000).getBytes(StandardCharsets.UTF_8);
    DeadLetter dl = DeadLetter.of("interactions", 0, 0L, null, raw, "too big", "j", 1L);
    assertThat(dl.raw()).isEqualTo("a".repeat(max) + "…[10000 bytes]");
    assertThat(Json.read(Json.write(dl), DeadLetter.class)).isEqualTo(dl);
  }

  @Test
  void deadLetterKeepsRawOfExactlyTheLimit() {
    int max = Limits.MAX_DEAD_LETTER_RAW_CHARS;
    DeadLetter dl = DeadLetter.of("t", 0, 0L, null, "b".repeat(max).getBytes(StandardCharsets.UTF_8), "r", "j", 1L);
    assertThat(dl.raw()).isEqualTo("b".repeat(max));
  }

  @Test
  void deadLetterTruncationCountsCharsNotBytes() {
    int max = Limits.MAX_DEAD_LETTER_RAW_CHARS;
    // 3 bytes per char: 4096 chars is 12288 bytes and must not be cut.
    String s = "€".repeat(max);
    DeadLetter dl = DeadLetter.of("t", 0, 0L, null, s.getBytes(StandardCharsets.UTF_8), "r", "j", 1L);
    assertThat(dl.raw()).isEqualTo(s);
    DeadLetter longer = DeadLetter.of("t", 0, 0L, null, (s + "€").getBytes(StandardCharsets.UTF_8), "r", "j", 1L);
    assertThat(longer.raw()).isEqualTo(s + "…[" + (3 * max + 3) + " bytes]");
  }

  @Test
  void deadLetterTruncationDoesNotSplitASurrogatePair() {
    int max = Limits.MAX_DEAD_LETTER_RAW_CHARS;
    // The emoji's two UTF-16 chars straddle the limit.
    String s = "a".repeat(max - 1) + "😀" + "tail";
    byte[] raw = s.getBytes(StandardCharsets.UTF_8);
    DeadLetter dl = DeadLetter.of("t", 0, 0L, null, raw, "r", "j", 1L);
    assertThat(dl.raw()).isEqualTo("a".repeat(max - 1) + "…[" + raw.length + " bytes]");
    // A lone surrogate would not survive a UTF-8 encoder (a Kafka StringSerializer writes '?').
    assertThat(new String(dl.raw().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(dl.raw());
    assertThat(Json.read(Json.write(dl), DeadLetter.class)).isEqualTo(dl);
  }

  @Test
  void deadLetterSurvivesInvalidUtf8() {
    byte[] raw = {'{', (byte) 0xff, (byte) 0xfe, (byte) 0xc3, '"', (byte) 0x80, '}'};
    DeadLetter dl = DeadLetter.of("interactions", 1, 2L, new byte[] {(byte) 0xc0, 'k'}, raw, "malformed JSON", "j", 3L);
    assertThat(dl.raw()).isEqualTo("{\uFFFD\uFFFD\uFFFD\"\uFFFD}");
    assertThat(dl.key()).isEqualTo("\uFFFDk");
    byte[] wire = Json.write(dl);
    assertThat(new String(wire, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8)).isEqualTo(wire);
    assertThat(Json.read(wire, DeadLetter.class)).isEqualTo(dl);
  }

  @Test
  void longInvalidUtf8IsTruncatedToo() {
    byte[] raw = new byte[20_000];
    java.util.Arrays.fill(raw, (byte) 0xff);
    DeadLetter dl = DeadLetter.of("t", 0, 0L, null, raw, "r", "j", 1L);
    assertThat(dl.raw()).isEqualTo("\uFFFD".repeat(Limits.MAX_DEAD_LETTER_RAW_CHARS) + "…[20000 bytes]");
  }
}
