package io.streamrec.launcher.bench;

import io.streamrec.core.contract.Json;
import io.streamrec.core.contract.Limits;
import io.streamrec.core.contract.RecRequest;
import io.streamrec.core.contract.Topics;
import io.streamrec.core.contract.User;
import io.streamrec.core.store.EmbeddedFeatureStore;
import io.streamrec.core.synthetic.SyntheticEvents;
import io.streamrec.index.lucene.LuceneVectorIndex;
import io.streamrec.jobs.common.JobConfig;
import io.streamrec.jobs.feature.FeatureJob;
import io.streamrec.jobs.index.IndexJob;
import io.streamrec.jobs.serving.ServingJob;
import io.streamrec.launcher.BuildInfo;
import io.streamrec.launcher.ConsumerLag;
import io.streamrec.launcher.MiniClusterRuntime;
import io.streamrec.launcher.TopicAdmin;
import io.streamrec.runtime.KafkaBrokerProcess;
import io.streamrec.serving.RecommendationPipeline;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The serving benchmark: recommendation requests through Kafka into the serving job and back, at a ladder of fixed
 * open-loop rates, with the whole system running: a real broker (own JVM) and one MiniCluster configured from
 * {@code flink-conf/} holding the feature job, the index job and the serving job (each at {@code --parallelism}),
 * sharing this JVM's embedded feature store and vector index. The goal: ≥ 1,500 requests/s sustained on
 * this 2-core machine with end-to-end p99 ≤ 25 ms (in-pipeline p99 ≤ 5 ms), catalog ≥ 50,000 items and ≥ 300
 * candidates ranked per request.
 *
 * <h2>Setup</h2>
 *
 * A synthetic catalog of {@code --items}, {@code --users} profiles and {@code --history} interactions
 * ({@link SyntheticEvents}: Zipf item popularity, a feed's funnel of types, the hour ending "now") are written to
 * {@code items}, {@code users} and {@code interactions} before the jobs start from the earliest offsets, with a
 * fresh embedded store and index name. The benchmark waits until the index job has published a generation holding
 * every item ({@link LuceneVectorIndex#shared}{@code .stats()}, in-process) and the feature, index and serving jobs
 * have committed every record of their input topics (consumer-group lag 0; Flink commits on checkpoints, so this is
 * late by up to a checkpoint interval, never early). So every user has features, a region's trending list and a
 * session (the serving job keeps recent items per user), and every item is in the store and the index.
 *
 * <h2>Load</h2>
 *
 * A warm-up of {@code --warmup-seconds} at {@code --warmup-rate} with a long deadline ({@code --warmup-deadline-ms}, so
 * that every stage, the ranker included, runs and is compiled while the JIT is cold; discarded), extended in steps of
 * {@value #JIT_STEP_SECONDS} s while the JIT compiler threads took more than {@code --warmup-until-jit-below} % of the
 * machine (up to {@code --warmup-max-seconds}), {@value #REST_SECONDS}
 * s with no requests (the CPU the idle system uses), then each rate of {@code --rates} for {@code --seconds}: requests
 * ({@code k} {@value Limits#DEFAULT_K}, the default deadline of {@value Limits#DEFAULT_DEADLINE_MS} ms, the user's
 * region) for users drawn uniformly from the known users, and a share {@code --new-user-share} for users never
 * seen (cold start: trending only). Requests are sent open-loop ({@link OpenLoopSchedule}) by one producer
 * ({@code linger.ms} 0, {@code acks} 1) and every latency is measured from the request's <em>intended</em> send
 * time to the moment its response is consumed from {@code rec-responses} (matched by {@code request_id},
 * {@link ResponseMatcher}), so a sender or a system that falls behind is charged for the wait (no coordinated
 * omission). A request with no response {@code --drain-seconds} after the last send of its step counts as
 * unanswered, with its age then, in the end-to-end histogram. Per step, HdrHistograms ({@link RequestLedger}) of end
 * to end, in-pipeline ({@code timings_ms.total}: from the serving function taking the request to the pipeline's
 * end), every stage, and "outside the pipeline" (end to end − in-pipeline: producer, Kafka, Flink network, StateFun
 * routing, sink, consumer); the degraded share and reasons, and how many answers were fallbacks the serving function
 * made without the pipeline's result (their timings are the fallback's: they stay out of the stages, and a pipeline
 * that timed out counts in-pipeline at deadline + grace, a lower bound); and from every {@code --log-sample-every}-th
 * request's
 * prediction-log record, {@code ranked} (candidates the ranker scored) and the candidates per source.
 *
 * <p>The ladder stops at the first rate that is overloaded (answers at &lt; 90 % of the offered rate, or &gt; 1 %
 * unanswered), unless {@code --keep-going}: past that point the backlog only grows and would distort any later step.
 *
 * <h2>Report</h2>
 *
 * A table rate → achieved rate, end-to-end and in-pipeline percentiles, degraded share, ranked mean; per-stage
 * percentiles; CPU per thread group, the broker and the rest of the machine ({@link CpuAccounting}) and the serving
 * job's vertex activity. The BENCH line is the highest rate that held: end-to-end p99 ≤ 25 ms, every request
 * answered, and at most {@code --max-degraded-pct} of the answers degraded (a degraded answer skipped work, usually
 * the ranker); if none held, the lowest rate, and the report says the goal was not met.
 *
 * <p>The last line of the output is {@code BENCH serving rps=<n> p50_ms=<n> p99_ms=<n> pipeline_p99_ms=<n>}.
 */
@Command(
    name = "serving",
    mixinStandardHelpOptions = true,
    description = {
      "Serving benchmark: rec-requests -> serving job (StateFun, full pipeline) -> rec-responses through Kafka,",
      "with the feature and index jobs running; open-loop rates, latency from each request's intended send time.",
      "Last line: BENCH serving rps=<n> p50_ms=<n> p99_ms=<n> pipeline_p99_ms=<n>"
    })
public final class ServingBenchmark implements Callable<Integer> {

  static final double GOAL_RPS = 1_500;
  static final double GOAL_P99_MS = 25;
  static final double GOAL_PIPELINE_P99_MS = 5;
  static final long FETCH_INTERVAL_MS = 1_000;
  static final long HISTORY_SPAN_MS = 3_600_000L;
  static final int CATEGORIES = 50;
  static final int REST_SECONDS = 5;
  /** Length of each extra warm-up step while the JIT has not settled. */
  static final int JIT_STEP_SECONDS = 10;
  private static final String SERVING_THREADS = "streamrec-serving";
  /** The serving job's StateFun function operator chain starts with StateFun's feedback union. */
  private static final String FUNCTION_VERTEX = "feedback-union";
  /** The echo job's topics: the registry's with this prefix, so its requests and answers stay apart. */
  static final String ECHO_PREFIX = "echo.";
  /** Warm-up of the echo job before its steps (its source starts at the latest offsets; discarded). */
  private static final int ECHO_WARMUP_SECONDS = 10;

  @Mixin BenchStackOptions stack;

  @Option(names = "--items", defaultValue = "50000", description = "Catalog items (${DEFAULT-VALUE}).")
  int items;

  @Option(names = "--users", defaultValue = "20000", description = "Known users (${DEFAULT-VALUE}).")
  int users;

  @Option(names = "--history", defaultValue = "200000",
      description = "Interactions written before the jobs start, over the hour ending now (${DEFAULT-VALUE}).")
  int history;

  @Option(names = "--rates", split = ",", defaultValue = "50,100,250,500,1000,1500,2000",
      description = "Requests per second of each load step, open loop, in order (${DEFAULT-VALUE}).")
  List<Integer> rates;

  @Option(names = "--seconds", defaultValue = "20", description = "Length of each load step (${DEFAULT-VALUE} s).")
  int seconds;

  @Option(names = "--warmup-seconds", defaultValue = "30",
      description = "Warm-up before the first step, discarded (${DEFAULT-VALUE} s).")
  int warmupSeconds;

  @Option(names = "--warmup-until-jit-below", defaultValue = "5",
      description = "After --warmup-seconds, keep warming up in steps of " + JIT_STEP_SECONDS + " s while the JIT "
          + "compiler threads took more than this share of the machine (${DEFAULT-VALUE} %%; 100 = off): a young "
          + "JVM compiles for minutes, and until it is done the per-request CPU is not what a running job sees.")
  double warmupUntilJitBelow;

  @Option(names = "--warmup-max-seconds", defaultValue = "240",
      description = "Longest warm-up in all, whatever the JIT does (${DEFAULT-VALUE} s).")
  int warmupMaxSeconds;

  @Option(names = "--warmup-rate", defaultValue = "50",
      description = "Requests per second during the warm-up (${DEFAULT-VALUE}); low enough for the whole pipeline, "
          + "ranker included, to run and be compiled.")
  int warmupRate;

  @Option(names = "--warmup-deadline-ms", defaultValue = "500",
      description = "Deadline of the warm-up requests (${DEFAULT-VALUE} ms): long, so that every stage, the ranker "
          + "included, runs and gets compiled while the JIT is still cold.")
  int warmupDeadlineMs;

  @Option(names = "--new-user-share", defaultValue = "0.05",
      description = "Share of requests for users never seen, cold start (${DEFAULT-VALUE}).")
  double newUserShare;

  @Option(names = "--drain-seconds", defaultValue = "10",
      description = "After a step's last send, wait this long for its responses; the rest count as unanswered "
          + "(${DEFAULT-VALUE}).")
  int drainSeconds;

  @Option(names = "--log-sample-every", defaultValue = "5",
      description = "Read the prediction-log record of every n-th request (${DEFAULT-VALUE}).")
  int logSampleEvery;

  @Option(names = "--max-degraded-pct", defaultValue = "1.0",
      description = "A step holds only if at most this percentage of its answers is degraded (${DEFAULT-VALUE}).")
  double maxDegradedPct;

  @Option(names = "--keep-going", description = "Run every rate, even after one was overloaded.")
  boolean keepGoing;

  @Option(names = "--interactions-per-request", defaultValue = "1.0",
      description = "Interactions sent to the interactions topic per request during every step, open loop, as a "
          + "feed produces them: the feature job and the serving sessions take them in while requests are served "
          + "(${DEFAULT-VALUE}; 0: none).")
  double interactionsPerRequest;

  @Option(names = "--echo-floor", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "After the ladder, send the same rates to a bare Kafka -> StateFun -> Kafka echo job "
          + "(ServingJob.echo) on the same stack, interactions flowing as before: the floor, so that the pipeline's "
          + "own cost is the difference (default on; --no-echo-floor skips it).")
  boolean echoFloor;

  @Option(names = "--plot",
      description = "Where to write the latency-vs-throughput curve as a PNG (default: <work-dir>/serving-latency.png).")
  Path plot;

  @Option(names = "--setup-timeout-seconds", defaultValue = "600",
      description = "Give up if the jobs have not caught up with the history after this long (${DEFAULT-VALUE}).")
  int setupTimeoutSeconds;

  private final PrintStream out = System.out;
  private final BenchReport.Steps steps = new BenchReport.Steps(out);

  /** One load step: what the ledger measured, the CPU and the serving job's vertices while it was sent. */
  record StepRun(RequestLedger.Step step, CpuAccounting.Window cpu, Map<String, Double> jvmInternal,
      List<VertexActivity.Row> activity, long fromWallMs, long toWallMs) {}

  /** A submitted job: its name, id and vertices. */
  private record Job(String name, String id, RestMetrics.JobView view) {}

  /**
   * Where a step's requests go and its answers come from: the serving job on the registry's topics, or the echo
   * job on the {@link #ECHO_PREFIX}ed ones.
   */
  private record Lane(String name, String topicPrefix, String requestIdPrefix, Job job, boolean sampleLogs) {}

  @Override
  public Integer call() throws Exception {
    if (items < 1 || users < 1 || history < 1 || rates == null || rates.isEmpty() || seconds < 1 || warmupSeconds < 0
        || warmupRate < 1 || warmupDeadlineMs < 1 || warmupDeadlineMs > Limits.MAX_DEADLINE_MS || drainSeconds < 1 || logSampleEvery < 1 || stack.parallelism < 1 || setupTimeoutSeconds < 1
        || !(newUserShare >= 0 && newUserShare <= 1) || !(maxDegradedPct >= 0)
        || rates.stream().anyMatch(r -> r == null || r < 1) || !(interactionsPerRequest >= 0)) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--items, --users, --history, --rates, "
          + "--seconds, --warmup-rate, --drain-seconds, --log-sample-every, --parallelism and "
          + "--setup-timeout-seconds must be >= 1, --warmup-seconds >= 0, --new-user-share in [0, 1], "
          + "--interactions-per-request >= 0");
    }
    if (!(warmupUntilJitBelow > 0 && warmupUntilJitBelow <= 100) || warmupMaxSeconds < warmupSeconds) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--warmup-until-jit-below must be in (0, 100] "
          + "and --warmup-max-seconds >= --warmup-seconds");
    }
    BuildInfo build = BuildInfo.load();
    Path work = stack.workDir.toAbsolutePath();
    BenchReport.deleteRecursively(work.resolve("kafka"));
    BenchReport.deleteRecursively(work.resolve("flink"));
    Files.createDirectories(work.resolve("logs"));

    out.println("streamrec serving benchmark — " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    BenchReport.printMachine(out, build, work);
    out.printf(Locale.ROOT, "data: %,d items (%d categories), %,d users, %,d interactions over the last hour, %d "
            + "regions%n", items, CATEGORIES, users, history, FeatureBenchmark.REGIONS.size());
    out.printf(Locale.ROOT, "load: open loop at %s requests/s, %d s each (warm-up %d s at %,d/s with a %d ms deadline, "
            + "discarded); %.0f %% for new users; k=%d, deadline %d ms; parallelism %d per job; %.2f interactions "
            + "per request flowing during every step; echo floor %s%n",
        rates.stream().map(r -> String.format(Locale.ROOT, "%,d", r)).collect(Collectors.joining(", ")), seconds,
        warmupSeconds, warmupRate, warmupDeadlineMs, 100 * newUserShare, Limits.DEFAULT_K,
        Limits.DEFAULT_DEADLINE_MS, stack.parallelism, interactionsPerRequest, echoFloor ? "on" : "off");
    out.println();

    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String indexName = "bench-" + suffix;
    // Three jobs (four with the echo floor), each at the given parallelism, in one task manager.
    try (BenchStack s = BenchStack.start(build, work, stack, (echoFloor ? 4 : 3) * stack.parallelism,
        FETCH_INTERVAL_MS, steps)) {
      printSettings(s.conf);
      return run(build, s.broker, s.cluster, work, "bench-" + suffix, indexName);
    } finally {
      LuceneVectorIndex.dropShared(indexName);
    }
  }

  private int run(BuildInfo build, KafkaBrokerProcess broker, MiniClusterRuntime cluster, Path work,
      String storeName, String indexName) throws Exception {
    String bootstrap = broker.bootstrapServers();
    CpuAccounting cpu = new CpuAccounting(broker.pid());

    // ---- the history ----
    long endTs = System.currentTimeMillis();
    SyntheticEvents gen = new SyntheticEvents(new SyntheticEvents.Spec(stack.seed, users, items, history,
        endTs - HISTORY_SPAN_MS, HISTORY_SPAN_MS, 5_000, 0.01, CATEGORIES, FeatureBenchmark.REGIONS, ""));
    steps.step(String.format(Locale.ROOT, "Writing %,d items, %,d users and %,d interactions (+1 %% duplicates) to "
        + "Kafka", items, users, history));
    BenchKafka.Written written = BenchKafka.writeHistory(bootstrap, gen, n -> { });
    steps.done(String.format(Locale.ROOT, "%,d records, %.0f MB of JSON", written.records(), written.bytes() / 1e6));

    // ---- the jobs ----
    LuceneVectorIndex index = LuceneVectorIndex.shared(indexName); // the instance the jobs open
    JobConfig config = JobConfig.fromArgs("--bootstrap-servers", bootstrap, "--feature-store", "embedded:" + storeName,
        "--vector-index", "embedded:" + indexName, "--model-dir", build.modelDir().toString(), "--starting-offsets",
        "earliest");
    RestMetrics rest = new RestMetrics(cluster.restUrl());
    steps.step("Submitting the feature, index and serving jobs (parallelism " + stack.parallelism + ", store embedded:"
        + storeName + ", index embedded:" + indexName + ")");
    List<JobClient> clients = new ArrayList<>();
    clients.add(FeatureJob.withKafka(config).executeAsync(environment(cluster)));
    clients.add(IndexJob.withKafka(config).executeAsync(environment(cluster)));
    clients.add(ServingJob.withKafka(config).executeAsync(environment(cluster)));
    List<String> names = List.of(FeatureJob.NAME, IndexJob.NAME, ServingJob.NAME);
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < clients.size(); i++) {
      String id = clients.get(i).getJobID().toHexString();
      jobs.add(new Job(names.get(i), id, BenchReport.awaitRunning(rest, id, Duration.ofMinutes(3))));
    }
    steps.done("3 RUNNING");
    Job serving = jobs.get(2);
    out.println("  serving job vertices: " + serving.view().vertices().stream()
        .map(v -> v.name() + " ×" + v.parallelism()).collect(Collectors.joining("; ")));

    steps.step("Waiting until the index holds the catalog and every job has committed all of its input");
    long setupStart = System.nanoTime();
    awaitCaughtUp(bootstrap, config, index);
    EmbeddedFeatureStore store = EmbeddedFeatureStore.shared(storeName);
    LuceneVectorIndex.Stats stats = index.stats();
    steps.done(String.format(Locale.ROOT, "index generation %d with %,d items; store %,d records; %.0f s",
        stats.activeGeneration(), stats.liveItems(), store.size(), (System.nanoTime() - setupStart) / 1e9));
    ManagementFactory.getMemoryMXBean().gc();
    out.printf(Locale.ROOT, "  heap after a full GC: %.2f GiB%n",
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (double) (1L << 30));
    Job echo = null;
    if (echoFloor) {
      steps.step("Submitting the echo job (the floor: " + ECHO_PREFIX + "rec-requests -> StateFun -> "
          + ECHO_PREFIX + "rec-responses, no pipeline)");
      TopicAdmin.createAll(bootstrap, ECHO_PREFIX);
      JobConfig echoConfig = JobConfig.fromArgs("--bootstrap-servers", bootstrap, "--topic-prefix", ECHO_PREFIX,
          "--feature-store", "embedded:" + storeName, "--vector-index", "embedded:" + indexName, "--model-dir",
          build.modelDir().toString(), "--starting-offsets", "latest");
      JobClient c = ServingJob.echo(echoConfig).executeAsync(environment(cluster));
      clients.add(c);
      String id = c.getJobID().toHexString();
      echo = new Job(ServingJob.ECHO_NAME, id, BenchReport.awaitRunning(rest, id, Duration.ofMinutes(3)));
      jobs.add(echo);
      steps.done("RUNNING");
    }
    Lane servingLane = new Lane("serving", "", "sb-", serving, true);

    // ---- the load ----
    List<User> known = gen.users();
    List<StepRun> runs = new ArrayList<>();
    List<StepRun> floor = new ArrayList<>();
    CpuAccounting.Window rest0;
    try (ResponseMatcher matcher = new ResponseMatcher(bootstrap);
        ResponseMatcher echoMatcher = echo == null ? null : new ResponseMatcher(bootstrap, ECHO_PREFIX);
        KafkaProducer<byte[], byte[]> producer = BenchKafka.producer(bootstrap, Map.of(
            ProducerConfig.LINGER_MS_CONFIG, "0",
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "none"));
        // Interactions as a feed's client would send them: a short linger (BenchKafka.sendOpenLoop's).
        KafkaProducer<byte[], byte[]> feed = BenchKafka.producer(bootstrap, Map.of(
            ProducerConfig.LINGER_MS_CONFIG, "5",
            ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(64 * 1024)))) {
      out.println();
      if (warmupSeconds > 0) {
        StepRun warm = runStep(servingLane, -1, warmupRate, warmupSeconds, "warm-up", warmupDeadlineMs, matcher,
            producer, feed, known, cpu, rest);
        RequestLedger.Step w = warm.step();
        out.printf(Locale.ROOT, "warm-up (discarded): %,d requests at %,d/s with a %d ms deadline, %,d answered, end "
                + "to end p50 %.1f ms p99 %.1f ms, in-pipeline p50 %.1f ms p99 %.1f ms, %.1f %% degraded%n", w.sent(),
            warmupRate, warmupDeadlineMs, w.answered(), w.endToEnd().p50(), w.endToEnd().p99(), w.pipeline().p50(),
            w.pipeline().p99(), 100 * w.degradedShare());
        warmUntilJitSettles(servingLane, matcher, producer, feed, known, cpu, rest);
        Thread.sleep(2_000);
      }
      rest0 = atRest(cpu, REST_SECONDS);
      out.printf(Locale.ROOT, "at rest (%d s, no requests): this JVM %.1f %% of the machine (GC + JIT %.1f %%), the "
              + "broker %.1f %%, other processes %.1f %%%n", REST_SECONDS, share(rest0, rest0.processCpu()),
          share(rest0, rest0.jvmInternal()), share(rest0, rest0.brokerCpu()),
          rest0.machineKnown() ? share(rest0, rest0.others()) : Double.NaN);
      for (int i = 0; i < rates.size(); i++) {
        int rate = rates.get(i);
        StepRun run = runStep(servingLane, i, rate, seconds, String.format(Locale.ROOT, "%,d/s", rate),
            Limits.DEFAULT_DEADLINE_MS, matcher, producer, feed, known, cpu, rest);
        runs.add(run);
        printStepLine(run);
        if (run.step().overloaded() && !keepGoing && i < rates.size() - 1) {
          out.printf(Locale.ROOT, "  overloaded at %,d/s: the higher rates (%s) are skipped (--keep-going runs "
              + "them)%n", rate, rates.subList(i + 1, rates.size()).stream().map(String::valueOf)
              .collect(Collectors.joining(", ")));
          break;
        }
        Thread.sleep(2_000);
      }
      out.printf(Locale.ROOT, "  responses not matched to an open request (late after their step closed, or "
          + "duplicates): %,d; unreadable records: %,d; prediction-log records read: %,d%n", matcher.unmatched(),
          matcher.unreadable(), matcher.logRecords());
      if (echo != null) {
        Lane echoLane = new Lane("echo", ECHO_PREFIX, "echo-", echo, false);
        out.println();
        out.println("The floor: the same rates to the echo job (Kafka -> StateFun -> Kafka, no pipeline), "
            + "interactions flowing as before");
        StepRun warm = runStep(echoLane, -1, warmupRate, ECHO_WARMUP_SECONDS, "echo warm-up", warmupDeadlineMs,
            echoMatcher, producer, feed, known, cpu, rest);
        out.printf(Locale.ROOT, "echo warm-up (discarded): %,d requests, %,d answered, end to end p50 %.1f ms p99 "
                + "%.1f ms%n", warm.step().sent(), warm.step().answered(), warm.step().endToEnd().p50(),
            warm.step().endToEnd().p99());
        Thread.sleep(2_000);
        for (int i = 0; i < runs.size(); i++) {
          int rate = (int) runs.get(i).step().rate();
          StepRun run = runStep(echoLane, 100 + i, rate, seconds, String.format(Locale.ROOT, "echo %,d/s", rate),
              Limits.DEFAULT_DEADLINE_MS, echoMatcher, producer, feed, known, cpu, rest);
          floor.add(run);
          printStepLine(run);
          Thread.sleep(2_000);
        }
        out.printf(Locale.ROOT, "  echo responses not matched to an open request: %,d; unreadable: %,d%n",
            echoMatcher.unmatched(), echoMatcher.unreadable());
      }
    }
    Map<String, List<RestMetrics.Checkpoint>> checkpoints = new LinkedHashMap<>();
    for (Job j : jobs) {
      checkpoints.put(j.name(), rest.checkpoints(j.id()));
    }

    // ---- report ----
    List<RequestLedger.Step> measured = runs.stream().map(StepRun::step).toList();
    RequestLedger.Step bench = RequestLedger.benchStep(measured, GOAL_P99_MS, maxDegradedPct / 100);
    StepRun benchRun = runs.stream().filter(r -> r.step() == bench).findFirst().orElseThrow();
    boolean held = bench.holds(GOAL_P99_MS, maxDegradedPct / 100);
    report(runs, benchRun, held, checkpoints, rest0);
    if (!floor.isEmpty()) {
      reportFloor(runs, floor);
    }
    writePlot(plot != null ? plot : work.resolve("serving-latency.png"), runs, floor);

    for (JobClient c : clients) {
      try {
        c.cancel().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("while cancelling a job: " + e);
      }
    }
    if (bench.answered() == 0 || Double.isNaN(bench.pipeline().p99())) {
      System.err.println("No request was answered: no latency to report.");
      return 1;
    }
    out.println(line(bench.achievedRps(), bench.endToEnd().p50(), bench.endToEnd().p99(), bench.pipeline().p99()));
    return 0;
  }

  private StreamExecutionEnvironment environment(MiniClusterRuntime cluster) {
    StreamExecutionEnvironment env = cluster.environment();
    env.setParallelism(stack.parallelism);
    return env;
  }

  /**
   * Until the index holds every item in a published generation and the three jobs' consumer groups have committed
   * every record of their inputs.
   */
  private void awaitCaughtUp(String bootstrap, JobConfig config, LuceneVectorIndex index) throws Exception {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(setupTimeoutSeconds);
    long lastPrint = start;
    String interactions = config.topic(Topics.INTERACTIONS);
    String itemsTopic = config.topic(Topics.ITEMS);
    String usersTopic = config.topic(Topics.USERS);
    try (ConsumerLag lag = new ConsumerLag(bootstrap)) {
      while (true) {
        long features = lag.lag(config.groupId(FeatureJob.NAME), interactions)
            + lag.lag(config.groupId(FeatureJob.NAME), itemsTopic) + lag.lag(config.groupId(FeatureJob.NAME), usersTopic);
        long servingLag = lag.lag(config.groupId(ServingJob.NAME), interactions);
        long indexLag = lag.lag(config.groupId(IndexJob.NAME), itemsTopic);
        // Counting the index's items walks its item map under its writers' lock: only once its input is read.
        LuceneVectorIndex.Stats s = indexLag == 0 && index.active().isPresent() ? index.stats() : null;
        boolean indexDone = s != null && s.liveItems() >= items && s.pendingWrites() == 0;
        if (features == 0 && servingLag == 0 && indexDone) {
          return;
        }
        long now = System.nanoTime();
        if (now - lastPrint > TimeUnit.SECONDS.toNanos(15)) {
          lastPrint = now;
          out.printf(Locale.ROOT, "%n    %.0f s: not yet committed: feature job %,d, serving job %,d, index job %,d; "
                  + "index %s … ", (now - start) / 1e9, features, servingLag, indexLag,
              s == null ? "not counted yet" : String.format(Locale.ROOT, "%,d items", s.liveItems()));
          out.flush();
        }
        if (now - deadline > 0) {
          throw new IllegalStateException(String.format(Locale.ROOT, "the jobs did not catch up within %d s: "
                  + "feature lag %,d, serving lag %,d, index lag %,d, index %s; see %s", setupTimeoutSeconds,
              features, servingLag, indexLag, s, stack.workDir.resolve("logs/bench.log")));
        }
        Thread.sleep(1_000);
      }
    }
  }

  /** One step: sends at {@code rate} for {@code stepSeconds}, waits for the answers and closes the book. */
  /**
   * More warm-up steps of {@value #JIT_STEP_SECONDS} s at {@code --warmup-rate} while the JIT compiler threads (from
   * /proc, {@link JvmInternalCpu}) took more than {@code --warmup-until-jit-below} % of the machine in the last one,
   * until {@code --warmup-max-seconds} in all. Prints each step's JIT share and how the warm-up ended.
   */
  private void warmUntilJitSettles(Lane lane, ResponseMatcher matcher, KafkaProducer<byte[], byte[]> producer,
      KafkaProducer<byte[], byte[]> feed, List<User> known, CpuAccounting cpu, RestMetrics rest) throws Exception {
    if (warmupUntilJitBelow >= 100) {
      return;
    }
    JitSettling settling = new JitSettling(warmupSeconds, warmupMaxSeconds, JIT_STEP_SECONDS, warmupUntilJitBelow);
    while (settling.another()) {
      JvmInternalCpu.Snapshot before = JvmInternalCpu.snapshot();
      long t0 = System.nanoTime();
      runStep(lane, -1, warmupRate, JIT_STEP_SECONDS, "warm-up (JIT)", warmupDeadlineMs, matcher, producer, feed,
          known, cpu, rest);
      double wallSeconds = (System.nanoTime() - t0) / 1e9;
      Double jitSeconds = JvmInternalCpu.between(before, JvmInternalCpu.snapshot()).get(JvmInternalCpu.JIT);
      if (jitSeconds == null) {
        out.println("warm-up: /proc/self/task is not readable here, so the JIT's share is unknown; not extended");
        return;
      }
      settling.record(jitSeconds, wallSeconds, cores());
    }
    out.println(settling.summary());
  }

  private StepRun runStep(Lane lane, int stepIndex, int rate, int stepSeconds, String label, int deadlineMs,
      ResponseMatcher matcher, KafkaProducer<byte[], byte[]> producer, KafkaProducer<byte[], byte[]> feed,
      List<User> known, CpuAccounting cpu, RestMetrics rest) throws Exception {
    Job serving = lane.job();
    long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
    long wall0 = System.currentTimeMillis() + 100;
    OpenLoopSchedule schedule = OpenLoopSchedule.forDuration(rate, stepSeconds, t0);
    RequestLedger ledger = new RequestLedger(label, rate, t0);
    Random random = new Random(stack.seed * 31 + stepIndex);
    String prefix = lane.requestIdPrefix() + (stepIndex < 0 ? "w" : Integer.toString(stepIndex)) + "-";
    // Flink's REST API answers with what its metric fetcher got on the previous request (and fetches anew at most
    // every FETCH_INTERVAL_MS): this request starts a fetch as of now, which the first request after the load reads.
    VertexActivity.snapshot(rest, serving.id(), serving.view().vertices());
    long actStart = System.nanoTime();
    CpuAccounting.Snapshot cpu0 = cpu.snapshot();
    JvmInternalCpu.Snapshot internal0 = JvmInternalCpu.snapshot();
    long fromWall = System.currentTimeMillis();
    InteractionFeed flowing = InteractionFeed.start(feed, interactionsPerRequest * rate, stepSeconds, t0, wall0,
        stack.seed + 1_000 + stepIndex + (lane.sampleLogs() ? 0 : 500), users, items);
    BenchKafka.LiveSent sent = BenchKafka.sendOpenLoop(producer,
        Topics.REC_REQUESTS.nameWithPrefix(lane.topicPrefix()), schedule, wall0,
        (k, tsMs, intendedNanos) -> {
          boolean isNew = random.nextDouble() < newUserShare;
          String userId;
          String region;
          if (isNew) {
            userId = prefix + "new-user-" + k;
            region = FeatureBenchmark.REGIONS.get(random.nextInt(FeatureBenchmark.REGIONS.size()));
          } else {
            User u = known.get(random.nextInt(known.size()));
            userId = u.userId;
            region = u.region;
          }
          RecRequest r = RecRequest.of(prefix + k, userId, tsMs, Limits.DEFAULT_K);
          r.region = region;
          r.deadlineMs = deadlineMs;
          ledger.sent();
          matcher.expect(r.requestId,
              new ResponseMatcher.Pending(ledger, intendedNanos, !isNew,
                  lane.sampleLogs() && k % logSampleEvery == 0));
          return new BenchKafka.LiveRecord(userId, Json.write(r));
        });
    flowing.await();
    CpuAccounting.Snapshot cpu1 = cpu.snapshot();
    JvmInternalCpu.Snapshot internal1 = JvmInternalCpu.snapshot();
    long toWall = System.currentTimeMillis();
    long actEnd = System.nanoTime();
    VertexActivity.Snapshot act0 = withTime(VertexActivity.snapshot(rest, serving.id(), serving.view().vertices()),
        actStart); // the fetch started before the load; this request starts one as of now
    Thread.sleep(FETCH_INTERVAL_MS + 300);
    VertexActivity.Snapshot act1 = withTime(VertexActivity.snapshot(rest, serving.id(), serving.view().vertices()),
        actEnd);
    long giveUp = schedule.lastIntendedNanos() + TimeUnit.SECONDS.toNanos(drainSeconds);
    while (ledger.outstanding() > 0 && System.nanoTime() - giveUp < 0) {
      Thread.sleep(10);
    }
    long logGiveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (matcher.logOutstanding(ledger) > 0 && System.nanoTime() - logGiveUp < 0) {
      Thread.sleep(20);
    }
    List<Long> unanswered = matcher.takeUnanswered(ledger);
    RequestLedger.Step step = ledger.finish(System.nanoTime(), unanswered, sent.seconds(), sent.maxBehindMs());
    matcher.dropLogSamples(ledger);
    return new StepRun(step, CpuAccounting.between(cpu0, cpu1), JvmInternalCpu.between(internal0, internal1),
        VertexActivity.between(act0, act1, serving.view().vertices()), fromWall, toWall);
  }

  private static VertexActivity.Snapshot withTime(VertexActivity.Snapshot s, long nanos) {
    return new VertexActivity.Snapshot(nanos, s.byVertexId());
  }

  /** The CPU of the whole system with no requests: the floor every step stands on. */
  private CpuAccounting.Window atRest(CpuAccounting cpu, int restSeconds) throws InterruptedException {
    CpuAccounting.Snapshot a = cpu.snapshot();
    Thread.sleep(TimeUnit.SECONDS.toMillis(restSeconds));
    return CpuAccounting.between(a, cpu.snapshot());
  }

  // ---- report ----

  private void printStepLine(StepRun run) {
    RequestLedger.Step s = run.step();
    String bound = s.lowerBound() ? "≥ " : "";
    out.printf(Locale.ROOT, "%9s: %,d sent (sender ≤ %.1f ms behind), %,d answered (%,.0f/s), %,d unanswered; end to "
            + "end p50 %s%.1f ms p99 %s%.1f ms max %s%.1f ms; in-pipeline p50 %.2f ms p99 %.2f ms; %.1f %% degraded "
            + "(%.1f %% fallbacks); ranked mean %.0f%n", s.label(), s.sent(), s.maxBehindMs(), s.answered(),
        s.achievedRps(), s.unanswered(), bound, s.endToEnd().p50(), bound, s.endToEnd().p99(), bound,
        s.endToEnd().max(), s.pipeline().p50(), s.pipeline().p99(), 100 * s.degradedShare(),
        100 * s.fallbackShare(), s.rankedMean());
  }

  private void report(List<StepRun> runs, StepRun benchRun, boolean held,
      Map<String, List<RestMetrics.Checkpoint>> checkpoints, CpuAccounting.Window atRest) {
    RequestLedger.Step bench = benchRun.step();
    out.println();
    out.println("=".repeat(100));
    out.println("RESULTS");
    out.println("=".repeat(100));
    out.println("Latency vs throughput (open loop; end to end = request's intended send → response consumed, "
        + "through Kafka;");
    out.println("in-pipeline = timings_ms.total; ranked = candidates the ranker scored, from the sampled "
        + "prediction-log records):");
    out.printf(Locale.ROOT, "  %8s %9s %8s %8s %8s %8s %8s %8s %8s %9s %9s %8s %8s %10s%n", "offered", "answered",
        "unansw.", "e2e p50", "e2e p90", "e2e p99", "e2e max", "pipe p50", "pipe p99", "degraded", "fallback",
        "ranked", "≥300", "CPU/req");
    out.printf(Locale.ROOT, "  %8s %9s %8s %8s %8s %8s %8s %8s %8s %9s %9s %8s %8s %10s%n", "req/s", "req/s", "", "ms",
        "ms", "ms", "ms", "ms", "ms", "", "", "mean", "share", "µs");
    for (StepRun r : runs) {
      RequestLedger.Step s = r.step();
      String b = s.lowerBound() ? "≥" : "";
      out.printf(Locale.ROOT, "  %,8.0f %,9.0f %,8d %8s %8s %8s %8s %8.2f %8.2f %8.1f%% %8.1f%% %8.0f %7.0f%% "
              + "%,10.0f%s%n",
          s.rate(), s.achievedRps(), s.unanswered(), b + fmt1(s.endToEnd().p50()), b + fmt1(s.endToEnd().p90()),
          b + fmt1(s.endToEnd().p99()), b + fmt1(s.endToEnd().max()), s.pipeline().p50(), s.pipeline().p99(),
          100 * s.degradedShare(), 100 * s.fallbackShare(), s.rankedMean(), 100 * s.rankedAtGoalShare(),
          s.answered() == 0 ? Double.NaN : 1e6 * r.cpu().processCpu() / s.answered(),
          s == bench ? (held ? "   ← BENCH (highest rate that held)" : "   ← BENCH (none held: lowest rate)") : "");
    }
    out.printf(Locale.ROOT, "  (held = e2e p99 ≤ %.0f ms, every request answered, ≤ %.1f %% degraded. fallback = "
        + "answered by the serving function without the pipeline's result (pool full, or the pipeline did not finish "
        + "within deadline + 20 ms); pipe = the pipeline's own answers plus each timed-out one at %.0f ms, a lower "
        + "bound. ranked ≥300 share: of the sampled prediction-log records. CPU/req = this JVM's CPU while the step "
        + "was sent / answers; the broker's is apart.)%n", GOAL_P99_MS, maxDegradedPct,
        RequestLedger.TIMED_OUT_PIPELINE_MICROS / 1000.0);

    out.println();
    out.println("In-pipeline stages per step, p50 / p99 ms (timings_ms of the pipeline's own answers; fallbacks are not "
        + "in the stages):");
    List<String> stageNames = new ArrayList<>();
    runs.forEach(r -> r.step().stages().keySet().forEach(k -> {
      if (!stageNames.contains(k)) {
        stageNames.add(k);
      }
    }));
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "  %9s", "offered"));
    for (String st : stageNames) {
      head.append(String.format(Locale.ROOT, " %15s", st));
    }
    head.append(String.format(Locale.ROOT, " %15s %15s", "total", "outside"));
    out.println(head);
    for (StepRun r : runs) {
      RequestLedger.Step s = r.step();
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %,7.0f/s", s.rate()));
      for (String st : stageNames) {
        RequestLedger.Stat x = s.stages().get(st);
        row.append(String.format(Locale.ROOT, " %15s", x == null ? "-" : pair(x)));
      }
      row.append(String.format(Locale.ROOT, " %15s %15s", pair(s.pipeline()), pair(s.outside())));
      out.println(row);
    }
    out.println("  (outside = end to end − in-pipeline, per response: producer, broker, Flink source and network, "
        + "StateFun routing and feedback, Kafka sink, broker, consumer)");

    out.println();
    out.printf(Locale.ROOT, "Where the time goes at %s (%,d answered, %,d of them fallbacks):%n", bench.label(),
        bench.answered(), bench.fallbacks());
    out.printf(Locale.ROOT, "  %-16s %9s %9s %9s %9s %9s%n", "stage", "mean ms", "p50 ms", "p90 ms", "p99 ms",
        "max ms");
    bench.stages().forEach((st, x) -> printStat(st, x));
    printStat("total (pipeline)", bench.pipeline());
    printStat("outside", bench.outside());
    printStat("end to end", bench.endToEnd());
    out.printf(Locale.ROOT, "  candidates per request (mean of %,d sampled prediction-log records): %s; ranked mean "
            + "%.1f, %.1f %% with ≥ %d; known users only (%,d records): ranked mean %.1f, %.1f %% with ≥ %d%n",
        bench.logSamples(), bench.candidatesMean().entrySet().stream()
            .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
            .collect(Collectors.joining(", ")), bench.rankedMean(), 100 * bench.rankedAtGoalShare(),
        RequestLedger.RANKED_GOAL, bench.knownLogSamples(), bench.knownRankedMean(),
        100 * bench.knownRankedAtGoalShare(), RequestLedger.RANKED_GOAL);
    String absent = bench.candidatesAbsentShare().entrySet().stream().filter(e -> e.getValue() > 0)
        .map(e -> String.format(Locale.ROOT, "%s %.1f %%", e.getKey(), 100 * e.getValue()))
        .collect(Collectors.joining(", "));
    out.printf("  sampled records in which a source proposed nothing: %s%n", absent.isEmpty() ? "none" : absent);
    out.printf(Locale.ROOT, "  where the ranker ran (%,d of the sampled records; not when degraded before ranking): "
            + "ranked mean %.1f, %.1f %% with ≥ %d%n", bench.rankerRan(), bench.rankerRanMean(),
        100 * bench.rankerRanAtGoalShare(), RequestLedger.RANKED_GOAL);
    RecommendationPipeline.Settings ps = RecommendationPipeline.Settings.defaults();
    out.printf(Locale.ROOT, "  pipeline settings: ANN k=%d, item-to-item %d seeds × %d, trending %d, fresh %d, ≤ %d "
            + "merged, first ranking stage over the best %d, ranker over its best %d%n", ps.annK(),
        ps.itemToItemSeeds(), ps.itemToItemK(), ps.trendingK(), ps.freshK(), ps.maxCandidates(), ps.rankTopN(),
        ps.rankerTopN());
    if (bench.degraded() > 0) {
      out.printf(Locale.ROOT, "  degraded answers: %,d (%.1f %%); reasons:%n", bench.degraded(),
          100 * bench.degradedShare());
      bench.degradedReasons().entrySet().stream().limit(6).forEach(e ->
          out.printf(Locale.ROOT, "    %,8d  %s%n", e.getValue(), e.getKey()));
    }
    CpuAccounting.Window w = benchRun.cpu();
    BenchReport.printCpu(out, w);
    JvmInternalCpu.print(out, benchRun.jvmInternal(), w);
    double servingCpu = w.threadGroups().getOrDefault(SERVING_THREADS, 0.0);
    if (bench.answered() > 0) {
      out.printf(Locale.ROOT, "  CPU per answered request: %,.0f µs in this JVM (%,.0f µs on the serving pool "
              + "threads: the pipeline, ONNX included), %,.0f µs in the broker. At %,.0f µs of pipeline CPU per "
              + "request, %d cores would serve at most %,.0f requests/s with nothing else running.%n",
          1e6 * w.processCpu() / bench.answered(), 1e6 * servingCpu / bench.answered(),
          1e6 * w.brokerCpu() / bench.answered(), 1e6 * servingCpu / bench.answered(),
          Runtime.getRuntime().availableProcessors(),
          servingCpu > 0 ? Runtime.getRuntime().availableProcessors() * bench.answered() / servingCpu : Double.NaN);
    }
    out.println("  serving job, per vertex:");
    BenchReport.printActivity(out, benchRun.activity());
    checkpoints.forEach((job, cps) -> {
      out.print("  " + job + ":");
      BenchReport.printCheckpoints(out, cps, benchRun.fromWallMs(), benchRun.toWallMs());
    });
    out.println("  CPU per step (share of the machine's 2 cores while the step was sent; \"at rest\": no requests):");
    out.printf(Locale.ROOT, "    %9s %8s %12s %9s %8s %8s %8s %8s %8s %10s %9s%n", "offered", "this JVM",
        "serving pool", "fn thread", "JIT", "GC", "broker", "others", "idle", "JVM µs/req", "fn busy");
    printCpuRow("at rest", atRest, Map.of(), 0, null);
    for (StepRun r : runs) {
      printCpuRow(String.format(Locale.ROOT, "%,.0f/s", r.step().rate()), r.cpu(), r.jvmInternal(),
          r.step().answered(), r.activity().stream().filter(a -> a.name().startsWith(FUNCTION_VERTEX)).findFirst()
              .orElse(null));
    }
    out.printf(Locale.ROOT, "    (serving pool: the pipeline's threads; fn thread: the StateFun function operator's "
        + "task threads (%s…), which also run the fallback answers; fn busy: that vertex's busy share of its "
        + "subtasks' time, from Flink)%n", FUNCTION_VERTEX);
    out.println("  degraded answers per step, the most frequent reasons:");
    for (StepRun r : runs) {
      RequestLedger.Step s = r.step();
      out.printf(Locale.ROOT, "    %9s: %s%n", String.format(Locale.ROOT, "%,.0f/s", s.rate()),
          s.degraded() == 0 ? "none" : s.degradedReasons().entrySet().stream().limit(3)
              .map(e -> String.format(Locale.ROOT, "%,d × %s", e.getValue(), e.getKey()))
              .collect(Collectors.joining("; ")));
    }

    out.println();
    out.printf(Locale.ROOT, "Goal: ≥ %,.0f requests/s sustained with end-to-end p99 ≤ %.0f ms and in-pipeline p99 ≤ %.0f "
        + "ms; ≥ %d candidates ranked per request; catalog ≥ 50,000 items (here %,d).%n", GOAL_RPS, GOAL_P99_MS,
        GOAL_PIPELINE_P99_MS, RequestLedger.RANKED_GOAL, items);
    if (held) {
      out.printf(Locale.ROOT, "Reached: %,.0f requests/s answered at %s (the highest rate that held), end to end p50 "
              + "%.1f ms p99 %.1f ms, in-pipeline p99 %.2f ms.%n", bench.achievedRps(), bench.label(),
          bench.endToEnd().p50(), bench.endToEnd().p99(), bench.pipeline().p99());
    } else {
      out.printf(Locale.ROOT, "Reached: no rate held (e2e p99 ≤ %.0f ms, all answered, ≤ %.1f %% degraded); the "
          + "BENCH line reports the lowest rate, %s.%n", GOAL_P99_MS, maxDegradedPct, bench.label());
    }
    List<String> missed = new ArrayList<>();
    if (!held || bench.achievedRps() < GOAL_RPS * 0.99) {
      missed.add(String.format(Locale.ROOT, "throughput (%,.0f of %,.0f requests/s)", held ? bench.achievedRps() : 0,
          GOAL_RPS));
    }
    if (!(bench.endToEnd().p99() <= GOAL_P99_MS)) {
      missed.add(String.format(Locale.ROOT, "end-to-end p99 (%.1f ms)", bench.endToEnd().p99()));
    }
    if (!(bench.pipeline().p99() <= GOAL_PIPELINE_P99_MS)) {
      missed.add(String.format(Locale.ROOT, "in-pipeline p99 (%.2f ms)", bench.pipeline().p99()));
    }
    if (!(bench.rankedAtGoalShare() >= 0.999)) {
      missed.add(String.format(Locale.ROOT, "≥ %d ranked per request (mean %.0f; %.1f %% of sampled requests)",
          RequestLedger.RANKED_GOAL, bench.rankedMean(), 100 * bench.rankedAtGoalShare()));
    }
    out.println(missed.isEmpty() ? "Goal met." : "Goal NOT met: " + String.join("; ", missed) + ".");
  }

  /**
   * The floor beside the pipeline, rate by rate: what the echo job's requests cost end to end and in CPU, and the
   * pipeline's own cost as the difference.
   */
  private void reportFloor(List<StepRun> runs, List<StepRun> floor) {
    out.println();
    out.println("The floor: the echo job (Kafka -> StateFun -> Kafka, the serving job's sources, router, StateFun "
        + "runtime and sink, a function that answers at once) at the same rates, interactions flowing as before; "
        + "the pipeline's own cost = serving − echo:");
    out.printf(Locale.ROOT, "  %8s | %8s %8s %8s | %8s %8s %8s | %9s %9s %9s %9s | %9s %9s%n", "offered", "serving",
        "", "", "echo", "", "", "serving", "", "echo", "", "pipeline", "");
    out.printf(Locale.ROOT, "  %8s | %8s %8s %8s | %8s %8s %8s | %9s %9s %9s %9s | %9s %9s%n", "req/s", "e2e p50",
        "e2e p99", "answ./s", "e2e p50", "e2e p99", "answ./s", "JVM µs", "broker µs", "JVM µs", "broker µs",
        "Δ p99 ms", "Δ CPU µs");
    for (int i = 0; i < Math.min(runs.size(), floor.size()); i++) {
      RequestLedger.Step a = runs.get(i).step();
      RequestLedger.Step b = floor.get(i).step();
      double[] ca = cpuPerRequest(runs.get(i));
      double[] cb = cpuPerRequest(floor.get(i));
      out.printf(Locale.ROOT, "  %,8.0f | %8.1f %8.1f %,8.0f | %8.1f %8.1f %,8.0f | %,9.0f %,9.0f %,9.0f %,9.0f | "
              + "%9.1f %,9.0f%n", a.rate(), a.endToEnd().p50(), a.endToEnd().p99(), a.achievedRps(),
          b.endToEnd().p50(), b.endToEnd().p99(), b.achievedRps(), ca[0], ca[1], cb[0], cb[1],
          a.endToEnd().p99() - b.endToEnd().p99(), (ca[0] + ca[1]) - (cb[0] + cb[1]));
    }
    out.println("  (CPU per answered request while the step was sent: this JVM — every job, the Kafka clients, the "
        + "benchmark's own sender and consumers — and the broker; the interactions flowing are in both.)");
  }

  private void writePlot(Path png, List<StepRun> runs, List<StepRun> floor) {
    List<LatencyPlot.Curve> curves = new ArrayList<>();
    curves.add(curve("serving p99", runs, s -> s.endToEnd().p99(), false));
    curves.add(curve("serving p50", runs, s -> s.endToEnd().p50(), false));
    if (!floor.isEmpty()) {
      curves.add(curve("echo floor p99", floor, s -> s.endToEnd().p99(), true));
      curves.add(curve("echo floor p50", floor, s -> s.endToEnd().p50(), true));
    }
    try {
      System.setProperty("java.awt.headless", "true");
      LatencyPlot.write(png, String.format(Locale.ROOT, "streamrec serving, %s — %,d items",
          BenchReport.gitDescribe(BuildInfo.load().projectRoot()), items), curves, GOAL_P99_MS, 900, 560);
      out.println("  latency-vs-throughput plot: " + png);
    } catch (Exception | LinkageError e) {
      out.println("  (could not write the plot " + png + ": " + e + ")");
    }
  }

  private static LatencyPlot.Curve curve(String name, List<StepRun> runs,
      java.util.function.ToDoubleFunction<RequestLedger.Step> ms, boolean dashed) {
    return new LatencyPlot.Curve(name, runs.stream()
        .map(r -> new LatencyPlot.Point(r.step().rate(), ms.applyAsDouble(r.step()))).toList(), dashed);
  }

  /** This JVM's and the broker's CPU per answered request of a step, µs. */
  private static double[] cpuPerRequest(StepRun r) {
    long n = r.step().answered();
    if (n == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    return new double[] {1e6 * r.cpu().processCpu() / n, 1e6 * r.cpu().brokerCpu() / n};
  }

  private void printCpuRow(String label, CpuAccounting.Window c, Map<String, Double> internal, long answered,
      VertexActivity.Row function) {
    double fnThread = c.threadGroups().entrySet().stream().filter(e -> e.getKey().startsWith(FUNCTION_VERTEX))
        .mapToDouble(Map.Entry::getValue).sum();
    out.printf(Locale.ROOT, "    %9s %7.1f%% %11.1f%% %8.1f%% %7s %7s %7.1f%% %7.1f%% %7.1f%% %10s %9s%n", label,
        share(c, c.processCpu()), share(c, c.threadGroups().getOrDefault(SERVING_THREADS, 0.0)), share(c, fnThread),
        internal.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f%%",
            share(c, internal.getOrDefault(JvmInternalCpu.JIT, 0.0))),
        internal.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f%%",
            share(c, internal.getOrDefault(JvmInternalCpu.GC, 0.0))),
        share(c, c.brokerCpu()), c.machineKnown() ? share(c, c.others()) : Double.NaN,
        c.machineKnown() ? share(c, Math.max(0, c.wallSeconds() * cores() - c.machineBusy())) : Double.NaN,
        answered == 0 ? "-" : String.format(Locale.ROOT, "%,.0f", 1e6 * c.processCpu() / answered),
        function == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * function.busy()));
  }

  /** Core-seconds as a percentage of the machine's capacity over the window. */
  private static double share(CpuAccounting.Window w, double coreSeconds) {
    return 100 * coreSeconds / (w.wallSeconds() * cores());
  }

  private static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  private void printStat(String name, RequestLedger.Stat x) {
    out.printf(Locale.ROOT, "  %-16s %9.2f %9.2f %9.2f %9.2f %9.2f%n", name, x.mean(), x.p50(), x.p90(), x.p99(),
        x.max());
  }

  private static String pair(RequestLedger.Stat x) {
    return x.count() == 0 ? "-" : String.format(Locale.ROOT, "%.2f / %.2f", x.p50(), x.p99());
  }

  private static String fmt1(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private void printSettings(Configuration conf) {
    out.printf(Locale.ROOT, "  flink-conf: %d slots, checkpoints every %s (%s), state backend %s, object reuse %s; "
            + "serving job buffer timeout %d ms%n", conf.get(TaskManagerOptions.NUM_TASK_SLOTS),
        conf.getString("execution.checkpointing.interval", "off"),
        conf.getString("execution.checkpointing.mode", "?"),
        conf.getString(CheckpointingOptions.STATE_BACKEND.key(), "?"),
        conf.getString("pipeline.object-reuse", "false"), ServingJob.DEFAULT_BUFFER_TIMEOUT_MS);
    out.println("  overrides (--conf): " + (stack.confOverrides.isEmpty() ? "none" : stack.confOverrides));
  }

  /** {@code BENCH serving rps=<n> p50_ms=<n> p99_ms=<n> pipeline_p99_ms=<n>} (ms with one decimal, two in-pipeline). */
  static String line(double rps, double p50Ms, double p99Ms, double pipelineP99Ms) {
    return BenchLine.named("serving")
        .withRounded("rps", rps)
        .withDecimals("p50_ms", p50Ms, 1)
        .withDecimals("p99_ms", p99Ms, 1)
        .withDecimals("pipeline_p99_ms", pipelineP99Ms, 2)
        .toString();
  }
}
