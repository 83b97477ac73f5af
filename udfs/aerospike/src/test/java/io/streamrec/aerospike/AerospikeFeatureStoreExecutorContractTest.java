package io.streamrec.aerospike;

import io.streamrec.core.store.FeatureStore;
import io.streamrec.core.store.FeatureStoreContract;
import java.time.Duration;

/** The adapter against the backend contract through the client double, on the blocking-calls-on-an-executor path. */
class AerospikeFeatureStoreExecutorContractTest extends FeatureStoreContract {
  private final InMemoryAerospikeDouble aerospike = new InMemoryAerospikeDouble();

  @Override
  protected FeatureStore newStore() {
    AerospikeSettings settings = AerospikeSettings.builder("127.0.0.1:3000").eventLoops(0).maxCommands(4, 64).build();
    return AerospikeFeatureStore.owning(aerospike.client(), settings, aerospike);
  }

  @Override
  protected void advanceTime(Duration d) {
    aerospike.advance(d);
  }
}
