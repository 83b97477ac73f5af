package io.streamrec.launcher;

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

/**
 * Test backend {@code unavailable://...}: a feature store whose every call fails as a store that is down would
 * (retryable "connection refused"), to show a job's behaviour with its store down. Registered for the tests only.
 */
public final class UnavailableStoreFactory implements FeatureStoreFactory {
  @Override
  public String scheme() {
    return "unavailable";
  }

  @Override
  public FeatureStore open(FeatureStoreSpec spec) {
    return new FeatureStore() {
      @Override
      public CompletableFuture<Map<FeatureKey, FeatureRecord>> readAll(Collection<FeatureKey> keys) {
        return CompletableFuture.failedFuture(new FeatureStoreException("connection refused (test store)", true));
      }

      @Override
      public CompletableFuture<List<WriteOutcome>> writeAll(List<FeatureWrite> writes) {
        return CompletableFuture.failedFuture(new FeatureStoreException("connection refused (test store)", true));
      }

      @Override
      public void close() {}
    };
  }
}
