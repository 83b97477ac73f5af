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

/**
 * Reading the repository's {@code k8s/} in tests (this module's and, through its test-jar, the jobs'): where the
 * repository is, and the YAML documents of a manifest file.
 */
public final class K8sManifests {
  public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private K8sManifests() {}

  /** The nearest directory at or above the working directory that holds {@code k8s/base}. */
  public static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("k8s/base"))) {
      p = p.getParent();
    }
    assertThat(p).as("a directory above %s with k8s/base", Path.of("").toAbsolutePath()).isNotNull();
    return p;
  }

  /** Every non-empty YAML document of {@code file}, in order (a file that is one list yields its items). */
  public static List<JsonNode> documents(Path file) throws IOException {
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
}
