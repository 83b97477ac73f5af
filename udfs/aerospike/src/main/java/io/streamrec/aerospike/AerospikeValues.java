package io.streamrec.aerospike;

import io.streamrec.core.store.FeatureWrite;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checks values on the way in and normalises them on the way out. */
final class AerospikeValues {

  /** Aerospike's limit on bin names. */
  static final int MAX_BIN_NAME_BYTES = 15;
  /** The server refuses TTLs over ten years (PARAMETER_ERROR). */
  static final long MAX_TTL_SECONDS = 3600L * 24 * 365 * 10;

  private AerospikeValues() {}

  /**
   * Refuses, before anything is written, a write no backend could store (as the embedded store does) or one that
   * uses the adapter's own bins.
   */
  static void check(FeatureWrite w) {
    for (Map.Entry<String, Object> e : w.bins().entrySet()) {
      checkBinName(e.getKey());
      checkValue(e.getKey(), e.getValue());
    }
    for (FeatureWrite.NewestEntries m : w.mapMerges()) {
      checkBinName(m.bin());
      checkValue(m.bin(), m.entries());
    }
    if (w.ttl().getSeconds() > MAX_TTL_SECONDS) {
      throw new IllegalArgumentException("ttl " + w.ttl() + " of " + w.key() + " is over Aerospike's limit of 10 years");
    }
  }

  /** TTL in whole seconds, rounded up (a record must not expire early); zero = never (-1). */
  static int ttlSeconds(Duration ttl) {
    if (ttl.isZero()) {
      return -1;
    }
    long s = ttl.getSeconds() + (ttl.getNano() > 0 ? 1 : 0);
    return (int) Math.min(s, MAX_TTL_SECONDS);
  }

  private static void checkBinName(String bin) {
    if (bin.isEmpty() || bin.getBytes(StandardCharsets.UTF_8).length > MAX_BIN_NAME_BYTES) {
      throw new IllegalArgumentException("bin name '" + bin + "' must be 1 to 15 bytes");
    }
    if (bin.equals(AerospikeFeatureStore.VERSION_BIN) || bin.equals(AerospikeFeatureStore.DELETED_BIN)) {
      throw new IllegalArgumentException("bin name '" + bin + "' is reserved by the Aerospike feature store");
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

  /**
   * An immutable copy of a value as the client returned it. The client gives Long for every integer, Double,
   * Boolean (client 9.x with boolean bins), String, ArrayList, and HashMap or TreeMap (key-ordered maps); this
   * keeps the values and the maps' iteration order, and makes the containers unmodifiable so a reader cannot change
   * another's view. Nulls (possible only in data written by other tools) are kept.
   */
  static Object fromClient(Object v) {
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object x : list) {
        out.add(fromClient(x));
      }
      return Collections.unmodifiableList(out);
    }
    if (v instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>(Math.max(4, map.size() * 2));
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.put(e.getKey(), fromClient(e.getValue()));
      }
      return Collections.unmodifiableMap(out);
    }
    return v;
  }
}
