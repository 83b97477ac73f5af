package io.streamrec.launcher;

import io.streamrec.core.training.TrainingLogSettings;
import io.streamrec.jobs.common.JobConfig;
import io.streamrec.jobs.common.KafkaIO;
import io.streamrec.runtime.KafkaBrokerProcess;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The whole system on one machine: a Kafka broker in its own JVM, the topics, a Flink cluster and the jobs.
 * Closing it stops everything in reverse order.
 */
public final class LocalStack implements AutoCloseable {

  /** Which Flink cluster runs the jobs. */
  public enum Mode {
    /** An in-process MiniCluster with the web UI; jobs share this JVM's embedded store. */
    MINICLUSTER,
    /** JobManager and TaskManager processes; the shaded job jars are uploaded over REST. */
    STANDALONE
  }

  /** What to start, and where. */
  public record Settings(Mode mode, Path workDir, int kafkaPort, int webPort, String topicPrefix, Duration timeout) {}

  private final KafkaBrokerProcess broker;
  private final JobsCluster cluster;
  private final JobConfig jobConfig;
  private final TrainingLogSettings trainingLog;
  private final List<JobsCluster.SubmittedJob> jobs;

  private LocalStack(KafkaBrokerProcess broker, JobsCluster cluster, JobConfig jobConfig,
      TrainingLogSettings trainingLog, List<JobsCluster.SubmittedJob> jobs) {
    this.broker = broker;
    this.cluster = cluster;
    this.jobConfig = jobConfig;
    this.trainingLog = trainingLog;
    this.jobs = jobs;
  }

  public static LocalStack start(BuildInfo build, Settings s, Progress progress) throws Exception {
    KafkaBrokerProcess broker = null;
    JobsCluster cluster = null;
    try {
      // A local run is a playground: state lives in memory (the embedded store) and is not restored, so topics
      // left by an earlier run would only confuse the new jobs. Start from empty topics; keep old logs.
      deleteRecursively(s.workDir().resolve("kafka"));
      deleteRecursively(s.workDir().resolve("flink"));
      deleteRecursively(s.workDir().resolve("training-examples"));
      progress.step("Starting Kafka " + build.kafkaBrokerVersion() + " broker (KRaft, own JVM)");
      broker =
          KafkaBrokerProcess.start(
              KafkaBrokerProcess.Settings.of(
                      BuildInfo.requireFile(build.kafkaBrokerClasspath(), "Kafka broker classpath"),
                      s.workDir().resolve("kafka"))
                  .withPort(s.kafkaPort()));
      progress.done(broker.bootstrapServers());

      JobConfig config =
          JobConfig.fromArgs("--bootstrap-servers", broker.bootstrapServers(), "--topic-prefix", s.topicPrefix(),
              "--model-dir", build.modelDir().toString());
      progress.step("Creating topics");
      List<String> created = TopicAdmin.createAll(KafkaIO.clientProperties(config), s.topicPrefix());
      progress.done(created.isEmpty() ? "all exist" : created.size() + " created");

      progress.step("Starting Flink " + build.flinkVersion() + " " + s.mode().name().toLowerCase() + " cluster");
      cluster =
          switch (s.mode()) {
            case MINICLUSTER -> MiniClusterRuntime.start(
                MiniClusterRuntime.configuration(build.flinkConfDir(), s.workDir().resolve("flink"), s.webPort()));
            case STANDALONE -> StandaloneRuntime.start(build, s.workDir().resolve("flink"), s.webPort());
          };
      progress.done(cluster.restUrl().toString());

      // A URI, so the standalone cluster's TaskManager (another process, same machine) writes the same folder.
      TrainingLogSettings trainingLog = TrainingLogSettings.defaults()
          .withExamplesDir(s.workDir().resolve("training-examples").toAbsolutePath().toUri().toString());
      progress.step("Submitting the feature, index, serving and training-log jobs");
      List<JobsCluster.SubmittedJob> jobs = cluster.submitJobs(config, trainingLog, s.timeout());
      progress.done(jobs.size() + " RUNNING");
      return new LocalStack(broker, cluster, config, trainingLog, jobs);
    } catch (Exception | Error e) {
      closeQuietly(cluster);
      closeQuietly(broker);
      throw e;
    }
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  public URI webUrl() {
    return cluster.restUrl();
  }

  public JobConfig jobConfig() {
    return jobConfig;
  }

  /** The training-log job's settings; its example files are under {@code examplesDir()}. */
  public TrainingLogSettings trainingLog() {
    return trainingLog;
  }

  public List<JobsCluster.SubmittedJob> jobs() {
    return jobs;
  }

  public JobsCluster cluster() {
    return cluster;
  }

  @Override
  public void close() {
    closeQuietly(cluster);
    closeQuietly(broker);
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    if (!java.nio.file.Files.exists(dir)) {
      return;
    }
    try (var paths = java.nio.file.Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.delete(p);
      }
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      System.err.println("while stopping " + c.getClass().getSimpleName() + ": " + e);
    }
  }
}
