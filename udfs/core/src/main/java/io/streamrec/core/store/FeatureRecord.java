package io.streamrec.core.store;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A stored record: its bins, the version (event time) of the write that produced it, and when it expires.
 *
 * <p>Bin values are limited to what every backend can store: String, Long, Double, Boolean, and Lists and
 * String-keyed Maps of those.
 *
 * <p>Immutable, with one slot for a reader's decoded form ({@link #decoded()}): a store that hands out the same
 * instance until the record is rewritten (the embedded store) lets a reader find its decode on the record itself
 * instead of in a map of its own. (A class, not a record, for that slot; equality is the record's: bins, version,
 * expiry.)
 *
 * <p>A record written in a {@link RecordForm} ({@link FeatureWrite#encoded}) keeps its bytes ({@link #encoded()}):
 * its bins are decoded on first use, and a reader of that form decodes the bytes directly.
 */
public final class FeatureRecord {

  public static final long NEVER = Long.MAX_VALUE;

  private volatile Map<String, Object> bins;
  private final EncodedRecord encoded;
  private final long version;
  private final long expiresAtMillis;
  private volatile Object decoded;

  public FeatureRecord(Map<String, Object> bins, long version, long expiresAtMillis) {
    this.bins = Map.copyOf(bins);
    this.encoded = null;
    this.version = version;
    this.expiresAtMillis = expiresAtMillis;
  }

  /** A record kept in its form's bytes. */
  public FeatureRecord(EncodedRecord encoded, long version, long expiresAtMillis) {
    this.encoded = java.util.Objects.requireNonNull(encoded, "encoded");
    this.version = version;
    this.expiresAtMillis = expiresAtMillis;
  }

  public Map<String, Object> bins() {
    Map<String, Object> b = bins;
    if (b == null) {
      b = Map.copyOf(encoded.parts().recordBins());
      bins = b;
    }
    return b;
  }

  /** The record's bytes if it was written in a {@link RecordForm}; null otherwise. */
  public EncodedRecord encoded() {
    return encoded;
  }

  /** The record decoded by {@code form} if it is kept in that form; null otherwise (then read its bins). */
  public <T> T decode(RecordForm<T> form) {
    return encoded == null ? null : encoded.decode(form);
  }

  /** The version (event time) of the write that produced the record. */
  public long version() {
    return version;
  }

  public long expiresAtMillis() {
    return expiresAtMillis;
  }

  /**
   * What a reader decoded from this record, if it left it here with {@link #decoded(Object)}; null otherwise. Not
   * part of the record's value: a reader must check that what it finds is its own (e.g. by type).
   */
  public Object decoded() {
    return decoded;
  }

  /** Leaves a reader's decoded form on the record (last writer wins; the record itself does not change). */
  public void decoded(Object value) {
    decoded = value;
  }

  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof FeatureRecord r && version == r.version
        && expiresAtMillis == r.expiresAtMillis && bins().equals(r.bins());
  }

  @Override
  public int hashCode() {
    return Objects.hash(bins(), version, expiresAtMillis);
  }

  @Override
  public String toString() {
    return "FeatureRecord[bins=" + bins() + ", version=" + version + ", expiresAtMillis=" + expiresAtMillis + "]";
  }

  public String getString(String bin) {
    return (String) bins().get(bin);
  }

  public long getLong(String bin, long fallback) {
    Object v = bins().get(bin);
    return v == null ? fallback : ((Number) v).longValue();
  }

  @SuppressWarnings("unchecked")
  public <V> Map<String, V> getMap(String bin) {
    Object v = bins().get(bin);
    return v == null ? Map.of() : (Map<String, V>) v;
  }

  public double getDouble(String bin, double fallback) {
    Object v = bins().get(bin);
    return v == null ? fallback : ((Number) v).doubleValue();
  }

  @SuppressWarnings("unchecked")
  public <T> List<T> getList(String bin) {
    Object v = bins().get(bin);
    return v == null ? List.of() : (List<T>) v;
  }
}
