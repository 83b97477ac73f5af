package io.streamrec.launcher.bench;

import io.streamrec.launcher.BuildInfo;
import io.streamrec.launcher.MiniClusterRuntime;
import io.streamrec.launcher.TopicAdmin;
import io.streamrec.runtime.KafkaBrokerProcess;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.TaskManagerOptions;

/**
 * What the Kafka benchmarks run their jobs on: a Kafka broker in its own JVM with every topic created, and a
 * MiniCluster configured from {@code flink-conf/} (REST metrics refreshed every {@code fetchIntervalMs}, every
 * checkpoint kept in the history for the report, the {@code --conf} overrides applied, enough slots). Closing it
 * stops the cluster, then the broker.
 */
final class BenchStack implements AutoCloseable {
  final KafkaBrokerProcess broker;
  final MiniClusterRuntime cluster;
  /** The cluster's configuration, for the report. */
  final Configuration conf;

  private BenchStack(KafkaBrokerProcess broker, MiniClusterRuntime cluster, Configuration conf) {
    this.broker = broker;
    this.cluster = cluster;
    this.conf = conf;
  }

  /**
   * @param slots task slots the jobs need at least
   */
  static BenchStack start(BuildInfo build, Path work, BenchStackOptions options, int slots, long fetchIntervalMs,
      BenchReport.Steps steps) throws Exception {
    KafkaBrokerProcess broker = null;
    try {
      steps.step("Starting Kafka " + build.kafkaBrokerVersion() + " broker (KRaft, own JVM)");
      broker = KafkaBrokerProcess.start(KafkaBrokerProcess.Settings.of(
              BuildInfo.requireFile(build.kafkaBrokerClasspath(), "Kafka broker classpath"), work.resolve("kafka"))
          .withPort(options.kafkaPort));
      TopicAdmin.createAll(broker.bootstrapServers(), "");
      steps.done(broker.bootstrapServers() + ", topics created");

      steps.step("Starting Flink " + build.flinkVersion() + " MiniCluster");
      Configuration conf =
          MiniClusterRuntime.configuration(build.flinkConfDir(), work.resolve("flink"), options.webPort);
      conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, fetchIntervalMs);
      conf.setString("web.checkpoints.history", "500"); // every checkpoint of a run, for the report
      options.confOverrides.forEach(conf::setString);
      conf.set(TaskManagerOptions.NUM_TASK_SLOTS, Math.max(conf.get(TaskManagerOptions.NUM_TASK_SLOTS), slots));
      MiniClusterRuntime cluster = MiniClusterRuntime.start(conf);
      steps.done(cluster.restUrl().toString());
      return new BenchStack(broker, cluster, conf);
    } catch (Exception | Error e) {
      if (broker != null) {
        broker.close();
      }
      throw e;
    }
  }

  @Override
  public void close() {
    try {
      cluster.close();
    } catch (Exception e) {
      System.err.println("while stopping the MiniCluster: " + e);
    }
    broker.close();
  }
}
