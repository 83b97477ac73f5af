package io.streamrec.core.store;

/** What happened to one {@link FeatureWrite}. */
public enum WriteOutcome {
  /** The write is in the store. */
  APPLIED,
  /** A newer version was already stored; the write was refused (expected when a restore replays events). */
  STALE
}
