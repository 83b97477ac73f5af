package io.streamrec.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The strict parsers of DESIGN §4: exact values for good records, exact reasons for bad ones. */
class ContractsTest {

  static final long TS = 1_700_000_000_000L;

  // Valid base records as ordered (field -> raw JSON value) maps; cases override or remove single fields.
  static final Map<String, String> INTERACTION = fields(
      "event_id", "\"e1\"", "user_id", "\"u1\"", "item_id", "\"i1\"", "type", "\"purchase\"", "ts", "" + TS);
  static final Map<String, String> ITEM = fields(
      "item_id", "\"i1\"", "op", "\"upsert\"", "title", "\"Red shoe\"", "category", "\"shoes\"",
      "price", "49.9", "in_stock", "true", "ts", "" + TS);
  static final Map<String, String> USER = fields("user_id", "\"u1\"", "ts", "" + TS);
  static final Map<String, String> REQUEST = fields("request_id", "\"r1\"", "user_id", "\"u1\"", "ts", "" + TS);

  static Map<String, String> fields(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return Collections.unmodifiableMap(m);
  }

  /** The base record with (field, raw JSON value) overrides; a null value removes the field. */
  static String json(Map<String, String> base, String... overrides) {
    Map<String, String> m = new LinkedHashMap<>(base);
    for (int i = 0; i < overrides.length; i += 2) {
      if (overrides[i + 1] == null) {
        m.remove(overrides[i]);
      } else {
        m.put(overrides[i], overrides[i + 1]);
      }
    }
    StringBuilder sb = new StringBuilder("{");
    m.forEach((k, v) -> sb.append(sb.length() == 1 ? "" : ",").append('"').append(k).append("\":").append(v));
    return sb.append('}').toString();
  }

  static String quoted(String s) {
    return '"' + s + '"';
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static <T> T valid(ContractParser<T> parser, String json) {
    Parsed<T> parsed = parser.parse(bytes(json));
    assertThat(parsed).as("parse of %s", json).isInstanceOf(Parsed.Valid.class);
    return ((Parsed.Valid<T>) parsed).value();
  }

  static Parsed.Invalid<?> invalid(ContractParser<?> parser, byte[] value) {
    Parsed<?> parsed = parser.parse(value);
    assertThat(parsed).as("parse of %s", value == null ? "null" : new String(value, StandardCharsets.UTF_8))
        .isInstanceOf(Parsed.Invalid.class);
    return (Parsed.Invalid<?>) parsed;
  }

  static Parsed.Invalid<?> invalid(ContractParser<?> parser, String json) {
    return invalid(parser, bytes(json));
  }

  // ---------------------------------------------------------------------------------------------------------------
  @Nested
  class GoodRecords {

    @Test
    void interactionWithAllFields() {
      Interaction got = valid(Contracts.INTERACTIONS, json(INTERACTION,
          "type", "\"add_to_cart\"", "request_id", "\"r9\"", "position", "3", "dwell_ms", "1500", "region", "\"eu\""));
      Interaction expected = Interaction.of("e1", "u1", "i1", InteractionType.ADD_TO_CART, TS).withRegion("eu");
      expected.requestId = "r9";
      expected.position = 3;
      expected.dwellMs = 1500L;
      assertThat(got).usingRecursiveComparison().isEqualTo(expected);
      assertThat(got).isEqualTo(expected);
    }

    @Test
    void interactionWithRequiredFieldsOnly() {
      Interaction got = valid(Contracts.INTERACTIONS, json(INTERACTION));
      assertThat(got).usingRecursiveComparison()
          .isEqualTo(Interaction.of("e1", "u1", "i1", InteractionType.PURCHASE, TS));
      assertThat(got.requestId).isNull();
      assertThat(got.position).isNull();
      assertThat(got.dwellMs).isNull();
      assertThat(got.region).isNull();
    }

    @ParameterizedTest
    @EnumSource(InteractionType.class)
    void everyInteractionTypeHasItsWireName(InteractionType type) {
      Interaction got = valid(Contracts.INTERACTIONS, json(INTERACTION, "type", quoted(type.wireName())));
      assertThat(got.type).isEqualTo(type);
    }

    @Test
    void itemUpsertWithAllFields() {
      Item got = valid(Contracts.ITEMS, json(ITEM,
          "tags", "[\"red\",\"sale\"]", "regions", "[\"eu\",\"us\"]", "min_age", "16"));
      Item expected = new Item();
      expected.itemId = "i1";
      expected.op = ItemOp.UPSERT;
      expected.title = "Red shoe";
      expected.category = "shoes";
      expected.tags = new String[] {"red", "sale"};
      expected.price = 49.9;
      expected.inStock = true;
      expected.regions = new String[] {"eu", "us"};
      expected.minAge = 16;
      expected.ts = TS;
      assertThat(got).usingRecursiveComparison().isEqualTo(expected);
    }

    @Test
    void itemUpsertDefaults() {
      Item got = valid(Contracts.ITEMS, json(ITEM, "in_stock", "false", "price", "0"));
      Item expected = new Item();
      expected.itemId = "i1";
      expected.op = ItemOp.UPSERT;
      expected.title = "Red shoe";
      expected.category = "shoes";
      expected.tags = new String[0];
      expected.price = 0.0;
      expected.inStock = false;
      expected.regions = new String[0];
      expected.minAge = 0;
      expected.ts = TS;
      assertThat(got).usingRecursiveComparison().isEqualTo(expected);
    }

    @Test
    void itemDeleteNeedsOnlyIdOpAndTs() {
      Item got = valid(Contracts.ITEMS, "{\"item_id\":\"i1\",\"op\":\"delete\",\"ts\":" + TS + "}");
      Item expected = new Item();
      expected.itemId = "i1";
      expected.op = ItemOp.DELETE;
      expected.ts = TS;
      expected.tags = new String[0];
      expected.regions = new String[0];
      assertThat(got).usingRecursiveComparison().isEqualTo(expected);
      assertThat(got.title).isNull();
      assertThat(got.category).isNull();
      assertThat(got.minAge).isZero();
    }

    @Test
    void userWithAllFieldsAndWithout() {
      assertThat(valid(Contracts.USERS, json(USER, "age", "34", "region", "\"eu\"")))
          .usingRecursiveComparison().isEqualTo(User.of("u1", 34, "eu", TS));
      assertThat(valid(Contracts.USERS, json(USER)))
          .usingRecursiveComparison().isEqualTo(User.of("u1", null, null, TS));
    }

    @Test
    void requestWithAllFields() {
      RecRequest got = valid(Contracts.REC_REQUESTS, json(REQUEST,
          "k", "5", "region", "\"eu\"", "query", "\"red shoes\"", "exclude", "[\"i1\",\"i2\"]", "deadline_ms", "80"));
      RecRequest expected = RecRequest.of("r1", "u1", TS, 5);
      expected.region = "eu";
      expected.query = "red shoes";
      expected.exclude = new String[] {"i1", "i2"};
      expected.deadlineMs = 80;
      assertThat(got).usingRecursiveComparison().isEqualTo(expected);
    }

    @Test
    void requestDefaults() {
      RecRequest got = valid(Contracts.REC_REQUESTS, json(REQUEST));
      assertThat(got.requestId).isEqualTo("r1");
      assertThat(got.userId).isEqualTo("u1");
      assertThat(got.ts).isEqualTo(TS);
      assertThat(got.k).isEqualTo(20);
      assertThat(got.deadlineMs).isEqualTo(50);
      assertThat(got.exclude).isNotNull().isEmpty();
      assertThat(got.region).isNull();
      assertThat(got.query).isNull();
    }

    @Test
    void explicitNullMeansAbsentForOptionalFields() {
      RecRequest got = valid(Contracts.REC_REQUESTS, json(REQUEST, "k", "null", "exclude", "null", "region", "null"));
      assertThat(got.k).isEqualTo(20);
      assertThat(got.exclude).isEmpty();
      assertThat(got.region).isNull();
    }

    @Test
    void unknownExtraFieldsAreIgnored() {
      assertThat(valid(Contracts.INTERACTIONS, json(INTERACTION, "color", "\"blue\"", "nested", "{\"a\":[1,null]}")))
          .usingRecursiveComparison().isEqualTo(Interaction.of("e1", "u1", "i1", InteractionType.PURCHASE, TS));
      assertThat(valid(Contracts.REC_REQUESTS, json(REQUEST, "experiment", "42")).k).isEqualTo(20);
    }

    @Test
    void unicodeIdsAreFine() {
      Interaction got = valid(Contracts.INTERACTIONS, json(INTERACTION,
          "user_id", "\"\uD83E\uDD84-user\"", "item_id", "\"商品-1\"", "region", "\"Zürich\""));
      assertThat(got.userId).isEqualTo("🦄-user");
      assertThat(got.itemId).isEqualTo("商品-1");
      assertThat(got.region).isEqualTo("Zürich");
      // The same through a JSON escape of the surrogate pair.
      assertThat(valid(Contracts.USERS, json(USER, "user_id", "\"\\ud83e\\udd84\"")).userId).isEqualTo("🦄");
    }

    @Test
    void boundaryValuesAreAccepted() {
      String id256 = "x".repeat(Limits.MAX_ID_LENGTH);
      assertThat(valid(Contracts.USERS, json(USER, "user_id", quoted(id256))).userId).isEqualTo(id256);
      assertThat(valid(Contracts.REC_REQUESTS, json(REQUEST, "k", "1")).k).isEqualTo(1);
      assertThat(valid(Contracts.REC_REQUESTS, json(REQUEST, "k", "200")).k).isEqualTo(200);
      assertThat(valid(Contracts.REC_REQUESTS, json(REQUEST, "k", "3.0")).k).isEqualTo(3);
      assertThat(valid(Contracts.REC_REQUESTS, json(REQUEST, "deadline_ms", "10000")).deadlineMs).isEqualTo(10000);
      assertThat(valid(Contracts.REC_REQUESTS, json(REQUEST, "ts", "" + Limits.MIN_TS)).ts).isEqualTo(Limits.MIN_TS);
      assertThat(valid(Contracts.REC_REQUESTS, json(REQUEST, "ts", "" + Limits.MAX_TS)).ts).isEqualTo(Limits.MAX_TS);
      assertThat(valid(Contracts.REC_REQUESTS, json(REQUEST, "exclude", idArray(Limits.MAX_LIST_SIZE))).exclude)
          .hasSize(1000);
      assertThat(valid(Contracts.ITEMS, json(ITEM, "price", "1e9")).price).isEqualTo(1e9);
      assertThat(valid(Contracts.USERS, json(USER, "age", "130")).age).isEqualTo(130);
      assertThat(valid(Contracts.INTERACTIONS, json(INTERACTION, "position", "10000", "dwell_ms", "86400000")))
          .extracting(i -> i.position, i -> i.dwellMs).containsExactly(10000, 86_400_000L);
    }

    @Test
    void recordOfExactlyTheSizeLimitIsAccepted() {
      String base = json(USER, "pad", "\"\"");
      String padded = json(USER, "pad", quoted("p".repeat(Limits.MAX_RECORD_BYTES - base.length())));
      assertThat(bytes(padded)).hasSize(Limits.MAX_RECORD_BYTES);
      assertThat(valid(Contracts.USERS, padded).userId).isEqualTo("u1");
    }
  }

  static String idArray(int n) {
    List<String> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(quoted("i" + i));
    }
    return "[" + String.join(",", ids) + "]";
  }

  // ---------------------------------------------------------------------------------------------------------------
  static Arguments bad(String name, ContractParser<?> parser, String json, String... fragments) {
    return Arguments.of(parser.topic().name() + ": " + name, parser, json, fragments);
  }

  static Stream<Arguments> badRecords() {
    ContractParser<Interaction> in = Contracts.INTERACTIONS;
    ContractParser<Item> it = Contracts.ITEMS;
    ContractParser<User> us = Contracts.USERS;
    ContractParser<RecRequest> rq = Contracts.REC_REQUESTS;
    String oversized = json(INTERACTION, "pad", quoted("p".repeat(Limits.MAX_RECORD_BYTES)));
    return Stream.of(
        // Not JSON at all, or not one object.
        bad("truncated", in, "{\"event_id\":\"e1\",\"user_id\":", "malformed JSON"),
        bad("trailing garbage", in, "{} x", "malformed JSON", "token 'x'"),
        bad("second object after a valid one", in, json(INTERACTION) + " {}", "malformed JSON", "Trailing token"),
        bad("duplicate key", in, json(INTERACTION).replaceFirst("\\{", "{\"user_id\":\"u0\","),
            "malformed JSON", "Duplicate field 'user_id'"),
        bad("NaN literal", it, json(ITEM, "price", "NaN"), "malformed JSON", "NaN"),
        bad("Infinity literal", it, json(ITEM, "price", "Infinity"), "malformed JSON", "Infinity"),
        bad("-Infinity literal", it, json(ITEM, "price", "-Infinity"), "malformed JSON", "Infinity"),
        bad("raw newline in a string", us, "{\"user_id\":\"u\n1\",\"ts\":" + TS + "}", "malformed JSON"),
        bad("array", in, "[1,2]", "expected a JSON object, got array"),
        bad("string", in, "\"hello\"", "expected a JSON object, got string"),
        bad("number", rq, "42", "expected a JSON object, got number"),
        bad("null literal", rq, "null", "expected a JSON object, got null"),
        bad("boolean", us, "true", "expected a JSON object, got boolean"),
        bad("empty", in, "", "empty record value"),
        bad("whitespace only", in, "  \n\t ", "empty record value", "whitespace"),
        bad("null bytes", in, "\0\0\0", "malformed JSON"),
        bad("oversized", in, oversized,
            bytes(oversized).length + " bytes", "more than the limit of " + Limits.MAX_RECORD_BYTES),
        // Missing required fields (an explicit null is missing too).
        bad("missing event_id", in, json(INTERACTION, "event_id", null), "missing required field 'event_id'"),
        bad("missing user_id", in, json(INTERACTION, "user_id", null), "missing required field 'user_id'"),
        bad("missing item_id", in, json(INTERACTION, "item_id", null), "missing required field 'item_id'"),
        bad("missing type", in, json(INTERACTION, "type", null), "missing required field 'type'"),
        bad("missing ts", in, json(INTERACTION, "ts", null), "missing required field 'ts'"),
        bad("null ts", in, json(INTERACTION, "ts", "null"), "missing required field 'ts'"),
        bad("missing op", it, json(ITEM, "op", null), "missing required field 'op'"),
        bad("missing title", it, json(ITEM, "title", null), "missing required field 'title'"),
        bad("missing category", it, json(ITEM, "category", null), "missing required field 'category'"),
        bad("missing price", it, json(ITEM, "price", null), "missing required field 'price'"),
        bad("missing in_stock", it, json(ITEM, "in_stock", null), "missing required field 'in_stock'"),
        bad("missing item ts", it, json(ITEM, "ts", null), "missing required field 'ts'"),
        bad("delete without item_id", it, "{\"op\":\"delete\",\"ts\":" + TS + "}", "missing required field 'item_id'"),
        bad("missing user ts", us, json(USER, "ts", null), "missing required field 'ts'"),
        bad("missing request_id", rq, json(REQUEST, "request_id", null), "missing required field 'request_id'"),
        bad("missing request user_id", rq, json(REQUEST, "user_id", null), "missing required field 'user_id'"),
        // Wrong types.
        bad("string ts", in, json(INTERACTION, "ts", quoted("" + TS)),
            "field 'ts' must be an integer, got string \"" + TS + "\""),
        bad("number user_id", in, json(INTERACTION, "user_id", "42"), "field 'user_id' must be a string id, got number 42"),
        bad("float k", rq, json(REQUEST, "k", "1.5"), "field 'k' must be an integer, got number 1.5"),
        bad("boolean price", it, json(ITEM, "price", "true"), "field 'price' must be a number, got boolean true"),
        bad("string price", it, json(ITEM, "price", "\"49.9\""), "field 'price' must be a number, got string \"49.9\""),
        bad("string in_stock", it, json(ITEM, "in_stock", "\"yes\""), "field 'in_stock' must be a boolean, got string"),
        bad("number type", in, json(INTERACTION, "type", "4"), "field 'type' must be a string, got number 4"),
        bad("object region", us, json(USER, "region", "{\"name\":\"eu\"}"), "field 'region' must be a string id, got an object"),
        bad("tags not an array", it, json(ITEM, "tags", "\"red\""), "field 'tags' must be an array of strings"),
        bad("exclude not an array", rq, json(REQUEST, "exclude", "\"i1\""), "field 'exclude' must be an array of strings"),
        bad("number query", rq, json(REQUEST, "query", "7"), "field 'query' must be a string, got number 7"),
        // Non-finite and absurd numbers.
        bad("price overflowing to Infinity", it, json(ITEM, "price", "1e999"), "field 'price' must be a finite number"),
        bad("ts overflowing to Infinity", in, json(INTERACTION, "ts", "1e999"), "field 'ts' must be an integer"),
        bad("negative price", it, json(ITEM, "price", "-0.01"), "field 'price' must be between 0.0 and 1.0E9, got -0.01"),
        bad("price above MAX_PRICE", it, json(ITEM, "price", "1000000000.5"),
            "field 'price' must be between 0.0 and 1.0E9, got 1.0000000005E9"),
        bad("ts in seconds", in, json(INTERACTION, "ts", "1700000000"),
            "field 'ts' must be between 946684800000 and 4102444800000", "epoch milliseconds", "got 1700000000"),
        bad("ts after 2100", rq, json(REQUEST, "ts", "" + (Limits.MAX_TS + 1)), "field 'ts' must be between"),
        bad("ts beyond long", in, json(INTERACTION, "ts", "99999999999999999999"), "field 'ts' is out of range"),
        bad("age 200", us, json(USER, "age", "200"), "field 'age' must be between 0 and 130, got 200"),
        bad("negative age", us, json(USER, "age", "-1"), "field 'age' must be between 0 and 130, got -1"),
        bad("min_age 131", it, json(ITEM, "min_age", "131"), "field 'min_age' must be between 0 and 130, got 131"),
        bad("negative dwell_ms", in, json(INTERACTION, "dwell_ms", "-5"),
            "field 'dwell_ms' must be between 0 and 86400000, got -5"),
        bad("position too large", in, json(INTERACTION, "position", "10001"),
            "field 'position' must be between 0 and 10000, got 10001"),
        bad("position beyond int", in, json(INTERACTION, "position", "4294967296"),
            "field 'position' must be between 0 and 10000, got 4294967296"),
        // Unknown enum values (case-sensitive wire names).
        bad("type purchased", in, json(INTERACTION, "type", "\"purchased\""),
            "field 'type' has unknown value \"purchased\"", "expected view|click|like|add_to_cart|purchase|skip|share"),
        bad("type upper case", in, json(INTERACTION, "type", "\"PURCHASE\""), "field 'type' has unknown value \"PURCHASE\""),
        bad("op merge", it, json(ITEM, "op", "\"merge\""), "field 'op' has unknown value \"merge\"", "expected upsert|delete"),
        // Request bounds.
        bad("k 0", rq, json(REQUEST, "k", "0"), "field 'k' must be between 1 and 200, got 0"),
        bad("k 201", rq, json(REQUEST, "k", "201"), "field 'k' must be between 1 and 200, got 201"),
        bad("k -1", rq, json(REQUEST, "k", "-1"), "field 'k' must be between 1 and 200, got -1"),
        bad("deadline_ms 0", rq, json(REQUEST, "deadline_ms", "0"), "field 'deadline_ms' must be between 1 and 10000, got 0"),
        bad("exclude too many", rq, json(REQUEST, "exclude", idArray(Limits.MAX_LIST_SIZE + 1)),
            "field 'exclude' has 1001 entries, more than 1000"),
        bad("exclude non-string entry", rq, json(REQUEST, "exclude", "[\"i1\",7]"),
            "field 'exclude[1]' must be a string id, got number 7"),
        bad("exclude blank entry", rq, json(REQUEST, "exclude", "[\"i1\",\" \"]"), "field 'exclude[1]' must not be blank"),
        bad("query too long", rq, json(REQUEST, "query", quoted("q".repeat(Limits.MAX_TEXT_LENGTH + 1))),
            "field 'query' is longer than 4096 chars"),
        // Ids.
        bad("empty id", in, json(INTERACTION, "user_id", "\"\""), "field 'user_id' must not be blank"),
        bad("blank id", it, json(ITEM, "item_id", "\"  \\t \""), "field 'item_id' must not be blank"),
        bad("id too long", in, json(INTERACTION, "item_id", quoted("x".repeat(Limits.MAX_ID_LENGTH + 1))),
            "field 'item_id' is 257 chars long, more than 256"),
        bad("id with control char", in, json(INTERACTION, "user_id", "\"u\\u00011\""),
            "field 'user_id' contains a control character"),
        bad("id with escaped newline", rq, json(REQUEST, "request_id", "\"r\\n1\""),
            "field 'request_id' contains a control character"),
        bad("category with NUL", it, json(ITEM, "category", "\"sh\\u0000oes\""),
            "field 'category' contains a control character"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRecords")
  void badRecordIsInvalidWithPreciseReason(String name, ContractParser<?> parser, String json, String[] fragments) {
    Parsed.Invalid<?> invalid = invalid(parser, json);
    assertThat(invalid.reason()).contains(fragments);
  }

  // ---------------------------------------------------------------------------------------------------------------
  @Nested
  class Addressing {

    @Test
    void nullValueIsInvalidNotAnException() {
      Parsed.Invalid<?> invalid = invalid(Contracts.REC_REQUESTS, (byte[]) null);
      assertThat(invalid.reason()).contains("empty record value");
      assertThat(invalid.isAddressable()).isFalse();
    }

    @Test
    void requestWithBadFieldButReadableIdsIsAddressable() {
      Parsed.Invalid<?> invalid = invalid(Contracts.REC_REQUESTS, json(REQUEST, "k", "0"));
      assertThat(invalid.isAddressable()).isTrue();
      assertThat(invalid.requestId()).isEqualTo("r1");
      assertThat(invalid.userId()).isEqualTo("u1");
    }

    @Test
    void requestWithBadTsIsStillAddressable() {
      Parsed.Invalid<?> invalid = invalid(Contracts.REC_REQUESTS, json(REQUEST, "ts", "1700000000"));
      assertThat(invalid.reason()).contains("field 'ts'");
      assertThat(invalid.requestId()).isEqualTo("r1");
      assertThat(invalid.userId()).isEqualTo("u1");
      assertThat(invalid.isAddressable()).isTrue();
    }

    @Test
    void requestWhoseUserIdIsBadIsNotAddressable() {
      Parsed.Invalid<?> invalid = invalid(Contracts.REC_REQUESTS, json(REQUEST, "user_id", "42"));
      assertThat(invalid.reason()).contains("field 'user_id' must be a string id");
      assertThat(invalid.requestId()).isEqualTo("r1");
      assertThat(invalid.userId()).isNull();
      assertThat(invalid.isAddressable()).isFalse();

      Parsed.Invalid<?> missing = invalid(Contracts.REC_REQUESTS, json(REQUEST, "user_id", null));
      assertThat(missing.userId()).isNull();
      assertThat(missing.isAddressable()).isFalse();
    }

    @Test
    void requestWhoseRequestIdIsBadIsNotAddressable() {
      Parsed.Invalid<?> invalid = invalid(Contracts.REC_REQUESTS, json(REQUEST, "request_id", "\"\"", "k", "0"));
      assertThat(invalid.reason()).contains("field 'request_id' must not be blank");
      assertThat(invalid.requestId()).isNull();
      assertThat(invalid.userId()).isEqualTo("u1");
      assertThat(invalid.isAddressable()).isFalse();
    }

    @Test
    void malformedRequestIsNotAddressable() {
      Parsed.Invalid<?> invalid = invalid(Contracts.REC_REQUESTS, "{\"request_id\":\"r1\",\"user_id\":\"u1\"");
      assertThat(invalid.requestId()).isNull();
      assertThat(invalid.userId()).isNull();
      assertThat(invalid.isAddressable()).isFalse();
    }

    @Test
    void interactionIsNeverAddressable() {
      Parsed.Invalid<?> invalid = invalid(Contracts.INTERACTIONS, json(INTERACTION,
          "request_id", "\"r1\"", "position", "-1"));
      assertThat(invalid.reason()).contains("field 'position' must be between 0 and 10000, got -1");
      assertThat(invalid.requestId()).isNull();
      assertThat(invalid.userId()).isNull();
      assertThat(invalid.isAddressable()).isFalse();
    }

    @Test
    void otherEventTopicsAreNeverAddressable() {
      Parsed.Invalid<?> user = invalid(Contracts.USERS, json(USER, "age", "200"));
      assertThat(user.userId()).isNull();
      assertThat(user.isAddressable()).isFalse();
      Parsed.Invalid<?> item = invalid(Contracts.ITEMS, json(ITEM, "price", "-1", "user_id", "\"u1\""));
      assertThat(item.isAddressable()).isFalse();
    }
  }

  @Test
  void parsersNameTheirTopics() {
    assertThat(Contracts.INTERACTIONS.topic()).isSameAs(Topics.INTERACTIONS);
    assertThat(Contracts.ITEMS.topic()).isSameAs(Topics.ITEMS);
    assertThat(Contracts.USERS.topic()).isSameAs(Topics.USERS);
    assertThat(Contracts.REC_REQUESTS.topic()).isSameAs(Topics.REC_REQUESTS);
  }
}
