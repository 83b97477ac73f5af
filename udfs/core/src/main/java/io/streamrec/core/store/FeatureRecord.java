package io.streamrec.core.store;

import java.util.List;
import java.util.Map;

/**
 * A stored record: its bins, the version (event time) of the write that produced it, and when it expires.
 *
 * <p>Bin values are limited to what every backend can store: String, Long, Double, Boolean, and Lists and
 * String-keyed Maps of those.
 */
public record FeatureRecord(Map<String, Object> bins, long version, long expiresAtMillis) {

  public static final long NEVER = Long.MAX_VALUE;

  public FeatureRecord {
    bins = Map.copyOf(bins);
  }

  public String getString(String bin) {
    return (String) bins.get(bin);
  }

  public long getLong(String bin, long fallback) {
    Object v = bins.get(bin);
    return v == null ? fallback : ((Number) v).longValue();
  }

  @SuppressWarnings("unchecked")
  public <V> Map<String, V> getMap(String bin) {
    Object v = bins.get(bin);
    return v == null ? Map.of() : (Map<String, V>) v;
  }

  public double getDouble(String bin, double fallback) {
    Object v = bins.get(bin);
    return v == null ? fallback : ((Number) v).doubleValue();
  }

  @SuppressWarnings("unchecked")
  public <T> List<T> getList(String bin) {
    Object v = bins.get(bin);
    return v == null ? List.of() : (List<T>) v;
  }
}
