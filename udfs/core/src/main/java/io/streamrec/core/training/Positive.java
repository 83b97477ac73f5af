package io.streamrec.core.training;

import io.streamrec.core.contract.Interaction;

/**
 * A positive event (an interaction of a positive type) as the training-log job keeps it: enough to label served
 * items, kept a while so that a prediction log arriving after its outcome is still labelled.
 */
public final class Positive {
  /** The served list the event names, or null. */
  public String requestId;
  public String itemId;
  /** The interaction type's ordinal. */
  public int type;
  public long ts;

  public Positive() {}

  public static Positive of(Interaction i) {
    Positive p = new Positive();
    p.requestId = i.requestId;
    p.itemId = i.itemId;
    p.type = i.type.ordinal();
    p.ts = i.ts;
    return p;
  }

  boolean sameAs(Positive o) {
    return type == o.type && ts == o.ts && itemId.equals(o.itemId) && java.util.Objects.equals(requestId, o.requestId);
  }
}
