package io.streamrec.core.store;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One write to the online store: an upsert of bins (and bounded map merges), or a delete, versioned by event time.
 *
 * <p>A write is applied only if its {@code version} is not older than the stored record's; applying the same write
 * twice leaves the same record, so replays after a restore are harmless.
 *
 * <p>An upsert comes in one of two shapes. A bins upsert ({@link #upsert}) sets the bins it names and keeps the
 * record's others. An encoded upsert ({@link #encoded}) carries a whole record in a {@link RecordForm}: a backend
 * that keeps the form (the embedded store) replaces the record with it, and every other backend sees, through
 * {@link #bins()} and {@link #mapMerges()}, the bins upsert that the form defines. The two agree because a form's
 * bins name every bin its records have. The encoded shape exists for speed: the feature job writes each changed
 * user and item state as a few hundred bytes, with no maps built unless a backend asks for them.
 *
 * <p>Value semantics: equal kind, key, bins, map merges, version and TTL.
 */
public final class FeatureWrite implements Serializable {
  private static final long serialVersionUID = 2L;

  public enum Kind {
    UPSERT,
    DELETE
  }

  private final Kind kind;
  private final FeatureKey key;
  private final long version;
  private final Duration ttl;
  private final EncodedRecord encoded;
  /** Set at construction for bins writes, on first use for encoded ones. */
  private volatile Map<String, Object> bins;
  private volatile List<NewestEntries> mapMerges;

  /**
   * @param bins bins to set (other bins of the record are kept)
   * @param mapMerges bounded map bins to merge entries into (see {@link NewestEntries})
   * @param ttl time to live from now; {@link Duration#ZERO} = never expires
   */
  public FeatureWrite(Kind kind, FeatureKey key, Map<String, Object> bins, List<NewestEntries> mapMerges,
      long version, Duration ttl) {
    this(kind, key, null, version, ttl);
    if (bins != null) {
      bins.forEach((bin, value) -> {
        if (value == null) {
          throw new IllegalArgumentException("bin '" + bin + "' holds a null; remove the bin instead");
        }
      });
    }
    this.bins = bins == null ? Map.of() : Map.copyOf(bins);
    this.mapMerges = mapMerges == null ? List.of() : List.copyOf(mapMerges);
  }

  private FeatureWrite(Kind kind, FeatureKey key, EncodedRecord encoded, long version, Duration ttl) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.key = Objects.requireNonNull(key, "key");
    this.encoded = encoded;
    this.version = version;
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl must not be negative: " + ttl);
    }
  }

  public static FeatureWrite upsert(FeatureKey key, Map<String, Object> bins, long version, Duration ttl) {
    return new FeatureWrite(Kind.UPSERT, key, bins, List.of(), version, ttl);
  }

  /** An upsert of the whole record {@code record} (see the class comment). */
  public static FeatureWrite encoded(FeatureKey key, EncodedRecord record, long version, Duration ttl) {
    return new FeatureWrite(Kind.UPSERT, key, Objects.requireNonNull(record, "record"), version, ttl);
  }

  public static FeatureWrite delete(FeatureKey key, long version) {
    return new FeatureWrite(Kind.DELETE, key, Map.of(), List.of(), version, Duration.ZERO);
  }

  public FeatureWrite withMapMerge(NewestEntries merge) {
    List<NewestEntries> merges = new ArrayList<>(mapMerges());
    merges.add(merge);
    return new FeatureWrite(kind, key, bins(), merges, version, ttl);
  }

  public Kind kind() {
    return kind;
  }

  public FeatureKey key() {
    return key;
  }

  public long version() {
    return version;
  }

  public Duration ttl() {
    return ttl;
  }

  /** The whole record, for an encoded upsert; null for every other write. */
  public EncodedRecord encoded() {
    return encoded;
  }

  /** The bins to set; for an encoded upsert, its form's bins of the record (decoded on first use). */
  public Map<String, Object> bins() {
    Map<String, Object> b = bins;
    if (b == null) {
      decodeParts();
      b = bins;
    }
    return b;
  }

  /** The bounded map merges; for an encoded upsert, its form's. */
  public List<NewestEntries> mapMerges() {
    List<NewestEntries> m = mapMerges;
    if (m == null) {
      decodeParts();
      m = mapMerges;
    }
    return m;
  }

  private void decodeParts() {
    EncodedRecord.Parts parts = encoded.parts();
    mapMerges = List.copyOf(parts.mapMerges());
    bins = Map.copyOf(parts.bins());
  }

  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof FeatureWrite w && kind == w.kind && version == w.version && key.equals(w.key)
        && ttl.equals(w.ttl) && bins().equals(w.bins()) && mapMerges().equals(w.mapMerges());
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, key, bins(), mapMerges(), version, ttl);
  }

  @Override
  public String toString() {
    return "FeatureWrite[kind=" + kind + ", key=" + key + ", bins=" + bins() + ", mapMerges=" + mapMerges()
        + ", version=" + version + ", ttl=" + ttl + (encoded != null ? ", encoded" : "") + "]";
  }

  /**
   * Merges entries into a map bin and keeps only the {@code keepNewest} entries with the greatest rank: a bounded
   * "recent items" list that is idempotent under replay (entries are keyed, e.g. by event id). Aerospike does this
   * in one operate call ({@code MapOperation.putItems} + {@code removeByRankRange(..., INVERTED)}).
   *
   * @param entries entry key → [rank (Long, e.g. event time), payload...]; values compare as Aerospike ranks them
   *     (element by element: the rank first, then the payload), fully equal values by the greater key
   */
  public record NewestEntries(String bin, Map<String, List<Object>> entries, int keepNewest)
      implements Serializable {
    public NewestEntries {
      Objects.requireNonNull(bin, "bin");
      entries = Map.copyOf(entries);
      if (keepNewest < 1) {
        throw new IllegalArgumentException("keepNewest must be >= 1, got " + keepNewest);
      }
      for (Map.Entry<String, List<Object>> e : entries.entrySet()) {
        if (e.getValue().isEmpty() || !(e.getValue().get(0) instanceof Long)) {
          throw new IllegalArgumentException(
              "entry '" + e.getKey() + "' of bin '" + bin + "' must start with a Long rank, got " + e.getValue());
        }
      }
    }

    /** The bin's value after merging these entries into {@code current} (a map bin, or null for none). */
    @SuppressWarnings("unchecked")
    public Map<String, List<Object>> mergeInto(Object current) {
      Map<String, List<Object>> all = new HashMap<>();
      if (current instanceof Map<?, ?> map) {
        all.putAll((Map<String, List<Object>>) map);
      } else if (current != null) {
        throw new IllegalArgumentException("bin '" + bin + "' holds a " + current.getClass().getSimpleName()
            + ", not a map");
      }
      for (Map.Entry<String, List<Object>> e : entries.entrySet()) {
        all.put(e.getKey(), List.copyOf(e.getValue()));
      }
      if (all.size() <= keepNewest) {
        return Map.copyOf(all);
      }
      Map<String, List<Object>> kept = new HashMap<>();
      all.entrySet().stream()
          .sorted(NEWEST_FIRST)
          .limit(keepNewest)
          .forEach(e -> kept.put(e.getKey(), e.getValue()));
      return Map.copyOf(kept);
    }

    /**
     * Greatest value first, as Aerospike ranks map values: lists compare element by element (numbers numerically,
     * strings lexically, numbers before strings), a shorter prefix first; fully equal values by the greater key.
     */
    private static final Comparator<Map.Entry<String, List<Object>>> NEWEST_FIRST = (x, y) -> {
      int byValue = compareValues(y.getValue(), x.getValue());
      return byValue != 0 ? byValue : y.getKey().compareTo(x.getKey());
    };

    private static int compareValues(List<Object> a, List<Object> b) {
      for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
        Object x = a.get(i);
        Object y = b.get(i);
        int c;
        if (x instanceof Number nx && y instanceof Number ny) {
          c = Double.compare(nx.doubleValue(), ny.doubleValue());
        } else if (x instanceof String sx && y instanceof String sy) {
          c = sx.compareTo(sy);
        } else {
          c = Integer.compare(typeOrder(x), typeOrder(y));
        }
        if (c != 0) {
          return c;
        }
      }
      return Integer.compare(a.size(), b.size());
    }

    private static int typeOrder(Object v) {
      return v instanceof Boolean ? 0 : v instanceof Number ? 1 : v instanceof String ? 2 : 3;
    }
  }
}
