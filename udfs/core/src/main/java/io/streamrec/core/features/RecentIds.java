package io.streamrec.core.features;

import java.util.Arrays;

/**
 * The last N event ids seen, to drop duplicates that producers re-send (retries, replays). A Flink POJO.
 * Duplicates further apart than N events of the same key are not caught; size N for your producers' retry window.
 *
 * <p>Ids are kept as 64-bit hashes, 8 bytes each instead of the id's characters (a full window of 256 is 2 KB of
 * state, not ~10 KB of strings). Two different ids of one key collide with probability ~N/2<sup>64</sup> per
 * event, which would drop that event as a duplicate: about once in 10<sup>16</sup> events at N = 256.
 */
public final class RecentIds {
  /** The hashes of the ids, a ring once full ({@link #next} is the oldest). */
  public long[] hashes = new long[0];
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
    return addHash(hash(id));
  }

  /** As {@link #add}, for an id already hashed with {@link #hash}. */
  public boolean addHash(long h) {
    for (long seen : hashes) {
      if (seen == h) {
        return false;
      }
    }
    if (hashes.length < capacity) {
      hashes = Arrays.copyOf(hashes, hashes.length + 1);
      hashes[hashes.length - 1] = h;
    } else {
      hashes[next] = h;
      next = (next + 1) % capacity;
    }
    return true;
  }

  /** A 64-bit hash of an id: FNV-1a over its chars, then a 64-bit finalizer (MurmurHash3's fmix64) to spread it. */
  public static long hash(String id) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < id.length(); i++) {
      h ^= id.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
