package io.streamrec.aerospike;

import io.streamrec.core.store.FeatureStore;
import io.streamrec.core.store.FeatureStoreContract;
import io.streamrec.core.store.FeatureStoreSpec;
import java.time.Duration;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The backend contract against a real Aerospike cluster, when one is configured:
 *
 * <pre>
 * AEROSPIKE_HOSTS=h1:3000,h2:3000 [AEROSPIKE_NAMESPACE=test] [AEROSPIKE_PARAMS='user=u&amp;passwordEnv=PW'] \
 *   mvn -pl udfs/aerospike verify
 * </pre>
 *
 * The namespace (default {@code test}, the stock server's) must allow TTLs: {@code nsup-period} above 0 (or
 * {@code allow-ttl-without-nsup true}), else every write with a TTL fails with FAIL_FORBIDDEN (22). Each test uses a
 * fresh set. TTLs are whole seconds on a real server, so the expiry test really waits (about 3 s).
 */
@EnabledIfEnvironmentVariable(named = "AEROSPIKE_HOSTS", matches = ".+")
class AerospikeFeatureStoreRealServerITCase extends FeatureStoreContract {

  @Override
  protected FeatureStore newStore() {
    String namespace = System.getenv().getOrDefault("AEROSPIKE_NAMESPACE", "test");
    String params = System.getenv().getOrDefault("AEROSPIKE_PARAMS", "");
    return FeatureStoreSpec.parse("aerospike://" + System.getenv("AEROSPIKE_HOSTS") + "/" + namespace
        + (params.isEmpty() ? "" : "?" + params)).open();
  }

  @Override
  protected void advanceTime(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis()); // a real server's clock: there is nothing to poll for, the test reads after this
  }
}
