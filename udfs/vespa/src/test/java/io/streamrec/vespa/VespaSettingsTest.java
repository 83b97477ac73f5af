package io.streamrec.vespa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VespaSettingsTest {

  @Test
  void parsesTheFullSpec() {
    VespaSettings s = VespaSettings.parse("vespa+http://vespa.internal:19071/?namespace=prod&dimension=64"
        + "&cluster=items&maxInflight=32&maxBlockMs=250&timeoutMs=3000&queryTimeoutMs=400&activeCacheMs=0"
        + "&connections=4&rankProfile=mips&exploreAdditionalHits=90&compression=gzip&tokenEnv=VESPA_TOKEN");
    assertThat(s.endpoint()).isEqualTo(URI.create("http://vespa.internal:19071"));
    assertThat(s.tls()).isFalse();
    assertThat(s.namespace()).isEqualTo("prod");
    assertThat(s.dimension()).isEqualTo(64);
    assertThat(s.cluster()).isEqualTo("items");
    assertThat(s.maxInflight()).isEqualTo(32);
    assertThat(s.maxBlock()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(s.queryTimeout()).isEqualTo(Duration.ofMillis(400));
    assertThat(s.activeCacheTime()).isEqualTo(Duration.ZERO);
    assertThat(s.connections()).isEqualTo(4);
    assertThat(s.rankProfile()).isEqualTo("mips");
    assertThat(s.exploreAdditionalHits()).isEqualTo(90);
    assertThat(s.compression()).isEqualTo("gzip");
    assertThat(s.tokenEnv()).isEqualTo("VESPA_TOKEN");
  }

  @Test
  void appliesTheDefaults() {
    VespaSettings s = VespaSettings.parse("vespa+http://localhost");
    assertThat(s).isEqualTo(VespaSettings.builder(URI.create("http://localhost:8080")).build());
    assertThat(s.namespace()).isEqualTo("streamrec");
    assertThat(s.dimension()).isEqualTo(32);
    assertThat(s.cluster()).isEqualTo("streamrec");
    assertThat(s.maxInflight()).isEqualTo(256);
    assertThat(s.maxBlock()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.queryTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.activeCacheTime()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.rankProfile()).isEqualTo(VespaLayout.RANK_PROFILE);
    assertThat(s.compression()).isEqualTo("auto");
    assertThat(VespaSettings.parse("vespa+http://localhost:8080/")).isEqualTo(s);
    assertThat(VespaSettings.parse("vespa+https://x.vespa-app.cloud/").endpoint())
        .isEqualTo(URI.create("https://x.vespa-app.cloud:443"));
  }

  @Test
  void httpsTakesCertificateFiles() {
    VespaSettings s = VespaSettings.parse("vespa+https://h:443/?cert=/etc/v/cert.pem&key=/etc/v/key.pem"
        + "&ca=/etc/v/ca%20file.pem");
    assertThat(s.tls()).isTrue();
    assertThat(s.certificate()).isEqualTo(Path.of("/etc/v/cert.pem"));
    assertThat(s.privateKey()).isEqualTo(Path.of("/etc/v/key.pem"));
    assertThat(s.caCertificates()).isEqualTo(Path.of("/etc/v/ca file.pem"));
    assertThat(s.toString()).isEqualTo("vespa+https://h:443/?namespace=streamrec&dimension=32&cluster=streamrec");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "vespa://h:8080/|it must start with vespa+http:// or vespa+https://",
      "http://h:8080/|it must start with vespa+http://",
      "vespa+http:///?namespace=x|no host",
      "vespa+http://h:8080/search/|the path must be empty or '/', got '/search/'",
      "vespa+http://h:8080/?dimension=abc|dimension must be an integer, got 'abc'",
      "vespa+http://h:8080/?dimension=0|dimension must be in 1..4096, got 0",
      "vespa+http://h:8080/?maxInflight=0|maxInflight must be in 1..65536, got 0",
      "vespa+http://h:8080/?maxBlockMs=-1|maxBlockMs must be >= 0, got -1",
      "vespa+http://h:8080/?timeoutMs=0|timeoutMs must be > 0, got 0",
      "vespa+http://h:8080/?namespace=a:b|namespace must match [A-Za-z0-9_.-]{1,64}, got 'a:b'",
      "vespa+http://h:8080/?colour=red|unknown parameter 'colour'; known: [activeCacheMs, ca, cert, cluster,",
      "vespa+http://h:8080/?dimension=8&dimension=16|parameter 'dimension' is given twice",
      "vespa+http://h:8080/?dimension|parameter 'dimension' is not name=value",
      "vespa+http://h:8080/?compression=brotli|compression must be auto, gzip or none, got 'brotli'",
      "vespa+http://h:8080/?cert=/c.pem&key=/k.pem|cert, key and ca need vespa+https://",
      "vespa+https://h/?cert=/c.pem|cert and key go together",
      "vespa+http://h:8080/?token=abc|a secret never goes into the spec",
      "vespa+http://h:8080/?tokenEnv=1X|tokenEnv must name an environment variable, got '1X'",
      "vespa+http://user@h:8080/|user info in the URI is not supported",
      "vespa+http://h:8080/?namespace=%zz|not a URI: Malformed escape pair",
  })
  void refusesBadSpecsWithAMessageNamingTheProblem(String spec, String message) {
    assertThatThrownBy(() -> VespaSettings.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("bad Vespa vector index spec '" + spec + "': ")
        .hasMessageContaining(message);
  }
}
