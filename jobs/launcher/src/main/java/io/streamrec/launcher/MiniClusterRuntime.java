package io.streamrec.launcher;

import io.streamrec.core.training.TrainingLogSettings;
import io.streamrec.jobs.common.JobConfig;
import io.streamrec.jobs.feature.FeatureJob;
import io.streamrec.jobs.index.IndexJob;
import io.streamrec.jobs.serving.ServingJob;
import io.streamrec.jobs.traininglog.TrainingLogJob;
import io.streamrec.runtime.FlinkRestClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * An explicit Flink MiniCluster in this JVM, configured from {@code flink-conf/}, with the web UI on its REST port.
 *
 * <p>Jobs are submitted through the REST endpoint like to any remote cluster, each as its own Flink job. They
 * share this JVM's class loader, and with it the embedded feature store.
 */
public final class MiniClusterRuntime implements JobsCluster {

  private final MiniCluster cluster;
  private final Configuration configuration;
  private final URI restUrl;

  private MiniClusterRuntime(MiniCluster cluster, Configuration configuration, URI restUrl) {
    this.cluster = cluster;
    this.configuration = configuration;
    this.restUrl = restUrl;
  }

  /** Reads flink-conf.yaml from {@code confDir}; overrides only the REST port and the local state paths. */
  public static Configuration configuration(Path confDir, Path workDir, int restPort) {
    Configuration conf = GlobalConfiguration.loadConfiguration(confDir.toString());
    conf.set(RestOptions.PORT, restPort);
    conf.set(RestOptions.BIND_PORT, Integer.toString(restPort));
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, workDir.resolve("checkpoints").toUri().toString());
    conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, workDir.resolve("savepoints").toUri().toString());
    return conf;
  }

  public static MiniClusterRuntime start(Configuration conf) throws Exception {
    MiniClusterConfiguration mcc =
        new MiniClusterConfiguration.Builder()
            .setConfiguration(conf)
            .setNumTaskManagers(1)
            .setNumSlotsPerTaskManager(conf.get(TaskManagerOptions.NUM_TASK_SLOTS))
            .build();
    MiniCluster cluster = new MiniCluster(mcc);
    cluster.start();
    return new MiniClusterRuntime(cluster, conf, cluster.getRestAddress().get());
  }

  @Override
  public URI restUrl() {
    return restUrl;
  }

  public Configuration configuration() {
    return configuration;
  }

  /** An environment that submits to this cluster, with the same pipeline settings as the cluster's config. */
  public StreamExecutionEnvironment environment() {
    return StreamExecutionEnvironment.createRemoteEnvironment(
        restUrl.getHost(), restUrl.getPort(), new Configuration(configuration));
  }

  @Override
  public List<SubmittedJob> submitJobs(JobConfig config, TrainingLogSettings trainingLog, Duration timeout)
      throws Exception {
    List<SubmittedJob> jobs = new ArrayList<>();
    JobClient features = FeatureJob.withKafka(config).executeAsync(environment());
    jobs.add(new SubmittedJob(FeatureJob.NAME, features.getJobID().toHexString()));
    JobClient index = IndexJob.withKafka(config).executeAsync(environment());
    jobs.add(new SubmittedJob(IndexJob.NAME, index.getJobID().toHexString()));
    JobClient serving = ServingJob.withKafka(config).executeAsync(environment());
    jobs.add(new SubmittedJob(ServingJob.NAME, serving.getJobID().toHexString()));
    JobClient examples = TrainingLogJob.withKafka(config, trainingLog).executeAsync(environment());
    jobs.add(new SubmittedJob(TrainingLogJob.NAME, examples.getJobID().toHexString()));
    FlinkRestClient rest = new FlinkRestClient(restUrl);
    for (SubmittedJob job : jobs) {
      rest.waitForRunning(job.jobId(), timeout);
    }
    return jobs;
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
