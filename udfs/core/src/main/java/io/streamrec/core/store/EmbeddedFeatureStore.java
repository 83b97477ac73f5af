package io.streamrec.core.store;

import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * An in-process {@link FeatureStore}: the default backend, for local runs and tests.
 *
 * <p>Named instances from {@link #shared(String)} are shared by everything in one JVM that loads this class through
 * the same class loader: all jobs of the local MiniCluster, or all jobs of a standalone TaskManager that has
 * udfs-core on its own classpath (see flink-conf.yaml, {@code classloader.parent-first-patterns.additional}).
 * Nothing is persisted: the feature job's checkpointed state is the durable copy, and a restart rebuilds the store
 * from it as new events arrive.
 *
 * <p>Expired records are dropped when a read finds them and by a background sweep of the shared instances every
 * {@value #SWEEP_INTERVAL_S} s ({@link #sweepExpired()}), as a store's expiry thread would: a key nobody reads again
 * does not stay in memory past its TTL.
 */
public final class EmbeddedFeatureStore implements FeatureStore {

  private static final Map<String, EmbeddedFeatureStore> SHARED = new ConcurrentHashMap<>();
  static final long SWEEP_INTERVAL_S = 60;
  private static final ScheduledExecutorService SWEEPER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "embedded-feature-store-sweep");
    t.setDaemon(true);
    return t;
  });

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
    return SHARED.computeIfAbsent(name, n -> {
      EmbeddedFeatureStore store = new EmbeddedFeatureStore(n, System::currentTimeMillis, true);
      SWEEPER.scheduleWithFixedDelay(store::sweepExpired, SWEEP_INTERVAL_S, SWEEP_INTERVAL_S, TimeUnit.SECONDS);
      return store;
    });
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

  /** Records held, expired or not (what {@link #sweepExpired} bounds); for tests and metrics. */
  public int storedRecords() {
    return records.size();
  }

  /** Drops every expired record; returns how many. The shared instances run this in the background. */
  public int sweepExpired() {
    long now = clock.getAsLong();
    int removed = 0;
    for (Map.Entry<FeatureKey, FeatureRecord> e : records.entrySet()) {
      FeatureRecord r = e.getValue();
      if (r.expiresAtMillis() <= now && records.remove(e.getKey(), r)) {
        removed++;
      }
    }
    return removed;
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
    for (FeatureWrite w : writes) {
      if (w.encoded() == null) {
        BinValues.check(w); // an encoded write's bins are its form's, checked by the form's tests
      }
    }
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
          Long deletedAt = tombstones.isEmpty() ? null : tombstones.get(k);
          if (!live && deletedAt != null && deletedAt > w.version()) {
            return old; // deleted by a newer event: a late, older upsert must not bring the record back
          }
          if (!tombstones.isEmpty()) {
            tombstones.remove(k);
          }
          outcome[0] = WriteOutcome.APPLIED;
          if (w.encoded() != null) {
            return new FeatureRecord(w.encoded(), w.version(), expiresAt); // a whole record: replaces the old one
          }
          Map<String, Object> merged = live ? new HashMap<>(old.bins()) : new HashMap<>();
          merged.putAll(w.bins());
          for (FeatureWrite.NewestEntries m : w.mapMerges()) {
            merged.put(m.bin(), m.mergeInto(merged.get(m.bin())));
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

  /** Shared instances live as long as the JVM; closing one handle must not empty it for the other jobs. */
  @Override
  public void close() {
    if (!shared) {
      records.clear();
      tombstones.clear();
    }
  }


}
