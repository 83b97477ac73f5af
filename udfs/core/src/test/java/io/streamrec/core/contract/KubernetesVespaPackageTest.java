package io.streamrec.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The Vespa application package under {@code k8s/base/vespa-app/} against {@code udfs/vespa/src/main/application/}
 * (the one the adapter is tested against) and against the manifests that run it:
 *
 * <ul>
 *   <li>its schemas are byte-for-byte copies (kustomize reads files only from below its kustomization);
 *   <li>its services.xml has the same container cluster (id and APIs) and content cluster (id and
 *       {@code <documents>}), only placed on nodes;
 *   <li>hosts.xml lists exactly the pods of the Vespa StatefulSets, every host alias services.xml uses is one of
 *       them, and the config servers are the ones VESPA_CONFIGSERVERS names;
 *   <li>the ConfigMap generator and the deploy Job carry every file of the package.
 * </ul>
 */
class KubernetesVespaPackageTest {
  private static final Path ROOT = K8sManifests.repoRoot();
  private static final Path APP = ROOT.resolve("udfs/vespa/src/main/application");
  private static final Path K8S_APP = ROOT.resolve("k8s/base/vespa-app");

  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).map(f -> dir.relativize(f).toString()).sorted().toList();
    }
  }

  private static Document xml(Path f) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setIgnoringComments(true);
    factory.setIgnoringElementContentWhitespace(true);
    Document d = factory.newDocumentBuilder().parse(f.toFile());
    strip(d.getDocumentElement());
    d.normalizeDocument();
    return d;
  }

  /** Drops whitespace-only text (no DTD, so the factory's flag alone does not). */
  private static void strip(Node n) {
    NodeList children = n.getChildNodes();
    for (int i = children.getLength() - 1; i >= 0; i--) {
      Node c = children.item(i);
      if (c.getNodeType() == Node.TEXT_NODE && c.getTextContent().isBlank()) {
        n.removeChild(c);
      } else {
        strip(c);
      }
    }
  }

  private static List<Element> children(Element e, String name) {
    List<Element> out = new ArrayList<>();
    NodeList l = e.getChildNodes();
    for (int i = 0; i < l.getLength(); i++) {
      if (l.item(i) instanceof Element c && (name == null || c.getTagName().equals(name))) {
        out.add(c);
      }
    }
    return out;
  }

  private static Element only(Element e, String name) {
    List<Element> l = children(e, name);
    assertThat(l).as("<%s> in <%s>", name, e.getTagName()).hasSize(1);
    return l.get(0);
  }

  @Test
  void theSchemasAreCopiesOfUdfsVespas() throws IOException {
    List<String> schemas = files(APP.resolve("schemas"));
    assertThat(schemas).isNotEmpty();
    assertThat(files(K8S_APP.resolve("schemas"))).as("k8s/base/vespa-app/schemas/ has the same files").isEqualTo(
        schemas);
    for (String f : schemas) {
      assertThat(Files.readString(K8S_APP.resolve("schemas").resolve(f)))
          .as("k8s/base/vespa-app/schemas/%s is a copy of udfs/vespa/src/main/application/schemas/%s: copy it again",
              f, f)
          .isEqualTo(Files.readString(APP.resolve("schemas").resolve(f)));
    }
    assertThat(files(APP)).as("udfs/vespa's package has only services.xml and schemas (else copy the rest too)")
        .allMatch(f -> f.equals("services.xml") || f.startsWith("schemas/"));
  }

  @Test
  void servicesXmlHasUdfsVespasClustersPlacedOnNodes() throws Exception {
    Element local = xml(APP.resolve("services.xml")).getDocumentElement();
    Element k8s = xml(K8S_APP.resolve("services.xml")).getDocumentElement();

    Element localContainer = only(local, "container");
    Element k8sContainer = only(k8s, "container");
    assertThat(k8sContainer.getAttribute("id")).isEqualTo(localContainer.getAttribute("id"));
    assertThat(children(k8sContainer, null).stream().map(Element::getTagName).filter(t -> !t.equals("nodes")))
        .as("the container's APIs").containsExactlyElementsOf(
            children(localContainer, null).stream().map(Element::getTagName).toList());

    Element localContent = only(local, "content");
    Element k8sContent = only(k8s, "content");
    assertThat(k8sContent.getAttribute("id")).as("content cluster id (the adapter's cluster=)")
        .isEqualTo(localContent.getAttribute("id"));
    assertThat(only(k8sContent, "documents").isEqualNode(only(localContent, "documents")))
        .as("<documents> (types, modes, garbage-collection selection) equals udfs/vespa's").isTrue();
    assertThat(children(only(k8sContent, "nodes"), "node")).as("content nodes").isNotEmpty();
    assertThat(children(only(k8sContainer, "nodes"), "node")).as("container nodes").isNotEmpty();
  }

  @Test
  void hostsAreTheStatefulSetsPodsAndTheConfigServersAreVespaConfigservers() throws Exception {
    List<JsonNode> docs = K8sManifests.baseResources();
    Set<String> pods = new TreeSet<>();
    for (JsonNode d : docs) {
      if (d.path("kind").asText().equals("StatefulSet")
          && d.path("spec").path("template").path("metadata").path("labels").path("app.kubernetes.io/name")
              .asText().equals("vespa")) {
        String name = d.path("metadata").path("name").asText();
        for (int i = 0; i < d.path("spec").path("replicas").asInt(); i++) {
          pods.add(name + "-" + i + "." + d.path("spec").path("serviceName").asText() + "."
              + d.path("metadata").path("namespace").asText() + ".svc.cluster.local");
        }
      }
    }
    Element hosts = xml(K8S_APP.resolve("hosts.xml")).getDocumentElement();
    Set<String> hostNames = new TreeSet<>();
    Set<String> aliases = new TreeSet<>();
    java.util.Map<String, String> hostOf = new java.util.HashMap<>();
    for (Element h : children(hosts, "host")) {
      hostNames.add(h.getAttribute("name"));
      for (Element a : children(h, "alias")) {
        aliases.add(a.getTextContent().trim());
        hostOf.put(a.getTextContent().trim(), h.getAttribute("name"));
      }
    }
    assertThat(hostNames).as("hosts.xml lists exactly the Vespa StatefulSets' pods").isEqualTo(pods);

    Document services = xml(K8S_APP.resolve("services.xml"));
    NodeList all = services.getElementsByTagName("*");
    Set<String> used = new TreeSet<>();
    Set<String> configServers = new TreeSet<>();
    for (int i = 0; i < all.getLength(); i++) {
      Element e = (Element) all.item(i);
      if (e.hasAttribute("hostalias")) {
        used.add(e.getAttribute("hostalias"));
        if (e.getTagName().equals("configserver")) {
          configServers.add(hostOf.get(e.getAttribute("hostalias")));
        }
      }
    }
    assertThat(aliases).as("host aliases services.xml uses are defined in hosts.xml").containsAll(used);
    assertThat(used).as("every host of hosts.xml runs something").containsAll(aliases);

    JsonNode env = docs.stream().filter(d -> d.path("kind").asText().equals("ConfigMap")
        && d.path("metadata").path("name").asText().equals("vespa-env")).findFirst().orElseThrow();
    assertThat(new TreeSet<>(Arrays.stream(env.path("data").path("VESPA_CONFIGSERVERS").asText().split(","))
        .map(String::trim).toList())).as("VESPA_CONFIGSERVERS = services.xml's config servers")
        .isEqualTo(configServers);
  }

  @Test
  void theGeneratorAndTheDeployJobCarryEveryFileOfThePackage() throws IOException {
    List<String> packageFiles = files(K8S_APP);
    JsonNode k = K8sManifests.documents(ROOT.resolve("k8s/base/kustomization.yaml")).get(0);
    List<String> generated = new ArrayList<>();
    for (JsonNode g : k.path("configMapGenerator")) {
      if (g.path("name").asText().equals("vespa-application")) {
        g.path("files").forEach(f -> generated.add(f.asText().substring("vespa-app/".length())));
      }
    }
    assertThat(generated).as("configMapGenerator vespa-application files").containsExactlyInAnyOrderElementsOf(
        packageFiles);

    JsonNode job = K8sManifests.baseResources().stream().filter(d -> d.path("kind").asText().equals("Job")
        && d.path("metadata").path("name").asText().equals("vespa-deploy")).findFirst().orElseThrow();
    List<String> mapped = new ArrayList<>();
    for (JsonNode v : job.path("spec").path("template").path("spec").path("volumes")) {
      if (v.path("configMap").path("name").asText().equals("vespa-application")) {
        for (JsonNode item : v.path("configMap").path("items")) {
          assertThat(Path.of(item.path("path").asText()).getFileName().toString())
              .as("ConfigMap key %s", item.path("key").asText()).isEqualTo(item.path("key").asText());
          mapped.add(item.path("path").asText());
        }
      }
    }
    assertThat(mapped).as("the Job's volume puts every file back at its path").containsExactlyInAnyOrderElementsOf(
        packageFiles);
  }
}
