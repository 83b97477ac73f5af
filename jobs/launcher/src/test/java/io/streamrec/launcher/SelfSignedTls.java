package io.streamrec.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away TLS identity for a test broker, made with the JDK's {@code keytool} in a temp dir (never committed):
 * a PKCS12 keystore with a self-signed EC key whose certificate names 127.0.0.1 (clients verify the host name by
 * default), and a PKCS12 truststore holding that certificate. Passwords are random and reach keytool through files
 * ({@code -storepass:file}), not its command line.
 */
record SelfSignedTls(Path keystore, String keystorePassword, Path truststore, String truststorePassword) {

  private static final SecureRandom RANDOM = new SecureRandom();

  static String randomPassword() {
    byte[] b = new byte[18];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static SelfSignedTls create(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    String keystorePassword = randomPassword();
    String truststorePassword = randomPassword();
    Path ksPass = write(dir.resolve("keystore.pass"), keystorePassword);
    Path tsPass = write(dir.resolve("truststore.pass"), truststorePassword);
    Path keystore = dir.resolve("broker.p12");
    Path cert = dir.resolve("broker.crt");
    Path truststore = dir.resolve("truststore.p12");
    keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", keystore.toString(),
        "-storepass:file", ksPass.toString(), "-keypass:file", ksPass.toString());
    keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(),
        "-storepass:file", ksPass.toString(), "-file", cert.toString());
    keytool("-importcert", "-noprompt", "-alias", "broker", "-file", cert.toString(),
        "-storetype", "PKCS12", "-keystore", truststore.toString(), "-storepass:file", tsPass.toString());
    return new SelfSignedTls(keystore, keystorePassword, truststore, truststorePassword);
  }

  /** Without the passwords. */
  @Override
  public String toString() {
    return "SelfSignedTls[keystore=" + keystore + ", truststore=" + truststore + "]";
  }

  private static Path write(Path file, String secret) throws IOException {
    return Files.writeString(file, secret, StandardCharsets.UTF_8);
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool " + args[0] + " failed: " + out);
    }
  }
}
