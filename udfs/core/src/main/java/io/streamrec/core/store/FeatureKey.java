package io.streamrec.core.store;

import java.util.Objects;

/** A record's address in the store: a set (table) and the entity id within it. */
public record FeatureKey(String set, String id) implements java.io.Serializable {
  public FeatureKey {
    Objects.requireNonNull(set, "set");
    Objects.requireNonNull(id, "id");
  }

  @Override
  public String toString() {
    return set + "/" + id;
  }
}
