package io.streamrec.core.features;

import java.util.Arrays;

/**
 * The last N event ids seen, to drop duplicates that producers re-send (retries, replays). A Flink POJO.
 * Duplicates further apart than N events of the same key are not caught; size N for your producers' retry window.
 */
public final class RecentIds {
  public String[] ids = new String[0];
  public int next;
  public int capacity;

  public RecentIds() {}

  public RecentIds(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  /** Remembers {@code id}; returns false if it was already among the last {@code capacity} ids. */
  public boolean add(String id) {
    for (String seen : ids) {
      if (seen.equals(id)) {
        return false;
      }
    }
    if (ids.length < capacity) {
      ids = Arrays.copyOf(ids, ids.length + 1);
      ids[ids.length - 1] = id;
    } else {
      ids[next] = id;
      next = (next + 1) % capacity;
    }
    return true;
  }
}
