package io.streamrec.core.codec;

import java.nio.charset.StandardCharsets;

/**
 * Canonical strings for values that repeat across records — item ids, categories, regions — read straight from
 * UTF-8 bytes: a hit returns the string already held and allocates nothing. The feature job keeps each user's recent
 * and bought items and categories; with pooled strings, 100,000 users who viewed the same popular item share one
 * string instead of holding 100,000 copies, and writing their records touches memory that is already in cache.
 *
 * <p>A direct-mapped cache, not an intern table: a slot holds the last string that hashed to it, so the pool never
 * grows and a miss only costs the decoding that would have happened anyway. Shared between threads without locks:
 * a racy read sees either an older or a newer string of the slot, both immutable, and every returned string equals
 * the bytes it was read from.
 */
public final class StringPool {
  /** Item ids (and other ids with many distinct values). */
  public static final StringPool IDS = new StringPool(1 << 16);
  /** Categories, regions and other small vocabularies. */
  public static final StringPool TERMS = new StringPool(1 << 12);

  private final String[] slots;
  private final int mask;

  /** @param capacity slots, a power of two */
  public StringPool(int capacity) {
    if (capacity <= 0 || Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two, got " + capacity);
    }
    slots = new String[capacity];
    mask = capacity - 1;
  }

  /** The string whose UTF-8 form is {@code buf[off, off + len)}, from the pool when it holds it. */
  public String get(byte[] buf, int off, int len) {
    int h = 0x811C9DC5;
    for (int k = off; k < off + len; k++) {
      h = (h ^ buf[k]) * 0x01000193;
    }
    int slot = (h ^ (h >>> 16)) & mask;
    String held = slots[slot];
    if (held != null && sameAscii(held, buf, off, len)) {
      return held;
    }
    String s = new String(buf, off, len, StandardCharsets.UTF_8);
    if (held != null && held.equals(s)) {
      return held; // non-ASCII: equal, though not comparable byte by char
    }
    slots[slot] = s;
    return s;
  }

  private static boolean sameAscii(String s, byte[] buf, int off, int len) {
    if (s.length() != len) {
      return false;
    }
    for (int k = 0; k < len; k++) {
      byte b = buf[off + k];
      if (b < 0 || s.charAt(k) != b) {
        return false;
      }
    }
    return true;
  }
}
