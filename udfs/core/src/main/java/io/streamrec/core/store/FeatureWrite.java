package io.streamrec.core.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One write to the online store: an upsert of bins (and bounded map merges), or a delete, versioned by event time.
 *
 * <p>A write is applied only if its {@code version} is not older than the stored record's; applying the same write
 * twice leaves the same record, so replays after a restore are harmless.
 *
 * @param bins bins to set (other bins of the record are kept)
 * @param mapMerges bounded map bins to merge entries into (see {@link NewestEntries})
 * @param ttl time to live from now; {@link Duration#ZERO} = never expires
 */
public record FeatureWrite(
    Kind kind, FeatureKey key, Map<String, Object> bins, List<NewestEntries> mapMerges, long version, Duration ttl)
    implements java.io.Serializable {

  public enum Kind {
    UPSERT,
    DELETE
  }

  public FeatureWrite {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    if (bins != null) {
      bins.forEach((bin, value) -> {
        if (value == null) {
          throw new IllegalArgumentException("bin '" + bin + "' holds a null; remove the bin instead");
        }
      });
    }
    bins = bins == null ? Map.of() : Map.copyOf(bins);
    mapMerges = mapMerges == null ? List.of() : List.copyOf(mapMerges);
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl must not be negative: " + ttl);
    }
  }

  public static FeatureWrite upsert(FeatureKey key, Map<String, Object> bins, long version, Duration ttl) {
    return new FeatureWrite(Kind.UPSERT, key, bins, List.of(), version, ttl);
  }

  public static FeatureWrite delete(FeatureKey key, long version) {
    return new FeatureWrite(Kind.DELETE, key, Map.of(), List.of(), version, Duration.ZERO);
  }

  public FeatureWrite withMapMerge(NewestEntries merge) {
    List<NewestEntries> merges = new java.util.ArrayList<>(mapMerges);
    merges.add(merge);
    return new FeatureWrite(kind, key, bins, merges, version, ttl);
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
      implements java.io.Serializable {
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
  }
}
