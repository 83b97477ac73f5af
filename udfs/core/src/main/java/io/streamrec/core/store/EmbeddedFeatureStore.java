package io.streamrec.core.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * An in-process {@link FeatureStore}: the default backend, for local runs and tests.
 *
 * <p>Named instances from {@link #shared(String)} are shared by everything in one JVM that loads this class through
 * the same class loader: all jobs of the local MiniCluster, or all jobs of a standalone TaskManager that has
 * udfs-core on its own classpath (see flink-conf.yaml, {@code classloader.parent-first-patterns.additional}).
 * Nothing is persisted: the feature job's checkpointed state is the durable copy, and a restart rebuilds the store
 * from it as new events arrive.
 */
public final class EmbeddedFeatureStore implements FeatureStore {

  private static final Map<String, EmbeddedFeatureStore> SHARED = new ConcurrentHashMap<>();

  private final String name;
  private final ConcurrentHashMap<FeatureKey, FeatureRecord> records = new ConcurrentHashMap<>();
  /** Version of the delete of each deleted key (kept for the life of the store: deletes are rare). */
  private final ConcurrentHashMap<FeatureKey, Long> tombstones = new ConcurrentHashMap<>();
  private final LongSupplier clock;
  private final boolean shared;

  private EmbeddedFeatureStore(String name, LongSupplier clock, boolean shared) {
    this.name = name;
    this.clock = clock;
    this.shared = shared;
  }

  /** The JVM-wide instance with this name, created on first use. */
  public static EmbeddedFeatureStore shared(String name) {
    Objects.requireNonNull(name, "name");
    return SHARED.computeIfAbsent(name, n -> new EmbeddedFeatureStore(n, System::currentTimeMillis, true));
  }

  /** A private instance (tests), with an injectable clock for TTL checks. */
  public static EmbeddedFeatureStore isolated(LongSupplier clock) {
    return new EmbeddedFeatureStore("isolated", clock, false);
  }

  /** Empties a shared instance; for tests that reuse one JVM. */
  public static void clearShared(String name) {
    EmbeddedFeatureStore store = SHARED.get(name);
    if (store != null) {
      store.records.clear();
      store.tombstones.clear();
    }
  }

  public String name() {
    return name;
  }

  /** Number of live records; for tests and metrics. */
  public int size() {
    long now = clock.getAsLong();
    return (int) records.values().stream().filter(r -> r.expiresAtMillis() > now).count();
  }

  @Override
  public CompletableFuture<Map<FeatureKey, FeatureRecord>> readAll(Collection<FeatureKey> keys) {
    long now = clock.getAsLong();
    Map<FeatureKey, FeatureRecord> out = new HashMap<>(Math.max(4, keys.size() * 2));
    for (FeatureKey key : keys) {
      FeatureRecord r = records.get(key);
      if (r != null) {
        if (r.expiresAtMillis() > now) {
          out.put(key, r);
        } else {
          records.remove(key, r); // lazy expiry, like a store's background sweep but on the read path
        }
      }
    }
    return CompletableFuture.completedFuture(out);
  }

  /**
   * Applies the writes in order. A write with bins no backend could store is a programming error: it is refused
   * with an {@link IllegalArgumentException} before anything is written.
   */
  @Override
  public CompletableFuture<List<WriteOutcome>> writeAll(List<FeatureWrite> writes) {
    writes.forEach(BinValues::check);
    List<WriteOutcome> outcomes = new ArrayList<>(writes.size());
    for (FeatureWrite w : writes) {
      outcomes.add(w.kind() == FeatureWrite.Kind.DELETE ? delete(w) : upsert(w));
    }
    return CompletableFuture.completedFuture(outcomes);
  }

  private WriteOutcome upsert(FeatureWrite w) {
    long now = clock.getAsLong();
    long expiresAt = w.ttl().isZero() ? FeatureRecord.NEVER : now + w.ttl().toMillis();
    WriteOutcome[] outcome = {WriteOutcome.STALE};
    records.compute(
        w.key(),
        (k, old) -> {
          boolean live = old != null && old.expiresAtMillis() > now;
          if (live && old.version() > w.version()) {
            return old;
          }
          Long deletedAt = tombstones.get(k);
          if (!live && deletedAt != null && deletedAt > w.version()) {
            return old; // deleted by a newer event: a late, older upsert must not bring the record back
          }
          tombstones.remove(k);
          outcome[0] = WriteOutcome.APPLIED;
          Map<String, Object> merged = live ? new HashMap<>(old.bins()) : new HashMap<>();
          merged.putAll(w.bins());
          for (FeatureWrite.NewestEntries m : w.mapMerges()) {
            merged.put(m.bin(), mergeNewest(merged.get(m.bin()), m));
          }
          return new FeatureRecord(merged, w.version(), expiresAt);
        });
    return outcome[0];
  }

  private WriteOutcome delete(FeatureWrite w) {
    WriteOutcome[] outcome = {WriteOutcome.STALE};
    records.compute(
        w.key(),
        (k, old) -> {
          if (old != null && old.version() > w.version()) {
            return old;
          }
          Long deletedAt = tombstones.get(k);
          if (deletedAt == null || deletedAt <= w.version()) {
            tombstones.put(k, w.version());
            outcome[0] = WriteOutcome.APPLIED;
          }
          return null;
        });
    return outcome[0];
  }

  /** Merges entries into a map bin and keeps the newest (greatest rank) ones; see NewestEntries. */
  @SuppressWarnings("unchecked")
  private static Map<String, List<Object>> mergeNewest(Object current, FeatureWrite.NewestEntries m) {
    Map<String, List<Object>> all = new HashMap<>();
    if (current instanceof Map<?, ?> map) {
      all.putAll((Map<String, List<Object>>) map);
    } else if (current != null) {
      throw new IllegalArgumentException("bin '" + m.bin() + "' holds a " + current.getClass().getSimpleName()
          + ", not a map");
    }
    for (Map.Entry<String, List<Object>> e : m.entries().entrySet()) {
      all.put(e.getKey(), List.copyOf(e.getValue()));
    }
    if (all.size() <= m.keepNewest()) {
      return Map.copyOf(all);
    }
    Map<String, List<Object>> kept = new HashMap<>();
    all.entrySet().stream()
        .sorted(NEWEST_FIRST)
        .limit(m.keepNewest())
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

  /** Shared instances live as long as the JVM; closing one handle must not empty it for the other jobs. */
  @Override
  public void close() {
    if (!shared) {
      records.clear();
      tombstones.clear();
    }
  }


}
