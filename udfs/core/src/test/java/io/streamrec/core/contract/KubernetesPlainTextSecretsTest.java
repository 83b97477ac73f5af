package io.streamrec.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No manifest under {@code k8s/} holds a secret, and no file a ConfigMap is generated from does
 * ({@link PlainTextSecrets}); and the scan does catch the usual ways of writing one in.
 */
class KubernetesPlainTextSecretsTest {

  private static JsonNode yaml(String text) throws IOException {
    return K8sManifests.YAML.readTree(text);
  }

  @Test
  void noManifestHoldsASecret() throws IOException {
    Path k8s = K8sManifests.repoRoot().resolve("k8s");
    List<Path> files;
    try (Stream<Path> s = Files.walk(k8s)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    List<String> problems = new ArrayList<>();
    int documents = 0;
    for (Path f : files) {
      String where = k8s.relativize(f).toString();
      if (f.toString().endsWith(".yaml") && !where.contains("flink-conf/")) {
        for (JsonNode d : K8sManifests.documents(f)) {
          problems.addAll(PlainTextSecrets.problems(where, d));
          documents++;
        }
      } else if (where.startsWith("base/")) { // the files ConfigMaps are generated from
        problems.addAll(PlainTextSecrets.textProblems(where, Files.readString(f)));
      }
    }
    assertThat(documents).isGreaterThan(30);
    assertThat(problems).as("secrets in plain text under k8s/").isEmpty();
  }

  @Test
  void aSecretWithDataIsFlaggedAndOneCreatedByKubectlIsNot() throws IOException {
    assertThat(PlainTextSecrets.problems("t", yaml("{kind: Secret, metadata: {name: s}, data: {a: eHl6}}")))
        .hasSize(1);
    assertThat(PlainTextSecrets.problems("t", yaml("{kind: Secret, metadata: {name: s}, stringData: {a: xyz}}")))
        .isNotEmpty();
    assertThat(PlainTextSecrets.problems("t", yaml("{kind: Secret, metadata: {name: s}, type: Opaque}"))).isEmpty();
  }

  @Test
  void literalSecretsInFieldsEnvironmentAndFlinkConfigurationAreFlagged() throws IOException {
    assertThat(PlainTextSecrets.problems("t",
        yaml("{env: [{name: AEROSPIKE_PASSWORD, value: hunter2}]}"))).isNotEmpty();
    assertThat(PlainTextSecrets.problems("t",
        yaml("{flinkConfiguration: {security.ssl.internal.keystore-password: hunter2}}"))).isNotEmpty();
    assertThat(PlainTextSecrets.problems("t", yaml("{properties.sasl.jaas.config: "
        + "'org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";'}")))
        .isNotEmpty();
    assertThat(PlainTextSecrets.problems("t", yaml("{apiToken: abc}"))).isNotEmpty();
  }

  @Test
  void secretsInArgumentsUrisAndConfigFilesAreFlagged() throws IOException {
    assertThat(PlainTextSecrets.problems("t", yaml("{args: [--feature-store, "
        + "'aerospike://h:3000/streamrec?user=u&password=hunter2']}"))).isNotEmpty();
    assertThat(PlainTextSecrets.problems("t", yaml("{args: ['vespa+https://h/?token=abc']}"))).isNotEmpty();
    assertThat(PlainTextSecrets.problems("t", yaml("{args: ['http://user:hunter2@host:8080/']}"))).isNotEmpty();
    assertThat(PlainTextSecrets.textProblems("t", "security {\n    password hunter2\n}\n")).isNotEmpty();
    assertThat(PlainTextSecrets.textProblems("t", "s3.secret-key: AKIA123\n")).isNotEmpty();
  }

  @Test
  void referencesAreNotFlagged() throws IOException {
    assertThat(PlainTextSecrets.problems("t", yaml("{env: [{name: AEROSPIKE_PASSWORD, valueFrom: {secretKeyRef: "
        + "{name: aerospike, key: password}}}]}"))).isEmpty();
    assertThat(PlainTextSecrets.problems("t", yaml("{volumes: [{name: tls, secret: {secretName: kafka-tls}}]}")))
        .isEmpty();
    assertThat(PlainTextSecrets.problems("t", yaml("{args: [--feature-store, "
        + "'aerospike://h:3000/streamrec?user=u&passwordEnv=AEROSPIKE_PASSWORD', "
        + "'vespa+http://h:8080/?tokenEnv=VESPA_TOKEN']}"))).isEmpty();
    assertThat(PlainTextSecrets.problems("t", yaml("{flinkConfiguration: "
        + "{security.ssl.internal.keystore-password: '${SSL_PASSWORD}', s3.secret-key-file: /etc/s3/key}}")))
        .isEmpty();
    assertThat(PlainTextSecrets.problems("t", yaml("{automountServiceAccountToken: false}"))).isEmpty();
  }
}
