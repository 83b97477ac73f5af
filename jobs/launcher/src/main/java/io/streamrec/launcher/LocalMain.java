package io.streamrec.launcher;

import io.streamrec.datasets.OnlineRetailDataset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/streamrec-local}: runs the whole system on this machine. */
@Command(
    name = "streamrec-local",
    mixinStandardHelpOptions = true,
    description = {
      "Runs streamrec locally: a Kafka broker (own JVM), the topics, a Flink cluster with the web UI, and the",
      "feature, index, serving and training-log jobs as separate Flink jobs. With --demo it replays the bundled",
      "Online Retail II data and sends requests. Stop with Ctrl-C."
    })
public final class LocalMain implements Callable<Integer> {

  @Option(names = "--mode", description = "minicluster (in-process, default) or standalone (JobManager and "
      + "TaskManager processes, jobs submitted as jars over REST).", defaultValue = "minicluster")
  String mode;

  @Option(names = "--demo", description = "Replay the bundled dataset and send requests.")
  boolean demo;

  @Option(names = "--exit-after-demo", description = "Stop everything once the demo has reported.")
  boolean exitAfterDemo;

  @Option(names = "--demo-requests", defaultValue = "300", description = "Requests the demo sends (${DEFAULT-VALUE}).")
  int demoRequests;

  @Option(names = "--demo-rate", defaultValue = "100", description = "Requests per second (${DEFAULT-VALUE}).")
  int demoRate;

  @Option(names = "--demo-warmup-requests", defaultValue = "1000",
      description = "Requests sent first to warm the serving path, not counted in the report (${DEFAULT-VALUE}).")
  int demoWarmupRequests;

  @Option(names = "--work-dir", defaultValue = ".streamrec-local",
      description = "Broker data, checkpoints and logs (${DEFAULT-VALUE}).")
  Path workDir;

  @Option(names = "--kafka-port", defaultValue = "9092", description = "Kafka port on 127.0.0.1 (${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(names = "--web-port", defaultValue = "8081", description = "Flink web UI / REST port (${DEFAULT-VALUE}).")
  int webPort;

  @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix for every topic name.")
  String topicPrefix;

  @Override
  public Integer call() throws Exception {
    BuildInfo build = BuildInfo.load();
    Progress progress = new Progress(System.out);
    LocalStack.Mode m;
    try {
      m = LocalStack.Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--mode must be minicluster or standalone, got '" + mode + "'");
    }
    Path work = workDir.toAbsolutePath();
    progress.line("streamrec local run — work dir " + work + " (logs in " + work.resolve("logs") + ")");
    LocalStack stack = LocalStack.start(build,
        new LocalStack.Settings(m, work, kafkaPort, webPort, topicPrefix, Duration.ofMinutes(3)), progress);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stack.close();
      stopped.countDown();
    }, "streamrec-shutdown"));

    progress.line("");
    progress.line("Flink web UI:  " + stack.webUrl());
    progress.line("Kafka:         " + stack.bootstrapServers());
    stack.jobs().forEach(j -> progress.line(String.format("Job %-20s %s", j.name(), j.jobId())));

    if (demo) {
      Path dataset = build.datasetDir();
      Demo.Result result = new Demo(stack, progress)
          .run(new Demo.Options(dataset, demoRequests, demoRate, 42L, demoWarmupRequests));
      Demo.report(result, OnlineRetailDataset.load(dataset), progress, 3);
      if (exitAfterDemo) {
        return result.answered() == result.sent() ? 0 : 1;
      }
    }
    progress.line("");
    progress.line("Running. Try a request with Kafka's console producer (see README), or open the web UI.");
    progress.line("Press Ctrl-C to stop.");
    stopped.await();
    return 0;
  }

  public static void main(String[] args) {
    int code = new CommandLine(new LocalMain()).execute(args);
    System.exit(code);
  }
}
