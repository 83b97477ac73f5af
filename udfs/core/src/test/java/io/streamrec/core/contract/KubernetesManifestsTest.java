package io.streamrec.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The hand-kept parts of {@code k8s/} against what they copy: every manifest parses, the Strimzi topics equal the
 * {@link Topics} registry, and the ConfigMap's source files equal {@code flink-conf/} (kustomize reads files only
 * from below its kustomization, so {@code k8s/base/flink-conf/} is a copy).
 */
class KubernetesManifestsTest {

  @Test
  void everyManifestParsesAndEveryResourceNamesItsKind() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(K8sManifests.repoRoot().resolve("k8s"))) {
      files = s.filter(f -> f.toString().endsWith(".yaml") && !f.toString().contains("flink-conf")).toList();
    }
    assertThat(files).isNotEmpty();
    int resources = 0;
    for (Path f : files) {
      for (JsonNode d : K8sManifests.documents(f)) { // a patch file is a list, a resource an object with an apiVersion
        if (d.isObject() && d.has("apiVersion")) {
          assertThat(d.path("kind").asText()).as("kind in %s", f).isNotBlank();
          resources++;
        }
      }
    }
    assertThat(resources).isGreaterThan(10);
  }

  @Test
  void theKafkaTopicsAreTheRegistrys() throws IOException {
    Map<String, String> manifests = new TreeMap<>();
    for (JsonNode d : K8sManifests.documents(K8sManifests.repoRoot().resolve("k8s/base/31-kafka-topics.yaml"))) {
      if (d.path("kind").asText().equals("KafkaTopic")) {
        manifests.put(d.path("metadata").path("name").asText(), d.path("spec").path("partitions").asInt() + " "
            + d.path("spec").path("config").path("cleanup.policy").asText());
      }
    }
    Map<String, String> registry = new TreeMap<>();
    for (TopicSpec t : Topics.ALL) {
      registry.put(t.name(), t.partitions() + " " + (t.compacted() ? "compact" : "delete"));
    }
    assertThat(manifests).isEqualTo(registry);
  }

  @Test
  void theConfigMapsFilesAreFlinkConfs() throws IOException {
    Path root = K8sManifests.repoRoot();
    for (String f : List.of("flink-conf.yaml", "log4j.properties")) {
      assertThat(Files.readString(root.resolve("k8s/base/flink-conf").resolve(f)))
          .as("k8s/base/flink-conf/%s is a copy of flink-conf/%s: copy it again", f, f)
          .isEqualTo(Files.readString(root.resolve("flink-conf").resolve(f)));
    }
  }
}
