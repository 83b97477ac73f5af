package io.streamrec.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The streaming fast path for interactions against the thorough tree path, over the base record and many
 * variations of it: whatever the fast path accepts, the thorough path accepts as an equal record, and a record the
 * thorough path rejects is never accepted by the fast path.
 */
class InteractionFastPathTest {

  private static final Map<String, String> FULL = new LinkedHashMap<>(ContractsTest.INTERACTION);

  static {
    FULL.put("request_id", "\"r1\"");
    FULL.put("position", "3");
    FULL.put("dwell_ms", "1200");
    FULL.put("region", "\"UK\"");
  }

  /** Values to try in each field: valid ones of every field's type, and every kind of wrong one. */
  private static final List<String> VALUES = List.of(
      "null", "\"x\"", "\"  \"", "\"\"", "\"a\\u0001b\"", "\"" + "a".repeat(Limits.MAX_ID_LENGTH + 1) + "\"",
      "\"purchase\"", "\"view\"", "\"Purchase\"", "\"nope\"", "1", "0", "-1", "3.0", "3.5", "1e3", "12345678901234567890",
      "" + ContractsTest.TS, "" + (Limits.MIN_TS - 1), "" + Limits.MAX_TS, "" + (Limits.MAX_TS + 1),
      "" + Limits.MAX_POSITION, "" + (Limits.MAX_POSITION + 1), "" + Limits.MAX_DWELL_MS, "true", "[]", "[\"a\"]",
      "{}", "{\"a\":[1,{\"b\":2}]}", "\"\\u00e9t\\u00e9\"");

  @Test
  void agreesWithTheThoroughPathOnEveryVariation() {
    List<String> records = new ArrayList<>();
    for (Map<String, String> base : List.of(ContractsTest.INTERACTION, FULL)) {
      records.add(json(base));
      for (String field : FULL.keySet()) {
        Map<String, String> without = new LinkedHashMap<>(base);
        without.remove(field);
        records.add(json(without));
        for (String value : VALUES) {
          Map<String, String> m = new LinkedHashMap<>(base);
          m.put(field, value);
          records.add(json(m));
        }
      }
      for (String value : VALUES) {
        Map<String, String> m = new LinkedHashMap<>(base);
        m.put("unknown_field", value);
        records.add(json(m));
      }
      String plain = json(base);
      records.add(plain + " {}");
      records.add(plain + " x");
      records.add(plain.substring(0, plain.length() - 1));
      records.add(plain.replace("{", "{\"user_id\":\"u2\","));
      records.add("[" + plain + "]");
      records.add("  " + plain + "\n");
    }
    int fastAccepted = 0;
    for (String r : records) {
      byte[] bytes = r.getBytes(StandardCharsets.UTF_8);
      Interaction fast = InteractionFastPath.read(bytes);
      Interaction thorough = thorough(bytes);
      if (fast != null) {
        fastAccepted++;
        assertThat(thorough).as("accepted by the fast path only: %s", r).isNotNull();
        assertThat(fast).as(r).isEqualTo(thorough);
        assertThat(fast.position).as(r).isEqualTo(thorough.position);
        assertThat(fast.dwellMs).as(r).isEqualTo(thorough.dwellMs);
        assertThat(fast.requestId).as(r).isEqualTo(thorough.requestId);
        assertThat(fast.region).as(r).isEqualTo(thorough.region);
      }
      // Whatever path it takes, parse() says what the thorough path says.
      Parsed<Interaction> parsed = Contracts.INTERACTIONS.parse(bytes);
      if (thorough != null) {
        assertThat(parsed).as(r).isInstanceOf(Parsed.Valid.class);
        assertThat(((Parsed.Valid<Interaction>) parsed).value()).as(r).isEqualTo(thorough);
      } else {
        assertThat(parsed).as(r).isInstanceOf(Parsed.Invalid.class);
      }
    }
    // The plain valid records do take the fast path.
    assertThat(fastAccepted).isGreaterThan(20);
    assertThat(InteractionFastPath.read(json(FULL).getBytes(StandardCharsets.UTF_8))).isNotNull();
  }

  /** The tree path alone: null when it rejects the record. */
  private static Interaction thorough(byte[] bytes) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(bytes);
    } catch (Exception e) {
      return null;
    }
    if (!(root instanceof ObjectNode object)) {
      return null;
    }
    try {
      return Contracts.INTERACTIONS.read(new FieldReader(object));
    } catch (ContractViolation v) {
      return null;
    }
  }

  private static String json(Map<String, String> fields) {
    StringBuilder b = new StringBuilder("{");
    fields.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
    return b.append('}').toString();
  }
}
