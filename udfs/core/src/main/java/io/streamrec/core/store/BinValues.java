package io.streamrec.core.store;

import io.streamrec.core.contract.StoreLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What every backend can store, checked the same way by all of them before anything is written: bin names of 1 to
 * 15 bytes (Aerospike's limit) that are not reserved, and values that are Strings, Longs, Doubles, Booleans, and
 * Lists and String-keyed Maps of those.
 */
public final class BinValues {
  public static final int MAX_BIN_NAME_BYTES = 15;

  private BinValues() {}

  /** Refuses a write no backend could store, with an {@link IllegalArgumentException} naming the bin. */
  public static void check(FeatureWrite w) {
    for (Map.Entry<String, Object> e : w.bins().entrySet()) {
      checkName(e.getKey());
      checkValue(e.getKey(), e.getValue());
    }
    for (FeatureWrite.NewestEntries m : w.mapMerges()) {
      checkName(m.bin());
      checkValue(m.bin(), m.entries());
    }
  }

  private static void checkName(String bin) {
    if (StoreLayout.RESERVED_BINS.contains(bin)) {
      throw new IllegalArgumentException("bin name '" + bin + "' is reserved for the store backends");
    }
    int bytes = bin.getBytes(StandardCharsets.UTF_8).length;
    if (bytes == 0 || bytes > MAX_BIN_NAME_BYTES) {
      throw new IllegalArgumentException("bin name '" + bin + "' must be 1 to 15 bytes"
          + (bytes > MAX_BIN_NAME_BYTES ? " (it is longer than 15 bytes)" : ""));
    }
  }

  private static void checkValue(String bin, Object v) {
    if (v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean) {
      return;
    }
    if (v instanceof List<?> list) {
      for (Object x : list) {
        checkValue(bin, x);
      }
      return;
    }
    if (v instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw new IllegalArgumentException("bin '" + bin + "' has a map key that is not a String: " + e.getKey());
        }
        checkValue(bin, e.getValue());
      }
      return;
    }
    throw new IllegalArgumentException("bin '" + bin + "' holds a " + (v == null ? "null" : v.getClass().getName())
        + "; allowed: String, Long, Double, Boolean, and Lists and String-keyed Maps of them");
  }
}
