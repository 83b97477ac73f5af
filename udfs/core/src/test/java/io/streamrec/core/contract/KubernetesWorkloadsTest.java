package io.streamrec.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The workloads {@code k8s/base} lists: every container asks for and is bounded in CPU and memory (including the
 * ones operators create from a custom resource), and Aerospike's configuration agrees with its StatefulSet and with
 * the store layout.
 */
class KubernetesWorkloadsTest {
  /** The container of a FlinkDeployment's podTemplate that the operator merges into the JobManager/TaskManager. */
  private static final String FLINK_MAIN = "flink-main-container";

  /** Why each container (and each custom resource's pod sizing) lacks requests or limits; empty when none does. */
  static List<String> missingResources(String where, JsonNode doc) {
    List<String> out = new ArrayList<>();
    String what = where + " " + doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
    containers(what, "", doc, out);
    switch (doc.path("kind").asText()) {
      case "FlinkDeployment" -> {
        // The operator sizes the JobManager and TaskManager pods from these (requests = limits by default).
        for (String role : List.of("jobManager", "taskManager")) {
          JsonNode r = doc.path("spec").path(role).path("resource");
          if (!r.hasNonNull("cpu") || !r.hasNonNull("memory")) {
            out.add(what + ": spec." + role + ".resource needs cpu and memory");
          }
        }
      }
      case "KafkaNodePool" -> requestsAndLimits(what + " spec.resources", doc.path("spec").path("resources"), out);
      case "Kafka" -> {
        JsonNode spec = doc.path("spec");
        spec.path("entityOperator").properties().forEach(e -> {
          if (e.getKey().endsWith("Operator")) {
            requestsAndLimits(what + " spec.entityOperator." + e.getKey() + ".resources",
                e.getValue().path("resources"), out);
          }
        });
        for (String part : List.of("cruiseControl", "kafkaExporter")) {
          if (spec.has(part)) {
            requestsAndLimits(what + " spec." + part + ".resources", spec.path(part).path("resources"), out);
          }
        }
      }
      default -> { }
    }
    return out;
  }

  private static void containers(String what, String path, JsonNode node, List<String> out) {
    if (node.isObject()) {
      for (var e : node.properties()) {
        String at = path + "." + e.getKey();
        if ((e.getKey().equals("containers") || e.getKey().equals("initContainers")) && e.getValue().isArray()) {
          for (JsonNode c : e.getValue()) {
            if (FLINK_MAIN.equals(c.path("name").asText()) && what.contains(" FlinkDeployment/")) {
              continue; // sized by spec.jobManager/taskManager.resource, checked below
            }
            requestsAndLimits(what + " " + at + "[" + c.path("name").asText() + "].resources", c.path("resources"),
                out);
          }
        } else {
          containers(what, at, e.getValue(), out);
        }
      }
    } else if (node.isArray()) {
      node.forEach(n -> containers(what, path, n, out));
    }
  }

  private static void requestsAndLimits(String what, JsonNode resources, List<String> out) {
    for (String bound : List.of("requests", "limits")) {
      for (String resource : List.of("cpu", "memory")) {
        if (resources.path(bound).path(resource).asText().isBlank()) {
          out.add(what + ": no " + bound + "." + resource);
        }
      }
    }
  }

  @Test
  void everyContainerHasRequestsAndLimits() throws IOException {
    List<JsonNode> docs = K8sManifests.baseResources();
    List<String> problems = new ArrayList<>();
    int workloads = 0;
    for (JsonNode d : docs) {
      problems.addAll(missingResources("k8s/base", d));
      if (Set.of("StatefulSet", "Deployment", "Job", "FlinkDeployment", "KafkaNodePool")
          .contains(d.path("kind").asText())) {
        workloads++;
      }
    }
    assertThat(workloads).as("workloads in k8s/base").isGreaterThanOrEqualTo(9);
    assertThat(problems).as("containers without requests and limits").isEmpty();
  }

  @Test
  void theCheckFindsAContainerWithoutLimits() throws IOException {
    JsonNode sts = K8sManifests.YAML.readTree("{kind: StatefulSet, metadata: {name: x}, spec: {template: {spec: "
        + "{initContainers: [{name: i, resources: {requests: {cpu: 1, memory: 1Gi}, limits: {cpu: 1, memory: 1Gi}}}],"
        + " containers: [{name: c, resources: {requests: {cpu: 1, memory: 1Gi}}}]}}}}");
    assertThat(missingResources("t", sts)).hasSize(2).allMatch(p -> p.contains("[c]") && p.contains("limits"));
    JsonNode flink = K8sManifests.YAML.readTree("{kind: FlinkDeployment, metadata: {name: f}, spec: "
        + "{jobManager: {resource: {memory: 1g, cpu: 1}}, taskManager: {resource: {memory: 1g}}}}");
    assertThat(missingResources("t", flink)).singleElement().asString().contains("taskManager");
  }

  private static JsonNode one(List<JsonNode> docs, String kind, String name) {
    return docs.stream().filter(d -> d.path("kind").asText().equals(kind)
        && d.path("metadata").path("name").asText().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in k8s/base"));
  }

  @Test
  void aerospikeConfNamesTheStoreNamespaceTheStatefulSetsPodsAndExpiresRecords() throws IOException {
    List<JsonNode> docs = K8sManifests.baseResources();
    JsonNode sts = one(docs, "StatefulSet", "aerospike");
    String conf = one(docs, "ConfigMap", "aerospike-conf").path("data").path("aerospike.conf").asText();

    Set<String> namespaces = new TreeSet<>();
    Matcher ns = Pattern.compile("(?m)^\\s*namespace\\s+(\\S+)\\s*\\{").matcher(conf);
    while (ns.find()) {
      namespaces.add(ns.group(1));
    }
    assertThat(namespaces).as("Aerospike namespaces: the store layout's").containsExactly(StoreLayout.NAMESPACE);
    Matcher nsup = Pattern.compile("(?m)^\\s*nsup-period\\s+(\\d+)").matcher(conf);
    assertThat(nsup.find() && Integer.parseInt(nsup.group(1)) > 0)
        .as("nsup-period > 0 (else every write with a TTL fails)").isTrue();

    Set<String> seeds = new TreeSet<>();
    Matcher seed = Pattern.compile("(?m)^\\s*mesh-seed-address-port\\s+(\\S+)\\s+3002").matcher(conf);
    while (seed.find()) {
      seeds.add(seed.group(1));
    }
    Set<String> pods = new TreeSet<>();
    String service = sts.path("spec").path("serviceName").asText();
    for (int i = 0; i < sts.path("spec").path("replicas").asInt(); i++) {
      pods.add("aerospike-" + i + "." + service + "." + sts.path("metadata").path("namespace").asText()
          + ".svc.cluster.local");
    }
    assertThat(seeds).as("the mesh seeds are the StatefulSet's pods").isEqualTo(pods);
    assertThat(conf).as("the StatefulSet mounts its data volume where aerospike.conf keeps the file")
        .contains("file /opt/aerospike/data/");
    assertThat(sts.path("spec").path("volumeClaimTemplates").get(0).path("metadata").path("name").asText())
        .isEqualTo("data");
  }
}
