package io.streamrec.core.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Strict typed access to one JSON object's fields. Every accessor either returns a value inside its bounds or throws
 * a {@link ContractViolation} whose message names the field, what was expected and what was found.
 */
final class FieldReader {
  private final ObjectNode node;

  FieldReader(ObjectNode node) {
    this.node = node;
  }

  private JsonNode present(String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v;
  }

  private JsonNode required(String field) {
    JsonNode v = present(field);
    if (v == null) {
      throw new ContractViolation("missing required field '" + field + "'");
    }
    return v;
  }

  private static ContractViolation wrongType(String field, String expected, JsonNode found) {
    return new ContractViolation(
        "field '" + field + "' must be " + expected + ", got " + describe(found));
  }

  private static String describe(JsonNode v) {
    JsonNodeType t = v.getNodeType();
    return switch (t) {
      case STRING -> "string \"" + abbreviate(v.textValue()) + "\"";
      case NUMBER -> "number " + v.asText();
      case BOOLEAN -> "boolean " + v.asText();
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      default -> t.name().toLowerCase();
    };
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }

  /** An identifier: a non-blank string without control characters, at most {@link Limits#MAX_ID_LENGTH}. */
  String requiredId(String field) {
    return checkId(field, required(field));
  }

  String optionalId(String field) {
    JsonNode v = present(field);
    return v == null ? null : checkId(field, v);
  }

  private static String checkId(String field, JsonNode v) {
    if (!v.isTextual()) {
      throw wrongType(field, "a string id", v);
    }
    String s = v.textValue();
    String problem = idProblem(s);
    if (problem != null) {
      throw new ContractViolation("field '" + field + "' " + problem);
    }
    return s;
  }

  /** What is wrong with {@code s} as an id ("must not be blank", …), or null if it is a valid one. */
  static String idProblem(String s) {
    if (s.isBlank()) {
      return "must not be blank";
    }
    if (s.length() > Limits.MAX_ID_LENGTH) {
      return "is " + s.length() + " chars long, more than " + Limits.MAX_ID_LENGTH;
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        return "contains a control character";
      }
    }
    return null;
  }

  String optionalText(String field) {
    JsonNode v = present(field);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      throw wrongType(field, "a string", v);
    }
    if (v.textValue().length() > Limits.MAX_TEXT_LENGTH) {
      throw new ContractViolation(
          "field '" + field + "' is longer than " + Limits.MAX_TEXT_LENGTH + " chars");
    }
    return v.textValue();
  }

  String requiredText(String field) {
    String s = optionalText(field);
    if (s == null) {
      throw new ContractViolation("missing required field '" + field + "'");
    }
    return s;
  }

  long requiredTimestamp(String field) {
    return checkLong(field, required(field), Limits.MIN_TS, Limits.MAX_TS,
        " (epoch milliseconds between 2000 and 2100)");
  }

  long requiredLong(String field, long min, long max) {
    return checkLong(field, required(field), min, max, "");
  }

  Long optionalLong(String field, long min, long max) {
    JsonNode v = present(field);
    return v == null ? null : checkLong(field, v, min, max, "");
  }

  Integer optionalInt(String field, int min, int max) {
    JsonNode v = present(field);
    return v == null ? null : (int) checkLong(field, v, min, max, "");
  }

  private static long checkLong(String field, JsonNode v, long min, long max, String hint) {
    if (!v.isNumber()) {
      throw wrongType(field, "an integer", v);
    }
    if (!v.isIntegralNumber()) {
      // 3.0 is accepted as 3 only if it is exactly integral; 3.5 is not an id, count or timestamp.
      double d = v.doubleValue();
      if (!Double.isFinite(d) || d != Math.rint(d)) {
        throw wrongType(field, "an integer", v);
      }
    }
    if (!v.canConvertToLong()) {
      throw new ContractViolation("field '" + field + "' is out of range: " + v.asText());
    }
    long value = v.isIntegralNumber() ? v.longValue() : (long) v.doubleValue();
    if (value < min || value > max) {
      throw new ContractViolation(
          "field '" + field + "' must be between " + min + " and " + max + hint + ", got " + value);
    }
    return value;
  }

  double requiredFiniteDouble(String field, double min, double max) {
    JsonNode v = required(field);
    if (!v.isNumber()) {
      throw wrongType(field, "a number", v);
    }
    double d = v.doubleValue();
    // Overflowing literals such as 1e999 parse to Infinity: as absurd as a literal NaN.
    if (!Double.isFinite(d)) {
      throw new ContractViolation("field '" + field + "' must be a finite number, got " + v.asText());
    }
    if (d < min || d > max) {
      throw new ContractViolation(
          "field '" + field + "' must be between " + min + " and " + max + ", got " + d);
    }
    return d;
  }

  boolean requiredBoolean(String field) {
    JsonNode v = required(field);
    if (!v.isBoolean()) {
      throw wrongType(field, "a boolean", v);
    }
    return v.booleanValue();
  }

  <E extends Enum<E>> E requiredEnum(String field, Function<String, E> fromWire, E[] values) {
    JsonNode v = required(field);
    if (!v.isTextual()) {
      throw wrongType(field, "a string", v);
    }
    E e = fromWire.apply(v.textValue());
    if (e == null) {
      StringBuilder allowed = new StringBuilder();
      for (E x : values) {
        allowed.append(allowed.length() == 0 ? "" : "|").append(x.name().toLowerCase());
      }
      throw new ContractViolation(
          "field '" + field + "' has unknown value \"" + abbreviate(v.textValue()) + "\"; expected " + allowed);
    }
    return e;
  }

  /** A list of ids; absent means empty. */
  String[] optionalIdList(String field) {
    JsonNode v = present(field);
    if (v == null) {
      return new String[0];
    }
    if (!v.isArray()) {
      throw wrongType(field, "an array of strings", v);
    }
    if (v.size() > Limits.MAX_LIST_SIZE) {
      throw new ContractViolation(
          "field '" + field + "' has " + v.size() + " entries, more than " + Limits.MAX_LIST_SIZE);
    }
    String[] out = new String[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = checkId(field + "[" + i + "]", v.get(i));
    }
    return out;
  }

  boolean optionalBoolean(String field, boolean absent) {
    return present(field) == null ? absent : requiredBoolean(field);
  }

  Double optionalFiniteDouble(String field) {
    return present(field) == null ? null : requiredFiniteDouble(field, -Double.MAX_VALUE, Double.MAX_VALUE);
  }

  /**
   * A number that may be missing: a JSON number, or {@code null} or the string {@code "NaN"} for a missing value
   * (Jackson writes a float NaN as that string). Infinity is refused.
   */
  static float numberOrMissing(String field, JsonNode v) {
    if (v == null || v.isNull() || (v.isTextual() && v.textValue().equals("NaN"))) {
      return Float.NaN;
    }
    if (!v.isNumber()) {
      throw wrongType(field, "a number, null or \"NaN\"", v);
    }
    double d = v.doubleValue();
    if (!Double.isFinite(d) || Math.abs(d) > Float.MAX_VALUE) {
      throw new ContractViolation("field '" + field + "' must be a finite number, got " + v.asText());
    }
    return (float) d;
  }

  /** A required number that may be missing (see {@link #numberOrMissing}). */
  double requiredNumberOrMissing(String field) {
    return numberOrMissing(field, required(field));
  }

  /** A list of numbers, each possibly missing (see {@link #numberOrMissing}); absent means empty. */
  float[] optionalFloats(String field, int maxSize) {
    JsonNode v = present(field);
    if (v == null) {
      return new float[0];
    }
    if (!v.isArray()) {
      throw wrongType(field, "an array of numbers", v);
    }
    if (v.size() > maxSize) {
      throw new ContractViolation("field '" + field + "' has " + v.size() + " entries, more than " + maxSize);
    }
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = numberOrMissing(field + "[" + i + "]", v.get(i));
    }
    return out;
  }

  /** A nested object, read by {@code read}; a violation inside names the field it is in. */
  <R> R optionalObject(String field, Function<FieldReader, R> read) {
    JsonNode v = present(field);
    if (v == null) {
      return null;
    }
    return nested(field, v, read);
  }

  /** A list of objects, each read by {@code read}; absent means empty. */
  <R> List<R> optionalObjectList(String field, int maxSize, Function<FieldReader, R> read) {
    JsonNode v = present(field);
    if (v == null) {
      return List.of();
    }
    if (!v.isArray()) {
      throw wrongType(field, "an array of objects", v);
    }
    if (v.size() > maxSize) {
      throw new ContractViolation("field '" + field + "' has " + v.size() + " entries, more than " + maxSize);
    }
    List<R> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      out.add(nested(field + "[" + i + "]", v.get(i), read));
    }
    return out;
  }

  private static <R> R nested(String path, JsonNode v, Function<FieldReader, R> read) {
    if (!(v instanceof ObjectNode object)) {
      throw wrongType(path, "an object", v);
    }
    try {
      return read.apply(new FieldReader(object));
    } catch (ContractViolation e) {
      throw new ContractViolation(path + ": " + e.getMessage());
    }
  }

  /** An object of name → number (e.g. counts or timings), names checked as ids; absent means empty. */
  Map<String, Double> optionalNumberMap(String field) {
    JsonNode v = present(field);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof ObjectNode object)) {
      throw wrongType(field, "an object", v);
    }
    if (object.size() > Limits.MAX_LIST_SIZE) {
      throw new ContractViolation(
          "field '" + field + "' has " + object.size() + " entries, more than " + Limits.MAX_LIST_SIZE);
    }
    Map<String, Double> out = new LinkedHashMap<>();
    FieldReader entries = new FieldReader(object);
    object.fieldNames().forEachRemaining(name -> {
      checkId(field + " key", new com.fasterxml.jackson.databind.node.TextNode(name));
      out.put(name, entries.requiredFiniteDouble(name, -Double.MAX_VALUE, Double.MAX_VALUE));
    });
    return out;
  }
}
