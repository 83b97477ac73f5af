package io.streamrec.aerospike;

import io.streamrec.core.store.BinValues;
import io.streamrec.core.store.FeatureWrite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checks values on the way in and normalises them on the way out. */
final class AerospikeValues {

  /** The server refuses TTLs over ten years (PARAMETER_ERROR). */
  static final long MAX_TTL_SECONDS = 3600L * 24 * 365 * 10;

  private AerospikeValues() {}

  /**
   * Refuses, before anything is written, a write no backend could store (as the embedded store does) or one that
   * uses the adapter's own bins.
   */
  static void check(FeatureWrite w) {
    BinValues.check(w);
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
