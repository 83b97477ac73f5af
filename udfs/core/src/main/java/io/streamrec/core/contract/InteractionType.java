package io.streamrec.core.contract;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a user did with an item. The wire form is the lower-case name ({@code add_to_cart}). */
public enum InteractionType {
  VIEW,
  CLICK,
  LIKE,
  ADD_TO_CART,
  PURCHASE,
  SKIP,
  SHARE;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Returns the type for a wire name, or null when there is none (the caller names the field in its error). */
  public static InteractionType fromWire(String wire) {
    for (InteractionType t : values()) {
      if (t.wireName().equals(wire)) {
        return t;
      }
    }
    return null;
  }
}
