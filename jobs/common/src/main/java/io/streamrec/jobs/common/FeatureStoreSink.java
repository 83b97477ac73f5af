package io.streamrec.jobs.common;

import io.streamrec.core.store.FeatureStore;
import io.streamrec.core.store.FeatureStoreSpec;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;

/**
 * Writes elements to the feature store, one versioned upsert each.
 *
 * <p>Synchronous: right for the embedded store, whose writes are in-memory map updates. The Aerospike backend gets
 * a batching, bounded-in-flight async sink instead.
 *
 * <p>Metrics: {@code storeWrites}, {@code storeWritesStale} (refused because a newer version was stored — expected
 * after a restore replays events), {@code storeFreshnessLagMs} (wall clock minus the version of the last write).
 */
public final class FeatureStoreSink<T> extends RichSinkFunction<T> {
  private static final long serialVersionUID = 1L;

  private final FeatureStoreSpec spec;
  private final StoreWriter<T> writer;

  private transient FeatureStore store;
  private transient Counter writes;
  private transient Counter stale;
  private transient volatile long lastVersion;

  public FeatureStoreSink(FeatureStoreSpec spec, StoreWriter<T> writer) {
    this.spec = spec;
    this.writer = writer;
  }

  @Override
  public void open(Configuration parameters) {
    store = spec.open();
    var group = getRuntimeContext().getMetricGroup();
    writes = group.counter("storeWrites");
    stale = group.counter("storeWritesStale");
    group.gauge("storeFreshnessLagMs", () -> lastVersion == 0 ? 0L : System.currentTimeMillis() - lastVersion);
  }

  @Override
  public void invoke(T element, Context context) {
    long version = writer.version(element);
    boolean applied = store.upsert(writer.key(element), writer.bins(element), version, writer.ttl(element));
    if (applied) {
      writes.inc();
      lastVersion = version;
    } else {
      stale.inc();
    }
  }

  @Override
  public void close() {
    if (store != null) {
      store.close();
    }
  }
}
