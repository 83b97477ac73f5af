package io.streamrec.core.contract;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Change kind on the compacted {@code items} topic. */
public enum ItemOp {
  UPSERT,
  DELETE;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ItemOp fromWire(String wire) {
    for (ItemOp op : values()) {
      if (op.wireName().equals(wire)) {
        return op;
      }
    }
    return null;
  }
}
