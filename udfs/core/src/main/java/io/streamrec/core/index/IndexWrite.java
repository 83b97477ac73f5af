package io.streamrec.core.index;

import java.util.Objects;

/**
 * One change to one generation of the index. Every write carries the item's version (event time and sequence, see
 * {@code FeatureVersion}); an index keeps the newest version per item and refuses older ones, so replays after a
 * restore are harmless.
 */
public sealed interface IndexWrite permits IndexWrite.Upsert, IndexWrite.UpdateAttributes, IndexWrite.Delete {

  long generation();

  String itemId();

  long version();

  /** Inserts or replaces the item's vector and attributes. */
  record Upsert(long generation, String itemId, float[] vector, ItemAttributes attributes, long version)
      implements IndexWrite {
    public Upsert {
      checkId(itemId);
      Objects.requireNonNull(vector, "vector");
      Objects.requireNonNull(attributes, "attributes");
      for (float v : vector) {
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException("vector of " + itemId + " has a non-finite value");
        }
      }
    }
  }

  /** Changes only the attributes (an item sells out, a price or region changes); the vector stays. */
  record UpdateAttributes(long generation, String itemId, ItemAttributes attributes, long version)
      implements IndexWrite {
    public UpdateAttributes {
      checkId(itemId);
      Objects.requireNonNull(attributes, "attributes");
    }
  }

  /** Removes the item: it is never returned again (until a newer upsert). */
  record Delete(long generation, String itemId, long version) implements IndexWrite {
    public Delete {
      checkId(itemId);
    }
  }

  private static void checkId(String itemId) {
    if (itemId == null || itemId.isEmpty()) {
      throw new IllegalArgumentException("item id is empty");
    }
  }
}
