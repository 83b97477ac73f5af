package io.streamrec.core.model;

import java.nio.charset.StandardCharsets;

/**
 * A hash that never changes between JVMs, releases or languages (64-bit FNV-1a over UTF-8), for hashed embedding
 * buckets: the trainer, the index job and serving must map an id to the same bucket forever, which
 * {@link String#hashCode()} does not promise across implementations and does poorly on short ids.
 */
public final class StableHash {
  private static final long OFFSET = 0xcbf29ce484222325L;
  private static final long PRIME = 0x100000001b3L;

  private StableHash() {}

  public static long fnv1a64(String s) {
    long h = OFFSET;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= PRIME;
    }
    return h;
  }

  /** The bucket of {@code s} among {@code buckets} (0 … buckets-1). */
  public static int bucket(String s, int buckets) {
    return (int) Long.remainderUnsigned(fnv1a64(s), buckets);
  }
}
