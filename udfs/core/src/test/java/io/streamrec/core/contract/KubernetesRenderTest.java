package io.streamrec.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl kustomize k8s} and {@code kubectl kustomize k8s/overlays/production} render, the base renders to
 * exactly the listed resources plus the generated ConfigMaps, all in the namespace {@code streamrec}, and the
 * rendered documents pass the resources and plain-text-secret checks too.
 *
 * <p>Needs a kubectl client on the PATH. Without one the test is skipped, unless {@code STREAMREC_REQUIRE_KUBECTL}
 * is set (to anything), when it fails: set it where kubectl is part of the build machine.
 */
class KubernetesRenderTest {
  private static final Set<String> GENERATED = Set.of("ConfigMap/streamrec-flink-conf", "ConfigMap/vespa-application");

  private static List<JsonNode> render(String dir) throws Exception {
    Path root = K8sManifests.repoRoot();
    Process p;
    try {
      p = new ProcessBuilder("kubectl", "kustomize", dir).directory(root.toFile()).redirectErrorStream(false)
          .start();
    } catch (IOException noKubectl) {
      if (System.getenv("STREAMREC_REQUIRE_KUBECTL") != null) {
        fail("STREAMREC_REQUIRE_KUBECTL is set but kubectl cannot be run: " + noKubectl.getMessage());
      }
      Assumptions.abort("no kubectl on the PATH (" + noKubectl.getMessage() + "); set STREAMREC_REQUIRE_KUBECTL "
          + "to make this a failure");
      throw noKubectl;
    }
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("kubectl kustomize %s finished", dir).isTrue();
    assertThat(p.exitValue()).as("kubectl kustomize %s: %s", dir, err).isZero();
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = K8sManifests.YAML.readerFor(JsonNode.class).readValues(out)) {
      while (it.hasNext()) {
        JsonNode d = it.next();
        if (d != null && !d.isEmpty()) {
          docs.add(d);
        }
      }
    }
    assertThat(docs).as("documents rendered from %s", dir).isNotEmpty();
    return docs;
  }

  private static String id(JsonNode d) {
    return d.path("kind").asText() + "/" + d.path("metadata").path("name").asText();
  }

  private static void checkRendered(String dir, List<JsonNode> docs) {
    List<String> problems = new ArrayList<>();
    for (JsonNode d : docs) {
      if (!d.path("kind").asText().equals("Namespace")
          && !d.path("metadata").path("namespace").asText().equals("streamrec")) {
        problems.add(dir + " " + id(d) + ": namespace '" + d.path("metadata").path("namespace").asText() + "'");
      }
      problems.addAll(KubernetesWorkloadsTest.missingResources(dir, d));
      problems.addAll(PlainTextSecrets.problems(dir, d));
    }
    assertThat(problems).as("rendered %s", dir).isEmpty();
  }

  @Test
  void theBaseRendersToTheListedResourcesAndTheGeneratedConfigMaps() throws Exception {
    List<JsonNode> docs = render("k8s");
    Set<String> rendered = new TreeSet<>();
    docs.forEach(d -> rendered.add(id(d)));
    Set<String> expected = new TreeSet<>(GENERATED);
    K8sManifests.baseResources().forEach(d -> expected.add(id(d)));
    assertThat(rendered).isEqualTo(expected);
    assertThat(docs).hasSize(expected.size());
    checkRendered("k8s", docs);
  }

  @Test
  void productionRendersWithItsFlinkSettings() throws Exception {
    List<JsonNode> docs = render("k8s/overlays/production");
    checkRendered("k8s/overlays/production", docs);
    List<JsonNode> flink = docs.stream().filter(d -> d.path("kind").asText().equals("FlinkDeployment")).toList();
    assertThat(flink).hasSize(4).allSatisfy(d -> assertThat(
        d.path("spec").path("flinkConfiguration").path("state.backend").asText()).isEqualTo("rocksdb"));
  }
}
