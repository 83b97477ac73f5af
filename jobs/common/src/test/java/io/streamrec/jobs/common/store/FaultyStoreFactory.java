package io.streamrec.jobs.common.store;

import io.streamrec.core.store.EmbeddedFeatureStore;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureRecord;
import io.streamrec.core.store.FeatureStore;
import io.streamrec.core.store.FeatureStoreException;
import io.streamrec.core.store.FeatureStoreFactory;
import io.streamrec.core.store.FeatureStoreSpec;
import io.streamrec.core.store.FeatureWrite;
import io.streamrec.core.store.WriteOutcome;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test double backend, {@code faulty://<name>}: an in-memory store whose next N write calls fail, retryably or
 * not. Tests configure a named instance before the job opens it (the sink opens stores by spec, on the task).
 */
public final class FaultyStoreFactory implements FeatureStoreFactory {

  /** Named doubles, looked up by the sink through its spec; tests remove theirs when done. */
  static final Map<String, FaultyStore> STORES = new ConcurrentHashMap<>();

  @Override
  public String scheme() {
    return "faulty";
  }

  @Override
  public FeatureStore open(FeatureStoreSpec spec) {
    String name = spec.uri().substring("faulty://".length());
    FaultyStore store = STORES.get(name);
    if (store == null) {
      throw new IllegalStateException("no faulty store named " + name);
    }
    return store;
  }

  /** The double: delegates to an isolated embedded store unless told to fail. */
  static final class FaultyStore implements FeatureStore {
    final EmbeddedFeatureStore delegate = EmbeddedFeatureStore.isolated(System::currentTimeMillis);
    final AtomicInteger failuresLeft = new AtomicInteger();
    final AtomicInteger writeCalls = new AtomicInteger();
    volatile boolean retryable = true;

    @Override
    public CompletableFuture<Map<FeatureKey, FeatureRecord>> readAll(Collection<FeatureKey> keys) {
      return delegate.readAll(keys);
    }

    @Override
    public CompletableFuture<List<WriteOutcome>> writeAll(List<FeatureWrite> writes) {
      writeCalls.incrementAndGet();
      if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return CompletableFuture.failedFuture(new FeatureStoreException("injected failure", retryable));
      }
      return delegate.writeAll(writes);
    }

    @Override
    public void close() {
      // shared by the test and the job; the test drops it
    }
  }
}
