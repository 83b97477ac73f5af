package io.streamrec.core.contract;

import java.util.Objects;

/**
 * One user action on the {@code interactions} topic (key: user_id).
 *
 * <p>A Flink POJO (public fields, no-arg constructor) so that it travels between operators with Flink's own
 * serializer rather than Kryo; parse it with {@link Contracts#INTERACTIONS}, never by hand.
 */
public final class Interaction {
  public String eventId;
  public String userId;
  public String itemId;
  public InteractionType type;
  /** Event time, epoch milliseconds. */
  public long ts;
  /** The served list this came from, when it did. */
  public String requestId;
  public Integer position;
  public Long dwellMs;
  public String region;

  public Interaction() {}

  public static Interaction of(String eventId, String userId, String itemId, InteractionType type, long ts) {
    Interaction i = new Interaction();
    i.eventId = eventId;
    i.userId = userId;
    i.itemId = itemId;
    i.type = type;
    i.ts = ts;
    return i;
  }

  public Interaction withRegion(String region) {
    this.region = region;
    return this;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Interaction that)) {
      return false;
    }
    return ts == that.ts
        && Objects.equals(eventId, that.eventId)
        && Objects.equals(userId, that.userId)
        && Objects.equals(itemId, that.itemId)
        && type == that.type
        && Objects.equals(requestId, that.requestId)
        && Objects.equals(position, that.position)
        && Objects.equals(dwellMs, that.dwellMs)
        && Objects.equals(region, that.region);
  }

  @Override
  public int hashCode() {
    return Objects.hash(eventId, userId, itemId, type, ts);
  }

  @Override
  public String toString() {
    return "Interaction{" + eventId + " " + userId + " " + type + " " + itemId + " @" + ts
        + (region == null ? "" : " " + region) + "}";
  }
}
