package io.streamrec.launcher.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every benchmark that starts a broker and a MiniCluster takes (a picocli mixin): parallelism, data
 * seed, work directory, ports and flink-conf overrides.
 */
final class BenchStackOptions {
  @Option(names = "--parallelism", defaultValue = "2", description = "Parallelism of each job (${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = "--seed", defaultValue = "42", description = "Synthetic data seed (${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--work-dir", defaultValue = ".streamrec-bench",
      description = "Broker data, checkpoints, logs and JFR recordings (${DEFAULT-VALUE}).")
  Path workDir;

  @Option(names = "--kafka-port", defaultValue = "0", description = "Kafka port; 0 = any free port.")
  int kafkaPort;

  @Option(names = "--web-port", defaultValue = "0", description = "Flink web UI / REST port; 0 = any free port.")
  int webPort;

  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "Overrides a flink-conf.yaml setting for this run (repeatable), e.g. --conf "
          + "pipeline.object-reuse=true: for what-if runs. The report lists every override.")
  Map<String, String> confOverrides = new LinkedHashMap<>();
}
