package io.streamrec.aerospike;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aerospike.client.Host;
import com.aerospike.client.policy.ClientPolicy;
import io.streamrec.core.store.FeatureStoreException;
import io.streamrec.core.store.FeatureStoreFactory;
import io.streamrec.core.store.FeatureStoreSpec;
import java.net.ServerSocket;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The factory without a server: service registration, settings to client policy, and a clear connect failure. */
class AerospikeFeatureStoreFactoryTest {

  @Test
  void isRegisteredForTheAerospikeScheme() {
    assertThat(ServiceLoader.load(FeatureStoreFactory.class).stream().map(ServiceLoader.Provider::get))
        .anySatisfy(f -> {
          assertThat(f).isInstanceOf(AerospikeFeatureStoreFactory.class);
          assertThat(f.scheme()).isEqualTo("aerospike");
        });
  }

  @Test
  void aSpecReachesTheFactoryWhichFailsClearlyWhenNoServerAnswers() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // free once closed: nothing listens there
    }
    FeatureStoreSpec spec = FeatureStoreSpec.parse("aerospike://127.0.0.1:" + port + "/streamrec?connectTimeoutMs=300");
    assertThatThrownBy(spec::open)
        .isInstanceOfSatisfying(FeatureStoreException.class, e -> assertThat(e.retryable()).isTrue())
        .hasMessageStartingWith("cannot reach Aerospike at 127.0.0.1:" + port + ": ");
  }

  @Test
  void aBadSpecFailsInTheFactoryWithTheParserMessage() {
    assertThatThrownBy(() -> FeatureStoreSpec.parse("aerospike://h:3000/ns?password=x").open())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a password never goes into the spec");
  }

  @Test
  void thePasswordComesFromTheNamedEnvironmentVariable() {
    AerospikeSettings s = AerospikeSettings.parse("aerospike://h/ns?user=svc&passwordEnv=AS_PW&connectTimeoutMs=250");
    ClientPolicy p = AerospikeFeatureStoreFactory.clientPolicy(s, Map.of("AS_PW", "s3cret")::get);
    assertThat(p.user).isEqualTo("svc");
    assertThat(p.password).isEqualTo("s3cret");
    assertThat(p.timeout).isEqualTo(250);
    assertThat(p.tlsPolicy).isNull();

    assertThatThrownBy(() -> AerospikeFeatureStoreFactory.clientPolicy(s, Map.<String, String>of()::get))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the Aerospike password for user 'svc' is read from the environment variable AS_PW,"
            + " which is not set");
  }

  @Test
  void tlsSetsThePolicyAndTheHostsTlsName() {
    AerospikeSettings tls = AerospikeSettings.parse("aerospike://h1:4333,h2:4333/ns?tls=true&tlsName=cluster.example");
    assertThat(AerospikeFeatureStoreFactory.clientPolicy(tls, k -> null).tlsPolicy).isNotNull();
    assertThat(AerospikeFeatureStoreFactory.hosts(tls)).extracting(h -> h.name, h -> h.tlsName, h -> h.port)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("h1", "cluster.example", 4333),
            org.assertj.core.groups.Tuple.tuple("h2", "cluster.example", 4333));
    Host plain = AerospikeFeatureStoreFactory.hosts(AerospikeSettings.parse("aerospike://h1/ns"))[0];
    assertThat(plain.tlsName).isNull();
  }

  @Test
  void inFlightBoundsGoToTheEventPolicyAndEnoughConnectionsAreAllowed() {
    AerospikeSettings s = AerospikeSettings.parse(
        "aerospike://h/ns?eventLoops=4&maxCommandsInProcess=50&maxCommandsInQueue=900");
    assertThat(AerospikeFeatureStoreFactory.eventPolicy(s).maxCommandsInProcess).isEqualTo(50);
    assertThat(AerospikeFeatureStoreFactory.eventPolicy(s).maxCommandsInQueue).isEqualTo(900);
    assertThat(AerospikeFeatureStoreFactory.clientPolicy(s, k -> null).asyncMaxConnsPerNode).isEqualTo(200);
  }
}
