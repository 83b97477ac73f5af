package io.streamrec.launcher;

import io.streamrec.core.training.TrainingLogSettings;
import io.streamrec.jobs.common.JobConfig;
import io.streamrec.jobs.feature.FeatureJob;
import io.streamrec.jobs.index.IndexJob;
import io.streamrec.jobs.serving.ServingJob;
import io.streamrec.jobs.traininglog.TrainingLogJob;
import io.streamrec.runtime.FlinkRestClient;
import io.streamrec.runtime.StandaloneFlinkCluster;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * A standalone Flink session cluster (JobManager and TaskManager processes from Maven jars), to which the shaded
 * job jars are uploaded and run through the REST API, exactly as a user submits to their own cluster.
 */
public final class StandaloneRuntime implements JobsCluster {

  private final StandaloneFlinkCluster cluster;
  private final Path jobJarsDir;
  private final FlinkRestClient rest;

  private StandaloneRuntime(StandaloneFlinkCluster cluster, Path jobJarsDir) {
    this.cluster = cluster;
    this.jobJarsDir = jobJarsDir;
    this.rest = new FlinkRestClient(cluster.restUrl());
  }

  public static StandaloneRuntime start(BuildInfo build, Path workDir, int restPort) throws IOException {
    StandaloneFlinkCluster cluster =
        StandaloneFlinkCluster.start(
            StandaloneFlinkCluster.Settings.of(
                    BuildInfo.requireFile(build.flinkClusterClasspath(), "Flink cluster classpath"),
                    build.flinkConfDir(),
                    workDir)
                .withJvmFlags(build.flinkJvmFlags())
                .withRestPort(restPort));
    return new StandaloneRuntime(cluster, build.jobJarsDir());
  }

  @Override
  public URI restUrl() {
    return cluster.restUrl();
  }

  public FlinkRestClient rest() {
    return rest;
  }

  @Override
  public List<SubmittedJob> submitJobs(JobConfig config, TrainingLogSettings trainingLog, Duration timeout)
      throws Exception {
    List<String> args = Arrays.asList(config.toArgs());
    List<String> trainingLogArgs = new ArrayList<>(args);
    trainingLogArgs.addAll(Arrays.asList(trainingLog.toArgs()));
    List<SubmittedJob> jobs = new ArrayList<>();
    jobs.add(submit(jobJar("streamrec-feature-job"), FeatureJob.class.getName(), FeatureJob.NAME, args));
    jobs.add(submit(jobJar("streamrec-index-job"), IndexJob.class.getName(), IndexJob.NAME, args));
    jobs.add(submit(jobJar("streamrec-serving-job"), ServingJob.class.getName(), ServingJob.NAME, args));
    jobs.add(submit(jobJar("streamrec-training-log-job"), TrainingLogJob.class.getName(), TrainingLogJob.NAME,
        trainingLogArgs));
    for (SubmittedJob job : jobs) {
      rest.waitForRunning(job.jobId(), timeout);
    }
    return jobs;
  }

  private SubmittedJob submit(Path jar, String entryClass, String name, List<String> args) throws IOException {
    String jarId = rest.uploadJar(jar);
    String jobId = rest.runJar(jarId, entryClass, args, null);
    return new SubmittedJob(name, jobId);
  }

  /** The shaded jar of a job module, as copied next to the launcher at build time. */
  Path jobJar(String artifactId) throws IOException {
    if (!Files.isDirectory(jobJarsDir)) {
      throw new IllegalStateException(
          "no job jars in " + jobJarsDir + ": run `mvn -DskipTests package` in the project root first");
    }
    try (Stream<Path> files = Files.list(jobJarsDir)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith(artifactId) && p.toString().endsWith(".jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no " + artifactId + " jar in " + jobJarsDir));
    }
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
