package io.streamrec.core.index;

/** What became of one {@link IndexWrite}. */
public enum IndexWriteOutcome {
  /** Applied and searchable. */
  APPLIED,
  /** Not applied: the index holds a newer (or the same) version of the item. */
  STALE,
  /** An attribute update for an item the generation does not hold (its upsert has not arrived, or it was deleted). */
  NOT_FOUND,
  /** Not applied: the generation was replaced by a newer one and dropped. */
  RETIRED
}
