package io.streamrec.core.contract;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Reads a valid interaction in one pass of Jackson's streaming parser, without building a JSON tree: the feature
 * job parses every interaction, and the tree (a map per record, a node per value) was most of that cost.
 *
 * <p>Only the plain case is read here: a JSON object of the contract's fields only, each once, holding values of
 * its own type and within its limits, the same checks as {@link FieldReader}. Anything else — a missing, repeated,
 * unknown or mistyped field, a value out of range, malformed JSON, an integral float such as {@code 3.0} — returns
 * null, and the caller
 * parses the record again the thorough way, which accepts it or says exactly what is wrong. The fast path can
 * therefore never accept what the thorough one rejects, nor word an error differently.
 */
final class InteractionFastPath {
  private InteractionFastPath() {}

  /**
   * The wire format's parser settings without Jackson's duplicate-key detection (a set of names per object):
   * {@link #read} detects a repeated field itself, and leaves records with fields it does not know (whose
   * repetition it does not track) to the thorough path.
   */
  private static final JsonFactory FACTORY = Json.MAPPER.getFactory().rebuild()
      .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private static final String[] FIELDS = {
      "event_id", "user_id", "item_id", "type", "ts", "request_id", "region", "position", "dwell_ms"};

  /** The interaction, or null when the record is not the plain valid case (see the class comment). */
  static Interaction read(byte[] value) {
    try (JsonParser p = FACTORY.createParser(value)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      Interaction i = new Interaction();
      long ts = NO;
      int seen = 0;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        if (t != JsonToken.FIELD_NAME) {
          return null;
        }
        String field = p.currentName();
        int bit = bit(field);
        if (bit == 0 || (seen & bit) != 0) {
          return null; // a field this path does not know, or one given twice
        }
        seen |= bit;
        JsonToken v = p.nextToken();
        switch (field) {
          case "event_id" -> {
            if ((i.eventId = id(p, v)) == null) {
              return null;
            }
          }
          case "user_id" -> {
            if ((i.userId = id(p, v)) == null) {
              return null;
            }
          }
          case "item_id" -> {
            if ((i.itemId = id(p, v)) == null) {
              return null;
            }
          }
          case "type" -> {
            if (v != JsonToken.VALUE_STRING || (i.type = InteractionType.fromWire(p.getText())) == null) {
              return null;
            }
          }
          case "ts" -> {
            if ((ts = integer(p, v, Limits.MIN_TS, Limits.MAX_TS)) == NO) {
              return null;
            }
          }
          case "request_id" -> {
            if (v != JsonToken.VALUE_NULL && (i.requestId = id(p, v)) == null) {
              return null;
            }
          }
          case "region" -> {
            if (v != JsonToken.VALUE_NULL && (i.region = id(p, v)) == null) {
              return null;
            }
          }
          case "position" -> {
            if (v != JsonToken.VALUE_NULL) {
              long x = integer(p, v, 0, Limits.MAX_POSITION);
              if (x == NO) {
                return null;
              }
              i.position = (int) x;
            }
          }
          case "dwell_ms" -> {
            if (v != JsonToken.VALUE_NULL) {
              long x = integer(p, v, 0, Limits.MAX_DWELL_MS);
              if (x == NO) {
                return null;
              }
              i.dwellMs = x;
            }
          }
          default -> throw new IllegalStateException("no case for field " + field);
        }
      }
      if (p.nextToken() != null) {
        return null; // trailing content
      }
      if (i.eventId == null || i.userId == null || i.itemId == null || i.type == null || ts == NO) {
        return null;
      }
      i.ts = ts;
      return i;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static final long NO = Long.MIN_VALUE;

  /** The field's bit among {@link #FIELDS}; 0 for any other name. */
  private static int bit(String field) {
    for (int k = 0; k < FIELDS.length; k++) {
      if (FIELDS[k].equals(field)) {
        return 1 << k;
      }
    }
    return 0;
  }

  /** A valid id, or null (not a string, or not a valid id). */
  private static String id(JsonParser p, JsonToken v) throws IOException {
    if (v != JsonToken.VALUE_STRING) {
      return null;
    }
    String s = p.getText();
    return FieldReader.idProblem(s) == null ? s : null;
  }

  private static String optionalId(JsonParser p, JsonToken v) throws IOException {
    return v == JsonToken.VALUE_NULL ? null : id(p, v);
  }

  /** An integer token within [min, max], or {@link #NO}. */
  private static long integer(JsonParser p, JsonToken v, long min, long max) throws IOException {
    if (v != JsonToken.VALUE_NUMBER_INT) {
      return NO;
    }
    JsonParser.NumberType type = p.getNumberType();
    if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
      return NO;
    }
    long x = p.getLongValue();
    return x < min || x > max ? NO : x;
  }
}
