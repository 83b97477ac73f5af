package io.streamrec.core.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;

/**
 * Parses one topic's records strictly. Never throws on bad input: every record becomes {@link Parsed.Valid} or a
 * {@link Parsed.Invalid} whose reason is precise enough to fix the producer from the dead letter alone.
 *
 * <p>Serializable and stateless, so Flink functions can hold one.
 */
public abstract class ContractParser<T> implements Serializable {
  private static final long serialVersionUID = 1L;

  private final TopicSpec topic;
  private final Class<T> type;

  protected ContractParser(TopicSpec topic, Class<T> type) {
    this.topic = topic;
    this.type = type;
  }

  public TopicSpec topic() {
    return topic;
  }

  /** The record type this parser produces. */
  public Class<T> type() {
    return type;
  }

  public final Parsed<T> parse(byte[] value) {
    if (value == null || value.length == 0) {
      return Parsed.invalid("empty record value (null or tombstone)", null, null);
    }
    if (value.length > maxRecordBytes()) {
      return Parsed.invalid(
          "record is " + value.length + " bytes, more than the limit of " + maxRecordBytes(),
          null,
          null);
    }
    T fast = readPlain(value);
    if (fast != null) {
      return Parsed.valid(fast);
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(value);
    } catch (JsonProcessingException e) {
      return Parsed.invalid("malformed JSON: " + e.getOriginalMessage(), null, null);
    } catch (IOException e) {
      return Parsed.invalid("unreadable record: " + e.getMessage(), null, null);
    }
    if (root == null || root.isMissingNode()) {
      return Parsed.invalid("empty record value (whitespace only)", null, null);
    }
    if (!(root instanceof ObjectNode object)) {
      return Parsed.invalid("expected a JSON object, got " + root.getNodeType().name().toLowerCase(), null, null);
    }
    FieldReader fields = new FieldReader(object);
    try {
      return Parsed.valid(read(fields));
    } catch (ContractViolation violation) {
      return Parsed.invalid(violation.getMessage(), quietly(fields, "request_id"), quietly(fields, "user_id"));
    }
  }

  /** Reads a field's id if it is a valid one, for addressing an error response; null otherwise. */
  private String quietly(FieldReader fields, String field) {
    if (!addressable()) {
      return null;
    }
    try {
      return fields.optionalId(field);
    } catch (ContractViolation ignored) {
      return null;
    }
  }

  /** Larger records are refused before parsing. */
  protected int maxRecordBytes() {
    return Limits.MAX_RECORD_BYTES;
  }

  /** Whether an invalid record of this topic should still be answered (requests are; events are not). */
  protected boolean addressable() {
    return false;
  }

  abstract T read(FieldReader fields);

  /**
   * A fast path for the plain valid record, tried before the JSON tree is built: the record, or null to parse it
   * the thorough way, which must then accept it or explain why not. It must never accept what {@link #read}
   * rejects. None by default.
   */
  T readPlain(byte[] value) {
    return null;
  }
}
