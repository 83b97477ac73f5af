package io.streamrec.core.store;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** The embedded store against the backend contract, on a fake clock. */
class EmbeddedFeatureStoreContractTest extends FeatureStoreContract {
  private final AtomicLong now = new AtomicLong(1_700_000_000_000L);

  @Override
  protected FeatureStore newStore() {
    return EmbeddedFeatureStore.isolated(now::get);
  }

  @Override
  protected void advanceTime(Duration d) {
    now.addAndGet(d.toMillis());
  }
}
