package io.streamrec.aerospike;

import com.aerospike.client.AerospikeClient;
import com.aerospike.client.AerospikeException;
import com.aerospike.client.Host;
import com.aerospike.client.IAerospikeClient;
import com.aerospike.client.async.EventLoops;
import com.aerospike.client.async.EventPolicy;
import com.aerospike.client.async.NioEventLoops;
import com.aerospike.client.policy.ClientPolicy;
import com.aerospike.client.policy.TlsPolicy;
import io.streamrec.core.store.FeatureStore;
import io.streamrec.core.store.FeatureStoreException;
import io.streamrec.core.store.FeatureStoreFactory;
import io.streamrec.core.store.FeatureStoreSpec;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens {@code aerospike://} feature stores (registered in {@code META-INF/services}): parses the spec into {@link
 * AerospikeSettings}, builds an {@link AerospikeClient} (with NIO event loops unless {@code eventLoops=0}) and
 * returns a store that owns it. Each open builds its own client; a job opens one store per task and shares it
 * across the task's calls.
 */
public final class AerospikeFeatureStoreFactory implements FeatureStoreFactory {
  private static final Logger LOG = LoggerFactory.getLogger(AerospikeFeatureStoreFactory.class);

  @Override
  public String scheme() {
    return AerospikeSettings.SCHEME;
  }

  /**
   * Opens a store. A bad spec fails with an {@link IllegalArgumentException}; an unreachable cluster with a
   * retryable {@link FeatureStoreException} "cannot reach Aerospike at h:3000: ...".
   */
  @Override
  public FeatureStore open(FeatureStoreSpec spec) {
    return open(AerospikeSettings.parse(spec.uri()), System::getenv);
  }

  static AerospikeFeatureStore open(AerospikeSettings settings, UnaryOperator<String> env) {
    ClientPolicy policy = clientPolicy(settings, env);
    EventLoops loops = settings.async() ? eventLoops(settings) : null;
    policy.eventLoops = loops;
    IAerospikeClient client;
    try {
      client = new AerospikeClient(policy, hosts(settings));
    } catch (AerospikeException e) {
      if (loops != null) {
        loops.close();
      }
      throw new FeatureStoreException(
          "cannot reach Aerospike at " + String.join(",", settings.hosts()) + ": " + e.getMessage(), true, e);
    } catch (RuntimeException e) {
      if (loops != null) {
        loops.close();
      }
      throw e;
    }
    AerospikeFeatureStore store = AerospikeFeatureStore.owning(client, settings, loops);
    LOG.info("opened {}", store);
    return store;
  }

  /** The client's policy for these settings, without event loops; {@code env} resolves {@code passwordEnv}. */
  static ClientPolicy clientPolicy(AerospikeSettings s, UnaryOperator<String> env) {
    ClientPolicy p = new ClientPolicy();
    if (s.user() != null) {
      String password = env.apply(s.passwordEnv());
      if (password == null || password.isEmpty()) {
        throw new IllegalStateException("the Aerospike password for user '" + s.user()
            + "' is read from the environment variable " + s.passwordEnv() + ", which is not set");
      }
      p.user = s.user();
      p.password = password;
    }
    if (s.tls()) {
      p.tlsPolicy = new TlsPolicy();
    }
    p.timeout = (int) s.connectTimeout().toMillis();
    // Enough connections for every command the settings let be in flight (each is one connection per node).
    p.maxConnsPerNode = Math.max(p.maxConnsPerNode, s.maxCommandsInProcess());
    p.asyncMaxConnsPerNode = Math.max(p.maxConnsPerNode, s.eventLoops() * s.maxCommandsInProcess());
    p.failIfNotConnected = true;
    // The store passes its own batch policies on every call; these defaults cover anything else using the client.
    p.readPolicyDefault.totalTimeout = (int) s.totalTimeout().toMillis();
    p.readPolicyDefault.socketTimeout = (int) s.socketTimeout().toMillis();
    p.readPolicyDefault.maxRetries = s.maxRetries();
    p.batchPolicyDefault.totalTimeout = (int) s.totalTimeout().toMillis();
    p.batchPolicyDefault.socketTimeout = (int) s.socketTimeout().toMillis();
    p.batchPolicyDefault.maxRetries = s.maxRetries();
    return p;
  }

  static Host[] hosts(AerospikeSettings s) {
    return s.hostPorts().stream()
        .map(h -> new Host(h.host(), s.tls() ? s.tlsName() : null, h.port()))
        .toArray(Host[]::new);
  }

  static EventPolicy eventPolicy(AerospikeSettings s) {
    EventPolicy ep = new EventPolicy();
    ep.maxCommandsInProcess = s.maxCommandsInProcess();
    ep.maxCommandsInQueue = s.maxCommandsInQueue();
    return ep;
  }

  private static EventLoops eventLoops(AerospikeSettings s) {
    // Daemon threads: an unclosed store must not keep a task manager JVM alive.
    return new NioEventLoops(eventPolicy(s), s.eventLoops(), true, "aerospike-store");
  }
}
