package io.streamrec.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("k8s/base"))) {
      p = p.getParent();
    }
    assertThat(p).as("a directory above %s with k8s/base", Path.of("").toAbsolutePath()).isNotNull();
    return p;
  }

  private static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (it.hasNext()) {
        JsonNode d = it.next();
        if (d != null && !d.isNull() && !d.isEmpty()) {
          out.add(d);
        }
      }
    }
    return out;
  }

  @Test
  void everyManifestParsesAndEveryResourceNamesItsKind() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(repoRoot().resolve("k8s"))) {
      files = s.filter(f -> f.toString().endsWith(".yaml") && !f.toString().contains("flink-conf")).toList();
    }
    assertThat(files).isNotEmpty();
    int resources = 0;
    for (Path f : files) {
      for (JsonNode d : documents(f)) { // a patch file is a list, a resource an object with an apiVersion
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
    for (JsonNode d : documents(repoRoot().resolve("k8s/base/31-kafka-topics.yaml"))) {
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
    Path root = repoRoot();
    for (String f : List.of("flink-conf.yaml", "log4j.properties")) {
      assertThat(Files.readString(root.resolve("k8s/base/flink-conf").resolve(f)))
          .as("k8s/base/flink-conf/%s is a copy of flink-conf/%s: copy it again", f, f)
          .isEqualTo(Files.readString(root.resolve("flink-conf").resolve(f)));
    }
  }
}
