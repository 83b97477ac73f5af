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
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading the repository's {@code k8s/} in tests (this module's and, through its test-jar, the jobs'): where the
 * repository is, the YAML documents of a manifest file or of a kustomization's resources, and which of them a
 * host name in a job argument resolves to.
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

  /**
   * The resource documents of the files a kustomization lists under {@code resources}, in order, following listed
   * directories (their own kustomization.yaml) but applying no patches: what {@code kubectl kustomize} starts from.
   */
  public static List<JsonNode> resources(Path kustomizationDir) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    JsonNode k = documents(kustomizationDir.resolve("kustomization.yaml")).get(0);
    for (JsonNode r : k.path("resources")) {
      Path p = kustomizationDir.resolve(r.asText()).normalize();
      if (Files.isDirectory(p)) {
        out.addAll(resources(p));
      } else {
        documents(p).stream().filter(d -> d.isObject() && d.has("apiVersion")).forEach(out::add);
      }
    }
    return out;
  }

  /** The resources of {@code k8s/base}. */
  public static List<JsonNode> baseResources() throws IOException {
    return resources(repoRoot().resolve("k8s/base"));
  }

  /** {@code <name>.<namespace>.svc} or {@code <pod>.<name>.<namespace>.svc}, optionally {@code .cluster.local}. */
  private static final Pattern SERVICE_HOST =
      Pattern.compile("(?:([a-z0-9-]+)\\.)?([a-z0-9-]+)\\.([a-z0-9-]+)\\.svc(?:\\.cluster\\.local)?\\.?");
  private static final Pattern ORDINAL = Pattern.compile("(.+)-(\\d+)");

  private static Optional<JsonNode> find(List<JsonNode> docs, String kind, String namespace, String name) {
    return docs.stream().filter(d -> d.path("kind").asText().equals(kind)
        && d.path("metadata").path("name").asText().equals(name)
        && d.path("metadata").path("namespace").asText().equals(namespace)).findFirst();
  }

  /** Whether the Service's selector (non-empty) matches the labels of the workload's pod template. */
  private static boolean selects(JsonNode service, JsonNode workload) {
    JsonNode selector = service.path("spec").path("selector");
    JsonNode labels = workload.path("spec").path("template").path("metadata").path("labels");
    if (selector.isEmpty()) {
      return false;
    }
    for (var e : selector.properties()) {
      if (!labels.path(e.getKey()).asText().equals(e.getValue().asText())) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasPort(JsonNode service, int port) {
    for (JsonNode p : service.path("spec").path("ports")) {
      if (p.path("port").asInt() == port) {
        return true;
      }
    }
    return false;
  }

  /**
   * Why {@code host:port} does not name something {@code docs} create, or empty when it does: a Service with that
   * port ({@code <service>.<namespace>.svc}); a pod of a StatefulSet under its headless governing Service
   * ({@code <statefulset>-<ordinal>.<service>.<namespace>.svc}, ordinal below {@code replicas}); or the bootstrap
   * Service Strimzi makes for a {@code Kafka} with a listener on that port ({@code <kafka>-kafka-bootstrap}).
   */
  public static Optional<String> unresolved(String host, int port, List<JsonNode> docs) {
    Matcher m = SERVICE_HOST.matcher(host);
    if (!m.matches()) {
      return Optional.of(host + " is not a Service's cluster DNS name (<service>.<namespace>.svc)");
    }
    String pod = m.group(1);
    String service = m.group(2);
    String namespace = m.group(3);
    if (pod == null && service.endsWith("-kafka-bootstrap")) {
      String kafka = service.substring(0, service.length() - "-kafka-bootstrap".length());
      Optional<JsonNode> k = find(docs, "Kafka", namespace, kafka);
      if (k.isEmpty()) {
        return Optional.of(host + ": no Kafka " + namespace + "/" + kafka + " for Strimzi to make it");
      }
      for (JsonNode l : k.get().path("spec").path("kafka").path("listeners")) {
        if (l.path("port").asInt() == port) {
          return Optional.empty();
        }
      }
      return Optional.of(host + ":" + port + ": Kafka " + kafka + " has no listener on " + port);
    }
    Optional<JsonNode> svc = find(docs, "Service", namespace, service);
    if (svc.isEmpty()) {
      return Optional.of(host + ": no Service " + namespace + "/" + service);
    }
    if (!hasPort(svc.get(), port)) {
      return Optional.of(host + ":" + port + ": Service " + service + " has no port " + port);
    }
    if (pod == null) {
      boolean selects = docs.stream().anyMatch(d -> d.path("metadata").path("namespace").asText().equals(namespace)
          && List.of("StatefulSet", "Deployment", "DaemonSet").contains(d.path("kind").asText())
          && selects(svc.get(), d));
      return selects ? Optional.empty()
          : Optional.of(host + ": Service " + service + " selects no pods of a workload defined here");
    }
    if (!svc.get().path("spec").path("clusterIP").asText().equals("None")) {
      return Optional.of(host + ": Service " + service + " is not headless, so its pods have no DNS names");
    }
    Matcher o = ORDINAL.matcher(pod);
    if (!o.matches()) {
      return Optional.of(host + ": " + pod + " is not a StatefulSet pod's name (<statefulset>-<ordinal>)");
    }
    Optional<JsonNode> sts = find(docs, "StatefulSet", namespace, o.group(1));
    if (sts.isEmpty()) {
      return Optional.of(host + ": no StatefulSet " + namespace + "/" + o.group(1));
    }
    JsonNode spec = sts.get().path("spec");
    if (!spec.path("serviceName").asText().equals(service)) {
      return Optional.of(host + ": StatefulSet " + o.group(1) + " is governed by '" + spec.path("serviceName").asText()
          + "', not " + service);
    }
    if (!selects(svc.get(), sts.get())) {
      return Optional.of(host + ": Service " + service + " does not select the pods of StatefulSet " + o.group(1));
    }
    if (Integer.parseInt(o.group(2)) >= spec.path("replicas").asInt(1)) {
      return Optional.of(host + ": StatefulSet " + o.group(1) + " has " + spec.path("replicas").asInt(1)
          + " replicas, so no pod " + pod);
    }
    return Optional.empty();
  }
}
