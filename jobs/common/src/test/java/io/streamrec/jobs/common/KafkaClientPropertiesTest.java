package io.streamrec.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientPropertiesTest {

  private static final String PLAIN_JAAS =
      "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"app\" password=\"s3cr3t-pw\";";

  @TempDir Path dir;

  private Path file(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content);
    return f;
  }

  @Test
  void argumentsOverrideTheFileAndTheJobsProfileDefaults() throws IOException {
    Path props = file("client.properties", "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
        + "fetch.max.wait.ms=250\n");
    JobConfig c = JobConfig.fromArgs("--kafka-properties", props.toString(), "--kafka.sasl.mechanism", "PLAIN");

    assertThat(c.kafka().properties()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN", "fetch.max.wait.ms", "250"));
    Properties client = KafkaIO.clientProperties(c);
    assertThat(client).containsEntry("bootstrap.servers", "127.0.0.1:9092").containsEntry("sasl.mechanism", "PLAIN")
        // no reference, no providers: a client without secrets gets nothing it would warn about
        .doesNotContainKey("config.providers");
  }

  @Test
  void aPlainTextSecretOnTheCommandLineIsRefusedWithWhatToDoInstead() {
    assertThatThrownBy(() -> JobConfig.fromArgs("--kafka.sasl.jaas.config", PLAIN_JAAS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--kafka.sasl.jaas.config holds a secret in plain text")
        .hasMessageContaining("${file:")
        .hasMessageContaining("${env:")
        .hasMessageNotContaining("s3cr3t-pw");
    for (String key : new String[] {"ssl.truststore.password", "ssl.keystore.password", "ssl.key.password",
        "ssl.keystore.key"}) {
      assertThatThrownBy(() -> JobConfig.fromArgs("--kafka." + key, "hunter2"))
          .hasMessageContaining("--kafka." + key + " holds a secret in plain text")
          .hasMessageNotContaining("hunter2");
    }
    assertThatThrownBy(() -> JobConfig.fromArgs("--kafka.sasl.jaas.config",
        "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientSecret=abc;"))
        .hasMessageContaining("plain text");
  }

  @Test
  void referencesOnTheCommandLineAreAccepted() {
    JobConfig c = JobConfig.fromArgs(
        "--kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"app\" password=\"${file:/run/secrets/kafka-password}\";",
        "--kafka.ssl.truststore.password", "${env:TRUSTSTORE_PASSWORD}",
        "--kafka.ssl.keystore.password", "${file:/run/secrets/tls.properties:keystore.password}",
        "--kafka.security.protocol", "SASL_SSL");
    assertThat(c.kafka().properties()).containsEntry("ssl.truststore.password", "${env:TRUSTSTORE_PASSWORD}");
  }

  @Test
  void aSecretInTheFileIsKeptAsAReferenceSoNoConfigDumpShowsIt() throws IOException {
    Path props = file("client.properties", "security.protocol=SASL_SSL\nsasl.jaas.config=" + PLAIN_JAAS + "\n"
        + "ssl.truststore.password=trust-me-pw\nssl.truststore.location=/etc/kafka/truststore.p12\n");
    JobConfig c = JobConfig.fromArgs("--kafka-properties", props.toString());

    String abs = props.toAbsolutePath().toString();
    assertThat(c.kafka().properties())
        .containsEntry("sasl.jaas.config", "${file:" + abs + ":sasl.jaas.config}")
        .containsEntry("ssl.truststore.password", "${file:" + abs + ":ssl.truststore.password}")
        .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12");
    String web = ((ParameterTool) c.asGlobalParameters()).toMap().toString();
    for (String dump : new String[] {c.toString(), c.toMap().toString(), web, String.join(" ", c.toArgs())}) {
      assertThat(dump).doesNotContain("s3cr3t-pw").doesNotContain("trust-me-pw");
    }
    assertThat(c.toMap()).containsEntry("kafka-properties", abs).containsEntry("kafka.security.protocol", "SASL_SSL");

    // ... and the Kafka client itself resolves the reference back to the file's value.
    AdminClientConfig kafka = new AdminClientConfig(KafkaIO.clientProperties(c));
    assertThat(kafka.getPassword("sasl.jaas.config").value()).isEqualTo(PLAIN_JAAS);
    assertThat(kafka.getPassword("ssl.truststore.password").value()).isEqualTo("trust-me-pw");
  }

  @Test
  void theKafkaClientResolvesEnvAndFileReferences() throws IOException {
    Path password = file("kafka-password", "pw-from-file\n"); // as `echo pw > file` writes it
    Path tls = file("tls.properties", "keystore.password=ks-pw\n");
    Map.Entry<String, String> env = anEnvironmentVariable();
    JobConfig c = JobConfig.fromArgs(
        "--kafka.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"app\" password=\"${file:" + password + "}\";",
        "--kafka.ssl.keystore.password", "${file:" + tls + ":keystore.password}",
        "--kafka.ssl.truststore.password", "${env:" + env.getKey() + "}");

    Properties client = KafkaIO.clientProperties(c);
    assertThat(client).containsEntry("config.providers", "env,file");
    AdminClientConfig kafka = new AdminClientConfig(client);
    assertThat(kafka.getPassword("sasl.jaas.config").value()).endsWith("password=\"pw-from-file\";");
    assertThat(kafka.getPassword("ssl.keystore.password").value()).isEqualTo("ks-pw");
    assertThat(kafka.getPassword("ssl.truststore.password").value()).isEqualTo(env.getValue());
  }

  @Test
  void anUnresolvableReferenceFailsAtSubmissionNamingItAndTheKafkaClientRefusesItToo() {
    JobConfig missingFile = JobConfig.fromArgs("--kafka.ssl.truststore.password", "${file:" + dir + "/nope}");
    assertThatThrownBy(() -> KafkaIO.clientProperties(missingFile))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Kafka property ssl.truststore.password: cannot read " + dir + "/nope");

    JobConfig missingVar = JobConfig.fromArgs("--kafka.ssl.truststore.password", "${env:STREAMREC_NOT_SET_1F2E}");
    assertThatThrownBy(() -> KafkaIO.clientProperties(missingVar))
        .hasMessageContaining("environment variable STREAMREC_NOT_SET_1F2E is not set");

    // Where the check cannot run first (a TaskManager without the Secret), Kafka does not send the literal text.
    Properties p = new Properties();
    p.putAll(KafkaSecretProviders.registration());
    p.setProperty("bootstrap.servers", "127.0.0.1:9");
    p.setProperty("ssl.truststore.password", "${env:STREAMREC_NOT_SET_1F2E}");
    assertThatThrownBy(() -> new AdminClientConfig(p)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("STREAMREC_NOT_SET_1F2E is not set");
  }

  @Test
  void fileProviderReadsWholeFilesAndKeysWithClearErrors() throws IOException {
    KafkaSecretProviders.File files = new KafkaSecretProviders.File();
    Path secret = file("secret", "line\r\n\n");
    assertThat(files.get(null, Set.of(secret.toString())).data()).containsEntry(secret.toString(), "line");
    Path props = file("p.properties", "a=1\n");
    assertThat(files.get(props.toString(), Set.of("a")).data()).containsEntry("a", "1");
    assertThatThrownBy(() -> files.get(props.toString(), Set.of("b")))
        .hasMessageContaining("no key b in " + props);
    assertThatThrownBy(() -> files.get(null, Set.of("relative/secret")))
        .hasMessageContaining("must name an absolute path");
  }

  @Test
  void malformedReferencesReservedPropertiesAndBadFilesFailWithTheOption() throws IOException {
    assertThatThrownBy(() -> JobConfig.fromArgs("--kafka.ssl.truststore.password", "${vault:kafka/pw}"))
        .hasMessageContaining("${vault:kafka/pw} is not a reference this job resolves");
    assertThatThrownBy(() -> JobConfig.fromArgs("--kafka.ssl.truststore.password", "${file:relative}"))
        .hasMessageContaining("is not a reference");
    assertThatThrownBy(() -> JobConfig.fromArgs("--kafka.bootstrap.servers", "h:1"))
        .hasMessageContaining("use --bootstrap-servers");
    assertThatThrownBy(() -> JobConfig.fromArgs("--kafka.config.providers.x.class", "Foo"))
        .hasMessageContaining("cannot be set here");
    assertThatThrownBy(() -> JobConfig.fromArgs("--kafka.security.protocol", "--topic-prefix", "x"))
        .hasMessageContaining("--kafka.security.protocol needs a value");
    assertThatThrownBy(() -> JobConfig.fromArgs("--kafka-properties", dir.resolve("missing").toString()))
        .hasMessageContaining("--kafka-properties: cannot read " + dir.resolve("missing"));
    Path reserved = file("r.properties", "group.id=g\n");
    assertThatThrownBy(() -> JobConfig.fromArgs("--kafka-properties", reserved.toString()))
        .hasMessageContaining("--kafka-properties " + reserved + ": Kafka property group.id cannot be set here");
  }

  @Test
  void argsRoundTripWithTheFileAndTheArguments() throws IOException {
    Path props = file("client.properties", "sasl.jaas.config=" + PLAIN_JAAS + "\n");
    JobConfig c = JobConfig.fromArgs("--kafka-properties", props.toString(), "--kafka.security.protocol", "SASL_SSL",
        "--kafka.ssl.truststore.password", "${env:TS_PW}");
    JobConfig back = JobConfig.fromArgs(c.toArgs());
    assertThat(back.toMap()).isEqualTo(c.toMap());
    assertThat(c.toArgs()).containsSequence("--kafka-properties", props.toAbsolutePath().toString());
  }

  private static Map.Entry<String, String> anEnvironmentVariable() {
    return System.getenv().entrySet().stream()
        .filter(e -> e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*") && !e.getValue().isEmpty()
            && !e.getValue().contains("${"))
        .findFirst().orElseThrow(() -> new AssertionError("no environment variable to test with"));
  }
}
