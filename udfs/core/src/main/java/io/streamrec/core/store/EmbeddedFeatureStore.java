package io.streamrec.core.store;

import java.time.Duration;
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
  public Map<FeatureKey, FeatureRecord> getAll(Collection<FeatureKey> keys) {
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
    return out;
  }

  @Override
  public boolean upsert(FeatureKey key, Map<String, Object> bins, long version, Duration ttl) {
    checkBins(bins);
    long now = clock.getAsLong();
    long expiresAt = ttl.isZero() ? FeatureRecord.NEVER : now + ttl.toMillis();
    boolean[] applied = {false};
    records.compute(
        key,
        (k, old) -> {
          boolean live = old != null && old.expiresAtMillis() > now;
          if (live && old.version() > version) {
            return old;
          }
          applied[0] = true;
          if (!live) {
            return new FeatureRecord(bins, version, expiresAt);
          }
          Map<String, Object> merged = new HashMap<>(old.bins());
          merged.putAll(bins);
          return new FeatureRecord(merged, version, expiresAt);
        });
    return applied[0];
  }

  @Override
  public boolean delete(FeatureKey key, long version) {
    boolean[] applied = {false};
    records.computeIfPresent(
        key,
        (k, old) -> {
          if (old.version() > version) {
            return old;
          }
          applied[0] = true;
          return null;
        });
    return applied[0];
  }

  /** Shared instances live as long as the JVM; closing one handle must not empty it for the other jobs. */
  @Override
  public void close() {
    if (!shared) {
      records.clear();
    }
  }

  private static void checkBins(Map<String, Object> bins) {
    for (Map.Entry<String, Object> e : bins.entrySet()) {
      if (e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 15) {
        throw new IllegalArgumentException("bin name '" + e.getKey() + "' is longer than 15 bytes");
      }
      checkValue(e.getKey(), e.getValue());
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
    throw new IllegalArgumentException(
        "bin '" + bin + "' holds a " + (v == null ? "null" : v.getClass().getName())
            + "; allowed: String, Long, Double, Boolean and Lists of them");
  }
}
