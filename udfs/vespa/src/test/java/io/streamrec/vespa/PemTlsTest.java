package io.streamrec.vespa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** The TLS context of vespa+https from PEM files (the test files are throwaway, see resources/tls/README.md). */
class PemTlsTest {
  private static final Path TLS = Path.of("src/test/resources/tls");

  @Test
  void buildsAContextFromAClientCertificateItsPkcs8KeyAndACaFile() throws Exception {
    SSLContext ctx = PemTls.sslContext(TLS.resolve("client-cert.pem"), TLS.resolve("client-key.pem"),
        TLS.resolve("ca-cert.pem"));
    assertThat(ctx.getProtocol()).isEqualTo("TLS");
    assertThat(ctx.createSSLEngine()).isNotNull();
    assertThat(PemTls.privateKey(TLS.resolve("client-key.pem")).getAlgorithm()).isEqualTo("EC");
    assertThat(PemTls.certificates(TLS.resolve("ca-cert.pem")).get(0).getSubjectX500Principal().getName())
        .isEqualTo("CN=streamrec-test-ca");
  }

  @Test
  void withoutFilesTheJdkDefaultsApply() {
    assertThat(PemTls.sslContext(null, null, null)).isNotNull();
  }

  @Test
  void aPkcs1KeyIsRefusedWithTheCommandThatConvertsIt() {
    assertThatThrownBy(() -> PemTls.sslContext(TLS.resolve("client-cert.pem"), TLS.resolve("rsa-pkcs1-key.pem"),
        null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PKCS#1")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void aMissingFileIsNamed() {
    assertThatThrownBy(() -> PemTls.sslContext(TLS.resolve("nope.pem"), TLS.resolve("client-key.pem"), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope.pem does not exist");
  }
}
