package io.streamrec.vespa;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The one {@link SSLContext} of a {@code vespa+https} index, from PEM files, shared by the feed client and the query
 * client so both authenticate the same way. JDK only: certificates in PEM (one or a chain), keys in unencrypted
 * PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC or Ed25519, what {@code vespa auth cert} writes). Other key formats fail
 * with the openssl command that converts them.
 */
final class PemTls {
  private static final char[] NO_PASSWORD = new char[0];

  private PemTls() {}

  /**
   * @param certificate client certificate chain, or null for no client authentication
   * @param privateKey its key, null exactly when {@code certificate} is
   * @param caCertificates certificates to trust, or null for the JDK's trust store
   */
  static SSLContext sslContext(Path certificate, Path privateKey, Path caCertificates) {
    try {
      KeyManager[] keyManagers = null;
      if (certificate != null) {
        List<X509Certificate> chain = certificates(certificate);
        PrivateKey key = privateKey(privateKey);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, NO_PASSWORD);
        keyManagers = kmf.getKeyManagers();
      }
      TrustManager[] trustManagers = null;
      if (caCertificates != null) {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        int i = 0;
        for (X509Certificate ca : certificates(caCertificates)) {
          ts.setCertificateEntry("ca-" + i++, ca);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        trustManagers = tmf.getTrustManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, trustManagers, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot build the TLS context: " + e.getMessage(), e);
    }
  }

  static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
    byte[] pem = read(file, "certificate");
    Collection<? extends Certificate> certs =
        CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
    if (certs.isEmpty()) {
      throw new IllegalArgumentException("no certificate in " + file);
    }
    List<X509Certificate> out = new ArrayList<>();
    for (Certificate c : certs) {
      out.add((X509Certificate) c);
    }
    return out;
  }

  static PrivateKey privateKey(Path file) throws IOException {
    String pem = new String(read(file, "private key"), StandardCharsets.US_ASCII);
    if (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY")) {
      throw new IllegalArgumentException("the key in " + file + " is PKCS#1/SEC1; convert it to PKCS#8 with"
          + " 'openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pkcs8.pem'");
    }
    if (pem.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
      throw new IllegalArgumentException("the key in " + file + " is encrypted; an unencrypted PKCS#8 key is needed");
    }
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    int b = pem.indexOf(begin);
    int e = pem.indexOf(end);
    if (b < 0 || e < b) {
      throw new IllegalArgumentException("no '" + begin + "' block in " + file);
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException ignored) {
        // not this algorithm; try the next
      }
    }
    throw new IllegalArgumentException("the key in " + file + " is not an RSA, EC or EdDSA PKCS#8 key");
  }

  private static byte[] read(Path file, String what) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("the " + what + " file " + file + " does not exist");
    }
    return Files.readAllBytes(file);
  }
}
