package io.streamrec.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every custom resource under {@code k8s/} against the CRD its operator publishes (copied verbatim into
 * {@code src/test/resources/k8s-crds/}, sources and licences in the README there):
 *
 * <ul>
 *   <li>its {@code apiVersion}/{@code kind} has a CRD here, and the version is served and not deprecated;
 *   <li>it validates against that version's {@code openAPIV3Schema} (as OpenAPI 3.0, which Kubernetes' structural
 *       schemas are a subset of; {@code x-kubernetes-int-or-string} is read as integer-or-string);
 *   <li>every field it sets is one the schema declares. The API server does not reject an unknown field of a
 *       structural schema, it prunes it, so a typo ({@code paralelism}) would be dropped without a word: this is
 *       the check that catches it. Below {@code x-kubernetes-preserve-unknown-fields} (e.g. {@code
 *       flinkConfiguration}, a topic's {@code config}) anything goes, as on the server.
 * </ul>
 *
 * Overlays are checked merged: each overlay's kustomization is applied here in the small way it is written (its
 * {@code resources}, {@code namespace} and target-selected JSON 6902 or strategic-merge {@code patches}); anything
 * else a kustomization could say fails the test rather than being skipped. Nothing is rendered with kustomize.
 */
class KubernetesCustomResourceSchemaTest {
  /** The fields of ObjectMeta a manifest may set (the CRDs leave {@code metadata} to the API server). */
  private static final Set<String> OBJECT_META = Set.of("name", "generateName", "namespace", "labels",
      "annotations", "finalizers", "ownerReferences");

  /** {@code group/kind} → the CRD document. */
  private static final Map<String, JsonNode> CRDS = new TreeMap<>();
  private static final Map<String, Schema> COMPILED = new HashMap<>();
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30());

  @BeforeAll
  static void loadCrds() throws IOException, URISyntaxException {
    Path dir = Path.of(KubernetesCustomResourceSchemaTest.class.getResource("/k8s-crds").toURI());
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml")).sorted().toList();
    }
    for (Path f : files) {
      for (JsonNode d : K8sManifests.documents(f)) {
        if (d.path("kind").asText().equals("CustomResourceDefinition")) {
          CRDS.put(d.path("spec").path("group").asText() + "/" + d.path("spec").path("names").path("kind").asText(),
              d);
        }
      }
    }
  }

  private static String group(JsonNode doc) {
    String apiVersion = doc.path("apiVersion").asText();
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  private static String version(JsonNode doc) {
    String apiVersion = doc.path("apiVersion").asText();
    return apiVersion.substring(apiVersion.indexOf('/') + 1);
  }

  /** Built-in groups have no dot ("", apps, batch) or are Kubernetes' own (rbac.authorization.k8s.io, ...). */
  private static boolean isCustomResource(JsonNode doc) {
    String g = group(doc);
    return g.contains(".") && !g.endsWith(".k8s.io") && !g.equals("k8s.io");
  }

  // ----------------------------------------------------------------------------------------------------------
  // The checks

  /** What is wrong with one document; empty when it is not a custom resource or is a valid one. */
  static List<String> problems(String where, JsonNode doc) {
    List<String> out = new ArrayList<>();
    if (!doc.isObject() || !isCustomResource(doc)) {
      return out;
    }
    String what = where + " " + doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
    JsonNode crd = CRDS.get(group(doc) + "/" + doc.path("kind").asText());
    if (crd == null) {
      out.add(what + ": unknown kind " + doc.path("apiVersion").asText() + " " + doc.path("kind").asText()
          + " (no CRD for it under src/test/resources/k8s-crds; have: " + CRDS.keySet() + ")");
      return out;
    }
    JsonNode version = null;
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (v.path("name").asText().equals(version(doc))) {
        version = v;
      }
    }
    if (version == null || !version.path("served").asBoolean(false)) {
      out.add(what + ": " + doc.path("apiVersion").asText() + " is not a served version of "
          + crd.path("metadata").path("name").asText());
      return out;
    }
    if (version.path("deprecated").asBoolean(false)) {
      out.add(what + ": " + doc.path("apiVersion").asText() + " is deprecated: "
          + version.path("deprecationWarning").asText("(no warning given)"));
    }
    JsonNode openApi = version.path("schema").path("openAPIV3Schema");
    Schema schema = COMPILED.computeIfAbsent(group(doc) + "/" + version(doc) + "/" + doc.path("kind").asText(),
        k -> REGISTRY.getSchema(kubernetesToOpenApi(openApi.deepCopy())));
    schema.validate(doc).forEach(e -> out.add(what + ": " + e));
    unknownFields(doc, openApi, "", out);
    out.replaceAll(s -> s.startsWith(what) ? s : what + ": " + s);
    return out;
  }

  /** {@code x-kubernetes-int-or-string} without its anyOf (the CRD generators write both, but may not). */
  private static JsonNode kubernetesToOpenApi(JsonNode schema) {
    if (schema.isObject()) {
      ObjectNode o = (ObjectNode) schema;
      if (o.path("x-kubernetes-int-or-string").asBoolean(false) && !o.has("anyOf") && !o.has("type")) {
        ArrayNode anyOf = o.putArray("anyOf");
        anyOf.addObject().put("type", "integer");
        anyOf.addObject().put("type", "string");
      }
    }
    schema.forEach(KubernetesCustomResourceSchemaTest::kubernetesToOpenApi);
    return schema;
  }

  /** Each field of {@code value} the schema does not declare, which the API server would prune. */
  private static void unknownFields(JsonNode value, JsonNode schema, String path, List<String> out) {
    if (value.isArray()) {
      JsonNode items = schema.path("items");
      for (int i = 0; i < value.size(); i++) {
        if (items.isObject()) {
          unknownFields(value.get(i), items, path + "[" + i + "]", out);
        }
      }
      return;
    }
    if (!value.isObject()) {
      return;
    }
    boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    JsonNode additional = schema.path("additionalProperties");
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String p = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
      if (path.isEmpty() && (field.getKey().equals("apiVersion") || field.getKey().equals("kind"))) {
        continue; // implicit in every object; the CRDs need not declare them (the Flink ones do not)
      }
      if (path.isEmpty() && field.getKey().equals("metadata")) {
        field.getValue().fieldNames().forEachRemaining(m -> {
          if (!OBJECT_META.contains(m)) {
            out.add("metadata." + m + " is no field of ObjectMeta");
          }
        });
        continue;
      }
      JsonNode declared = declared(schema, field.getKey());
      if (declared != null) {
        unknownFields(field.getValue(), declared, p, out);
      } else if (additional.isObject()) {
        unknownFields(field.getValue(), additional, p, out);
      } else if (!preserve && !additional.asBoolean(false)) {
        out.add(p + " is not in the schema (the API server would prune it); known here: " + known(schema));
      }
    }
  }

  /** The schema of a property, from {@code properties} or from those of its allOf/anyOf/oneOf branches. */
  private static JsonNode declared(JsonNode schema, String name) {
    if (schema.path("properties").has(name)) {
      return schema.path("properties").get(name);
    }
    for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
      for (JsonNode branch : schema.path(combinator)) {
        JsonNode d = declared(branch, name);
        if (d != null) {
          return d;
        }
      }
    }
    return null;
  }

  private static Set<String> known(JsonNode schema) {
    Set<String> names = new TreeSet<>();
    schema.path("properties").fieldNames().forEachRemaining(names::add);
    return names;
  }

  // ----------------------------------------------------------------------------------------------------------
  // Overlays, merged the small way they are written

  /** The resources of a kustomization directory with its patches applied. */
  private static List<JsonNode> build(Path dir, List<String> unmatchedPatches) throws IOException {
    JsonNode k = K8sManifests.documents(dir.resolve("kustomization.yaml")).get(0);
    Set<String> understood = Set.of("apiVersion", "kind", "resources", "namespace", "patches", "configMapGenerator",
        "generatorOptions");
    k.fieldNames().forEachRemaining(f -> assertThat(understood)
        .as("%s/kustomization.yaml says '%s', which this test does not apply: teach it or validate otherwise", dir, f)
        .contains(f));
    List<JsonNode> resources = new ArrayList<>();
    for (JsonNode r : k.path("resources")) {
      Path p = dir.resolve(r.asText()).normalize();
      if (Files.isDirectory(p)) {
        resources.addAll(build(p, unmatchedPatches));
      } else {
        K8sManifests.documents(p).stream().filter(d -> d.isObject() && d.has("apiVersion")).forEach(resources::add);
      }
    }
    if (k.has("namespace")) {
      resources.forEach(d -> ((ObjectNode) d.path("metadata")).put("namespace", k.path("namespace").asText()));
    }
    for (JsonNode patch : k.path("patches")) {
      // readTree, not K8sManifests.documents(): a JSON 6902 patch file is one list, which readValues would take apart.
      JsonNode body = patch.has("path") ? K8sManifests.YAML.readTree(dir.resolve(patch.path("path").asText()).toFile())
          : K8sManifests.YAML.readTree(patch.path("patch").asText());
      JsonNode target = patch.path("target");
      assertThat(target.has("labelSelector") || target.has("annotationSelector"))
          .as("a patch target by selector in %s: not applied by this test", dir).isFalse();
      int matched = 0;
      for (JsonNode d : resources) {
        if (matches(d, target.isMissingNode() && body.isObject() ? selfTarget(body) : target)) {
          matched++;
          if (body.isArray()) {
            jsonPatch((ObjectNode) d, body, dir);
          } else {
            merge((ObjectNode) d, body);
          }
        }
      }
      if (matched == 0) {
        unmatchedPatches.add(dir + ": " + patch);
      }
    }
    return resources;
  }

  private static JsonNode selfTarget(JsonNode body) {
    ObjectNode t = JsonNodeFactory.instance.objectNode();
    t.put("group", group(body)).put("kind", body.path("kind").asText());
    if (body.path("metadata").has("name")) {
      t.put("name", body.path("metadata").path("name").asText());
    }
    return t;
  }

  private static boolean matches(JsonNode doc, JsonNode target) {
    return (!target.has("group") || target.path("group").asText().equals(group(doc)))
        && (!target.has("version") || target.path("version").asText().equals(version(doc)))
        && (!target.has("kind") || target.path("kind").asText().equals(doc.path("kind").asText()))
        && (!target.has("name") || doc.path("metadata").path("name").asText().matches(target.path("name").asText()))
        && (!target.has("namespace")
            || target.path("namespace").asText().equals(doc.path("metadata").path("namespace").asText()));
  }

  /** RFC 6902 add, replace and remove; the others fail (none is used). */
  private static void jsonPatch(ObjectNode doc, JsonNode ops, Path where) {
    for (JsonNode op : ops) {
      String[] tokens = op.path("path").asText().substring(1).split("/", -1);
      JsonNode parent = doc;
      for (int i = 0; i < tokens.length - 1; i++) {
        String t = unescape(tokens[i]);
        parent = parent.isArray() ? parent.path(Integer.parseInt(t)) : parent.path(t);
        assertThat(parent.isContainerNode()).as("%s: %s: no %s in the resource", where, op, t).isTrue();
      }
      String last = unescape(tokens[tokens.length - 1]);
      String name = op.path("op").asText();
      assertThat(name).as("%s: JSON patch op", where).isIn("add", "replace", "remove");
      if (parent.isObject()) {
        ObjectNode o = (ObjectNode) parent;
        if (!name.equals("add")) {
          assertThat(o.has(last)).as("%s: %s: nothing to %s", where, op, name).isTrue();
        }
        if (name.equals("remove")) {
          o.remove(last);
        } else {
          o.set(last, op.path("value").deepCopy());
        }
      } else {
        ArrayNode a = (ArrayNode) parent;
        int i = last.equals("-") ? a.size() : Integer.parseInt(last);
        if (name.equals("add")) {
          a.insert(i, op.path("value").deepCopy());
        } else if (name.equals("replace")) {
          a.set(i, op.path("value").deepCopy());
        } else {
          a.remove(i);
        }
      }
    }
  }

  private static String unescape(String token) {
    return token.replace("~1", "/").replace("~0", "~");
  }

  /** A strategic-merge patch without merge keys: objects merge, anything else (lists too) replaces. */
  private static void merge(ObjectNode into, JsonNode patch) {
    patch.fields().forEachRemaining(e -> {
      if (e.getValue().isObject() && into.path(e.getKey()).isObject()) {
        merge((ObjectNode) into.get(e.getKey()), e.getValue());
      } else if (e.getValue().isNull()) {
        into.remove(e.getKey());
      } else {
        into.set(e.getKey(), e.getValue().deepCopy());
      }
    });
  }

  // ----------------------------------------------------------------------------------------------------------
  // The tests

  @Test
  void theCrdsOfEveryOperatorWeTargetAreHere() {
    assertThat(CRDS).containsKeys("flink.apache.org/FlinkDeployment", "flink.apache.org/FlinkSessionJob",
        "kafka.strimzi.io/Kafka", "kafka.strimzi.io/KafkaNodePool", "kafka.strimzi.io/KafkaTopic");
  }

  @Test
  void everyCustomResourceUnderK8sIsValidAgainstItsCrd() throws IOException {
    Path k8s = K8sManifests.repoRoot().resolve("k8s");
    List<Path> files;
    try (Stream<Path> s = Files.walk(k8s)) {
      files = s.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .filter(f -> !k8s.relativize(f).toString().contains("flink-conf"))
          .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
          .sorted().toList();
    }
    List<String> problems = new ArrayList<>();
    Map<String, Integer> validated = new TreeMap<>();
    for (Path f : files) {
      for (JsonNode d : K8sManifests.documents(f)) {
        problems.addAll(problems(k8s.relativize(f).toString(), d));
        if (d.isObject() && isCustomResource(d)) {
          validated.merge(d.path("kind").asText(), 1, Integer::sum);
        }
      }
    }
    assertThat(problems).as("custom resources against their CRDs").isEmpty();
    assertThat(validated).containsKeys("FlinkDeployment", "Kafka", "KafkaNodePool", "KafkaTopic");
  }

  @Test
  void everyOverlayMergedIsValidAgainstTheCrds() throws IOException {
    Path overlays = K8sManifests.repoRoot().resolve("k8s/overlays");
    List<Path> dirs;
    try (Stream<Path> s = Files.list(overlays)) {
      dirs = s.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml"))).sorted().toList();
    }
    assertThat(dirs).isNotEmpty();
    for (Path dir : dirs) {
      List<String> unmatched = new ArrayList<>();
      List<JsonNode> merged = build(dir, unmatched);
      assertThat(unmatched).as("patches of %s that change no resource", dir).isEmpty();
      List<String> problems = new ArrayList<>();
      for (JsonNode d : merged) {
        problems.addAll(problems("overlays/" + dir.getFileName() + " (merged)", d));
      }
      assertThat(problems).as("custom resources of overlay %s against their CRDs", dir.getFileName()).isEmpty();
      assertThat(merged.stream().filter(KubernetesCustomResourceSchemaTest::isCustomResource)).isNotEmpty();
    }
  }

  /** The checks above can fail: each kind of mistake, made on a copy of a real manifest. */
  @Test
  void aWrongTypeAnUnknownFieldAnUnknownKindAndADeprecatedVersionAreCaught() throws IOException {
    Path base = K8sManifests.repoRoot().resolve("k8s/base");
    ObjectNode job = (ObjectNode) K8sManifests.documents(base.resolve("40-feature-job.yaml")).get(0);
    assertThat(problems("copy", job)).isEmpty();

    ObjectNode wrongType = job.deepCopy();
    ((ObjectNode) wrongType.path("spec").path("job")).put("parallelism", "two");
    assertThat(problems("copy", wrongType)).anySatisfy(p -> assertThat(p).contains("/spec/job/parallelism"));

    ObjectNode badEnum = job.deepCopy();
    ((ObjectNode) badEnum.path("spec").path("job")).put("upgradeMode", "snapshot");
    assertThat(problems("copy", badEnum)).anySatisfy(p -> assertThat(p).contains("/spec/job/upgradeMode"));

    ObjectNode typo = job.deepCopy();
    ((ObjectNode) typo.path("spec").path("job")).put("paralelism", 2);
    ((ObjectNode) typo.path("spec").path("taskManager").path("resource")).put("memroy", "2048m");
    assertThat(problems("copy", typo))
        .anySatisfy(p -> assertThat(p).contains("spec.job.paralelism is not in the schema"))
        .anySatisfy(p -> assertThat(p).contains("spec.taskManager.resource.memroy is not in the schema"));

    ObjectNode topic = (ObjectNode) K8sManifests.documents(base.resolve("31-kafka-topics.yaml")).get(0);
    assertThat(problems("copy", topic)).isEmpty();
    ObjectNode noPartitions = topic.deepCopy();
    ((ObjectNode) noPartitions.path("spec")).put("partitions", 0);
    assertThat(problems("copy", noPartitions)).anySatisfy(p -> assertThat(p).contains("/spec/partitions"));
    ObjectNode deprecated = topic.deepCopy().put("apiVersion", "kafka.strimzi.io/v1beta2");
    assertThat(problems("copy", deprecated)).anySatisfy(p -> assertThat(p).contains("is deprecated"));
    ObjectNode unserved = topic.deepCopy().put("apiVersion", "kafka.strimzi.io/v2");
    assertThat(problems("copy", unserved)).anySatisfy(p -> assertThat(p).contains("is not a served version"));

    ObjectNode unknownKind = topic.deepCopy().put("apiVersion", "asdb.aerospike.com/v1").put("kind",
        "AerospikeCluster");
    assertThat(problems("copy", unknownKind)).anySatisfy(p -> assertThat(p).contains("unknown kind"));

    ObjectNode pool = (ObjectNode) K8sManifests.documents(base.resolve("30-kafka.yaml")).get(0);
    ObjectNode badVolume = pool.deepCopy();
    ((ObjectNode) badVolume.path("spec").path("storage").path("volumes").path(0)).put("kraftMetadata", "all");
    assertThat(problems("copy", badVolume)).anySatisfy(p -> assertThat(p).contains("kraftMetadata"));
  }
}
