package io.streamrec.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import io.streamrec.aerospike.AerospikeSettings;
import io.streamrec.core.contract.K8sManifests;
import io.streamrec.core.training.TrainingLogSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each FlinkDeployment in {@code k8s/base/4*-*.yaml} against the job it runs: its {@code job.args} are accepted by
 * {@link JobConfig#fromArgs} (and name only options it knows: {@code ParameterTool} would ignore a misspelt one and
 * fall back to the embedded default), the feature store and vector index are networked ones (an embedded store
 * lives in one TaskManager's JVM and is not shared with the others), its {@code entryClass} is a job's source, and
 * its {@code jarURI} is that job module's shaded jar; and every host the arguments name (Kafka bootstrap servers,
 * Aerospike seeds, the Vespa endpoint) is a Service, a StatefulSet pod under its headless Service, or Strimzi's
 * bootstrap Service of a {@code Kafka}, defined in {@code k8s/base} with that port. A job with options of its own
 * (the training-log job's {@link TrainingLogSettings}) is checked against that parser as well.
 */
class KubernetesJobArgsTest {
  private static final Pattern JAR = Pattern.compile("local:///opt/flink/usrlib/(.+)-job\\.jar");

  /** What a job's main reads besides {@link JobConfig}, and whether it uses the feature store and vector index. */
  private record JobArgs(List<String> ownOptions, boolean usesStores) {}

  /** Every job the manifests may run, by entry class (a new job must be added here). */
  private static final Map<String, JobArgs> JOBS = Map.of(
      "io.streamrec.jobs.feature.FeatureJob", new JobArgs(List.of(), true),
      "io.streamrec.jobs.index.IndexJob", new JobArgs(List.of(), true),
      "io.streamrec.jobs.serving.ServingJob", new JobArgs(List.of(), true),
      "io.streamrec.jobs.traininglog.TrainingLogJob", new JobArgs(TrainingLogSettings.OPTIONS, false));

  private static JobArgs jobArgs(JsonNode deployment) {
    String entryClass = deployment.path("spec").path("job").path("entryClass").asText();
    JobArgs job = JOBS.get(entryClass);
    assertThat(job).as("%s: entryClass %s is a job this test knows", deployment.path("metadata").path("name")
        .asText(), entryClass).isNotNull();
    return job;
  }

  private static List<JsonNode> flinkDeployments(Path root) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(root.resolve("k8s/base"))) {
      files = s.filter(f -> f.getFileName().toString().matches("4.*-.*\\.yaml")).sorted().toList();
    }
    List<JsonNode> out = new ArrayList<>();
    for (Path f : files) {
      try (MappingIterator<JsonNode> it = K8sManifests.YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
        while (it.hasNext()) {
          JsonNode d = it.next();
          if (d != null && d.path("kind").asText().equals("FlinkDeployment")) {
            out.add(d);
          }
        }
      }
    }
    return out;
  }

  private static String[] args(JsonNode deployment) {
    List<String> args = new ArrayList<>();
    deployment.path("spec").path("job").path("args").forEach(a -> args.add(a.asText()));
    return args.toArray(String[]::new);
  }

  @Test
  void everyJobsArgsParseToNetworkedStores() throws IOException {
    List<JsonNode> deployments = flinkDeployments(K8sManifests.repoRoot());
    assertThat(deployments).hasSizeGreaterThanOrEqualTo(4);
    for (JsonNode d : deployments) {
      String name = d.path("metadata").path("name").asText();
      String[] args = args(d);
      JobArgs job = jobArgs(d);
      assertThat(args).as("%s: job.args", name).isNotEmpty();
      assertThat(args.length % 2).as("%s: job.args are --option value pairs", name).isZero();
      List<String> known = new ArrayList<>(JobConfig.fromArgs().toMap().keySet());
      known.addAll(job.ownOptions());
      if (!job.usesStores()) {
        known.removeAll(List.of("feature-store", "vector-index", "model-dir"));
      }
      for (int i = 0; i < args.length; i += 2) {
        assertThat(args[i]).as("%s: job.args[%d]", name, i).startsWith("--");
        String option = args[i].substring(2);
        if (!option.startsWith(KafkaClientProperties.PREFIX)) { // --kafka.<property>: any Kafka client property
          assertThat(option).as("%s: an option the job reads", name).isIn(known);
        }
      }

      JobConfig config = JobConfig.fromArgs(args);
      assertThat(config.bootstrapServers()).as("%s: --bootstrap-servers", name).doesNotStartWith("127.0.0.1");
      if (!job.ownOptions().isEmpty()) {
        assertThatCode(() -> TrainingLogSettings.fromArgs(args)).as("%s: its own options", name)
            .doesNotThrowAnyException();
      }
      if (!job.usesStores()) {
        continue;
      }
      assertThat(config.featureStore().backend()).as("%s: --feature-store (embedded is per TaskManager)", name)
          .isEqualTo(AerospikeSettings.SCHEME);
      assertThatCode(() -> AerospikeSettings.parse(config.featureStore().uri())).as("%s: --feature-store", name)
          .doesNotThrowAnyException();
      assertThat(config.vectorIndex().backend()).as("%s: --vector-index (embedded is per TaskManager)", name)
          .isEqualTo("vespa+http");
      assertThat(URI.create(config.vectorIndex().uri()).getHost()).as("%s: --vector-index host", name).isNotBlank();
    }
  }

  @Test
  void everyEntryClassIsAJobsSourceAndTheJarIsItsModules() throws IOException {
    Path root = K8sManifests.repoRoot();
    for (JsonNode d : flinkDeployments(root)) {
      String name = d.path("metadata").path("name").asText();
      String entryClass = d.path("spec").path("job").path("entryClass").asText();
      assertThat(entryClass).as("%s: entryClass", name).isNotBlank();
      String source = "src/main/java/" + entryClass.replace('.', '/') + ".java";
      List<Path> modules;
      try (Stream<Path> s = Files.list(root.resolve("jobs"))) {
        modules = s.filter(m -> Files.isRegularFile(m.resolve(source))).toList();
      }
      assertThat(modules).as("%s: jobs/*/%s", name, source).hasSize(1);
      assertThat(Files.readString(modules.get(0).resolve(source))).as("%s: %s has a main", name, entryClass)
          .contains("public static void main(String[] args)");

      String jarUri = d.path("spec").path("job").path("jarURI").asText();
      Matcher jar = JAR.matcher(jarUri);
      assertThat(jar.matches()).as("%s: jarURI %s names a shaded job jar", name, jarUri).isTrue();
      String pom = Files.readString(modules.get(0).resolve("pom.xml"));
      String afterParent = pom.substring(pom.indexOf("</parent>"));
      String artifactId = between(afterParent, "<artifactId>", "</artifactId>");
      String version = between(pom.substring(pom.indexOf("<parent>")), "<version>", "</version>");
      assertThat(jar.group(1)).as("%s: the jar of %s", name, modules.get(0).getFileName())
          .isEqualTo(artifactId + "-" + version);
    }
  }

  @Test
  void everyHostInTheArgsIsAServiceOfTheManifests() throws IOException {
    Path root = K8sManifests.repoRoot();
    List<JsonNode> docs = K8sManifests.baseResources();
    List<String> problems = new ArrayList<>();
    int hosts = 0;
    for (JsonNode d : flinkDeployments(root)) {
      String name = d.path("metadata").path("name").asText();
      JobConfig config = JobConfig.fromArgs(args(d));
      List<String> hostPorts = new ArrayList<>(List.of(config.bootstrapServers().split(",")));
      if (jobArgs(d).usesStores()) {
        hostPorts.addAll(AerospikeSettings.parse(config.featureStore().uri()).hosts());
        URI vespa = URI.create(config.vectorIndex().uri());
        hostPorts.add(vespa.getHost() + ":" + (vespa.getPort() < 0 ? 8080 : vespa.getPort()));
      }
      for (String hostPort : hostPorts) {
        int colon = hostPort.lastIndexOf(':');
        K8sManifests.unresolved(hostPort.substring(0, colon).trim(),
            Integer.parseInt(hostPort.substring(colon + 1).trim()), docs)
            .ifPresent(p -> problems.add(name + ": " + p));
        hosts++;
      }
    }
    assertThat(hosts).isGreaterThanOrEqualTo(10);
    assertThat(problems).as("job.args hosts that nothing in k8s/base creates").isEmpty();
  }

  private static String between(String s, String open, String close) {
    int from = s.indexOf(open) + open.length();
    return s.substring(from, s.indexOf(close, from)).trim();
  }
}
