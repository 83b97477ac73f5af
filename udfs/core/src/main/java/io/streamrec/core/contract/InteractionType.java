package io.streamrec.core.contract;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What a user did with an item. The wire form is the lower-case name ({@code add_to_cart}).
 *
 * <p>The order is part of the stored state formats (counters are kept by ordinal, the compact state codecs write a
 * type as its ordinal): add new types at the end, never reorder or remove one.
 */
public enum InteractionType {
  VIEW,
  CLICK,
  LIKE,
  ADD_TO_CART,
  PURCHASE,
  SKIP,
  SHARE;

  private final String wire = name().toLowerCase(Locale.ROOT);

  /** The wire name; one string per type, shared by every event of that type. */
  @JsonValue
  public String wireName() {
    return wire;
  }

  /** Every type in ordinal order: {@code values()} without its copy per call (on the parsing and state paths). */
  private static final InteractionType[] ALL = values();

  /** The type of an ordinal, or null when there is none. */
  public static InteractionType ofOrdinal(int ordinal) {
    return ordinal >= 0 && ordinal < ALL.length ? ALL[ordinal] : null;
  }

  /** Returns the type for a wire name, or null when there is none (the caller names the field in its error). */
  public static InteractionType fromWire(String wire) {
    for (InteractionType t : ALL) {
      if (t.wireName().equals(wire)) {
        return t;
      }
    }
    return null;
  }
}
