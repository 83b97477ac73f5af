package io.streamrec.vespa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.core.index.VectorIndex;
import io.streamrec.core.index.VectorIndexException;
import io.streamrec.core.index.VectorIndexFactory;
import io.streamrec.core.index.VectorIndexSpec;
import java.net.ServerSocket;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Service registration, spec to index, and clear failures for a bad spec or an unreachable endpoint. */
class VespaIndexFactoryTest {

  @Test
  void isRegisteredForBothVespaSchemes() {
    assertThat(ServiceLoader.load(VectorIndexFactory.class).stream().map(ServiceLoader.Provider::get))
        .anySatisfy(f -> {
          assertThat(f).isInstanceOf(VespaIndexFactory.class);
          assertThat(f.supports("vespa+http")).isTrue();
          assertThat(f.supports("vespa+https")).isTrue();
          assertThat(f.supports("embedded")).isFalse();
        });
  }

  @Test
  void aSpecOpensAnIndexThatHandshakesWithTheEndpoint() {
    try (VespaProtocolDouble vespa = VespaProtocolDouble.start(8);
        VectorIndex index = VectorIndexSpec.parse(vespa.spec("namespace=f")).open()) {
      assertThat(index).isInstanceOf(VespaVectorIndex.class);
      assertThat(vespa.handshakes()).isEqualTo(1);
      assertThat(index.active()).isEmpty();
    }
  }

  @Test
  void anUnreachableEndpointFailsRetryably() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // free once closed: nothing listens there
    }
    VectorIndexSpec spec = VectorIndexSpec.parse("vespa+http://127.0.0.1:" + port + "/?namespace=x");
    assertThatThrownBy(spec::open)
        .isInstanceOfSatisfying(VectorIndexException.class, e -> assertThat(e.retryable()).isTrue())
        .hasMessageStartingWith("cannot reach Vespa at http://127.0.0.1:" + port + ": ");
  }

  @Test
  void aBadSpecFailsWithTheParserMessage() {
    assertThatThrownBy(() -> VectorIndexSpec.parse("vespa+http://h:8080/?maxInflight=lots").open())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxInflight must be an integer, got 'lots'");
  }

  @Test
  void theTokenComesFromTheNamedEnvironmentVariable() {
    VespaSettings s = VespaSettings.parse("vespa+http://127.0.0.1:1/?tokenEnv=VESPA_TOKEN");
    assertThatThrownBy(() -> VespaVectorIndex.open(s, Map.<String, String>of()::get))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the Vespa token is read from the environment variable VESPA_TOKEN, which is not set");
  }
}
