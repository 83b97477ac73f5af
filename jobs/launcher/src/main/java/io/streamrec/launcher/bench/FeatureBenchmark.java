package io.streamrec.launcher.bench;

import io.streamrec.core.contract.Topics;
import io.streamrec.core.store.EmbeddedFeatureStore;
import io.streamrec.core.synthetic.SyntheticEvents;
import io.streamrec.jobs.common.JobConfig;
import io.streamrec.jobs.feature.FeatureJob;
import io.streamrec.launcher.BuildInfo;
import io.streamrec.launcher.MiniClusterRuntime;
import io.streamrec.runtime.KafkaBrokerProcess;
import java.io.IOException;
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
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The feature job benchmark: Kafka (contract JSON) → the feature job → the embedded feature store, on a real broker
 * (own JVM) and a MiniCluster configured from {@code flink-conf/}, with only the feature job running.
 *
 * <h2>Phase 1: throughput</h2>
 *
 * The catalog, the users and {@code --events} synthetic interactions ({@link SyntheticEvents}: Zipf item
 * popularity, a feed's funnel of types, 1 % re-sent duplicates, event times spread over the hour that ends "now")
 * are written to Kafka <em>before</em> the job exists. The job then starts from the earliest offsets and the clock
 * runs from the moment the job and all its vertices are RUNNING until the job has processed every record.
 *
 * <p><b>How "processed everything" is detected.</b> By counting, through Flink's REST metrics (what the web UI
 * shows), at the two keyed operators that do the work:
 *
 * <ul>
 *   <li>the "item features" vertex has taken in every catalog record and every interaction (its task
 *       {@code numRecordsIn} = items + interactions in Kafka, less any dead letters), and
 *   <li>the "user features" vertex has taken in every user profile and every interaction the item operator passed
 *       on (its {@code numRecordsIn} = users + the item operator's {@code interactions_<type>} counters, which count
 *       exactly the non-duplicate interactions it emits),
 * </ul>
 *
 * and the counts (and the trending vertex's) are unchanged on the next poll. Alternatives were weighed: the Kafka
 * source's {@code currentOffset} per partition says only that the source has <em>read</em> everything, while up
 * to two network exchanges of buffered records are still ahead of the keyed operators; a sentinel record cannot
 * prove completion either, because records of one partition take different paths (keyed by item, then by user)
 * and overtake each other; and committed consumer offsets move only on checkpoints (10 s). The counters are exact;
 * their only error is staleness: the REST endpoint serves metrics that the JobManager fetches at most every {@code
 * metrics.fetcher.update-interval}, which the benchmark lowers from 10 s to {@value #FETCH_INTERVAL_MS} ms, and it
 * polls every {@value #POLL_MS} ms, so the end is seen at most their sum late (reported). Fetching more often
 * costs measurable CPU in the JobManager's metric fetcher and REST handlers on a 2-core machine. What is not inside the
 * window: the last coalesced store flush (≤ 200 ms flush interval + ≤ 100 ms sink buffering) after the last record.
 * The report also gives the steady rate between 10 % and 90 % of the records, which start-up and the end do not
 * affect.
 *
 * <h2>Phase 2: freshness</h2>
 *
 * With the job caught up and its state warm, interactions are sent open-loop ({@link OpenLoopSchedule}) at {@code
 * --live-rate} for {@code --live-seconds}, each stamped with the wall-clock time of its intended send instant as its
 * event time. Every {@code --sample-every}-th event is followed by a {@link FreshnessProbe}: the time from its
 * intended send time until the user's record in the store lists it, read in-process through {@link
 * EmbeddedFeatureStore#shared}. That end-to-end p99 is {@code freshness_p99_ms}; the sink's own {@code
 * featureFreshnessLagMs} histogram (wall clock at write minus the newest event time in the write) is printed next to
 * it.
 *
 * <h2>Where the time goes</h2>
 *
 * Per vertex: busy / back-pressured / idle shares from Flink's accumulated task metrics. Per thread: CPU time
 * ({@link CpuAccounting}), which also separates the broker's JVM and whatever else ran on the machine. Per kind of
 * work: a Java Flight Recorder profile of phase 1 ({@link JfrProfile}), CPU and heap allocation.
 *
 * <h2>Phase 3: the anchor</h2>
 *
 * With the feature job cancelled, {@link SqlAnchor} — the windowed counts a user would write in Flink SQL instead —
 * reads the same interactions topic from the start, alone on the cluster; its rate and CPU per interaction are
 * printed beside ours, with the ratio ({@code BENCH features-anchor …}). {@code --no-anchor} skips it. With {@code
 * --anchor-rounds N} the feature job runs again over the whole topic before each further anchor run, so that the
 * two alternate: phase 1 is the job's cold start (the JIT compiles while it runs), the later rounds are warm.
 *
 * <p>The last line of the output is {@code BENCH features events_per_s=<n> freshness_p99_ms=<n>}.
 */
@Command(
    name = "features",
    mixinStandardHelpOptions = true,
    description = {
      "Feature job benchmark: Kafka (JSON) -> feature job -> embedded store.",
      "Phase 1: throughput over a pre-produced backlog.",
      "Phase 2: feature freshness under an open-loop live load.",
      "Phase 3: the same windowed counts as a Flink SQL job (the anchor), for comparison.",
      "Last line: BENCH features events_per_s=<n> freshness_p99_ms=<n>"
    })
public final class FeatureBenchmark implements Callable<Integer> {

  static final long FETCH_INTERVAL_MS = 500;
  static final long POLL_MS = 250;
  /** A comparison round whose runs took less than this from RUNNING is not timed (see the anchor rounds). */
  static final double MIN_TIMED_SECONDS = 5;
  static final long HISTORY_SPAN_MS = 3_600_000L;
  static final List<String> REGIONS = List.of("UK", "FR", "DE", "ES", "IT", "NL", "PL", "US");
  private static final Duration PROBE_POLL = Duration.ofMillis(5);

  @Mixin BenchStackOptions stack;

  @Option(names = "--events", defaultValue = "2000000",
      description = "Interactions pre-produced for the throughput phase (${DEFAULT-VALUE}); 1 %% more are re-sent "
          + "duplicates, as a retrying producer would send them.")
  int events;

  @Option(names = "--users", defaultValue = "100000", description = "Users (${DEFAULT-VALUE}).")
  int users;

  @Option(names = "--items", defaultValue = "50000", description = "Items (${DEFAULT-VALUE}).")
  int items;

  @Option(names = "--live-rate", defaultValue = "50000",
      description = "Interactions per second in the freshness phase, open loop (${DEFAULT-VALUE}).")
  int liveRate;

  @Option(names = "--live-seconds", defaultValue = "20",
      description = "Length of the freshness phase in seconds (${DEFAULT-VALUE}).")
  int liveSeconds;

  @Option(names = "--sample-every", defaultValue = "100",
      description = "Follow every n-th live event into the store (${DEFAULT-VALUE}).")
  int sampleEvery;

  @Option(names = "--give-up-seconds", defaultValue = "180",
      description = "A sampled live event not in the store after this long counts with this age, as a lower bound "
          + "(${DEFAULT-VALUE}); also the longest the benchmark waits for the store to catch up after the live load.")
  int giveUpSeconds;

  @Option(names = "--profile", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Record a Java Flight Recorder CPU profile of phase 1 (default: on).")
  boolean profile;

  @Option(names = "--anchor", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Phase 3: run the same windowed counts as a Flink SQL job (SqlAnchor) over the same topic, alone "
          + "on the cluster, and compare the rates (default: on).")
  boolean anchor;

  @Option(names = "--anchor-rounds", defaultValue = "1",
      description = "Rounds of the comparison (${DEFAULT-VALUE}): each round after the first runs the feature job "
          + "over the backlog again (and the live events of phase 2), then the anchor again, so that the two "
          + "alternate, both run warm, and a drift of the machine's speed between phases averages out.")
  int anchorRounds;

  @Option(names = "--timeout-seconds", defaultValue = "900",
      description = "Give up on phase 1 after this long (${DEFAULT-VALUE}).")
  int timeoutSeconds;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    if (events < 1 || users < 1 || items < 1 || liveRate < 1 || liveSeconds < 1 || stack.parallelism < 1
        || sampleEvery < 1 || giveUpSeconds < 1) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--events, --users, --items, --live-rate, "
          + "--live-seconds, --parallelism, --sample-every and --give-up-seconds must be >= 1");
    }
    BuildInfo build = BuildInfo.load();
    Path work = stack.workDir.toAbsolutePath();
    deleteRecursively(work.resolve("kafka"));
    deleteRecursively(work.resolve("flink"));
    Files.createDirectories(work.resolve("logs"));

    printHeader(build, work);
    try (BenchStack s = BenchStack.start(build, work, stack, stack.parallelism, FETCH_INTERVAL_MS, steps)) {
      printClusterSettings(s.conf);
      return run(s.broker, s.cluster, work);
    }
  }

  private int run(KafkaBrokerProcess broker, MiniClusterRuntime cluster, Path work) throws Exception {
    String bootstrap = broker.bootstrapServers();
    CpuAccounting cpu = new CpuAccounting(broker.pid());

    // ---- the history ----
    long endTs = System.currentTimeMillis();
    SyntheticEvents history = new SyntheticEvents(new SyntheticEvents.Spec(stack.seed, users, items, events,
        endTs - HISTORY_SPAN_MS, HISTORY_SPAN_MS, 5_000, 0.01, 50, REGIONS, ""));
    step(String.format(Locale.ROOT, "Writing %,d items, %,d users and %,d interactions (+1 %% duplicates) to Kafka",
        items, users, events));
    BenchKafka.Written written = BenchKafka.writeHistory(bootstrap, history,
        n -> out.printf(Locale.ROOT, "%,d … ", n));
    done(String.format(Locale.ROOT, "%,d records, %.0f MB of JSON, %.0f records/s", written.records(),
        written.bytes() / 1e6, written.records() / written.seconds()));
    Map<String, Long> inTopics = BenchKafka.recordsInTopics(bootstrap,
        List.of(Topics.INTERACTIONS, Topics.ITEMS, Topics.USERS));
    long interactionsInKafka = inTopics.get(Topics.INTERACTIONS.name());
    if (interactionsInKafka != written.interactions() || inTopics.get(Topics.ITEMS.name()) != written.items()
        || inTopics.get(Topics.USERS.name()) != written.users()) {
      throw new IllegalStateException("Kafka holds " + inTopics + ", not what was written: " + written);
    }

    // ---- the job ----
    RestMetrics rest = new RestMetrics(cluster.restUrl());
    SubmittedFeatureJob submitted = submitFeatureJob(rest, cluster, bootstrap);
    String storeName = submitted.storeName();
    JobClient client = submitted.client();
    String jobId = submitted.jobId();
    RestMetrics.JobView job = submitted.job();
    long runningAt = System.nanoTime();
    long runningAtWall = System.currentTimeMillis();
    CpuAccounting.Snapshot cpu0 = cpu.snapshot();
    JfrProfile jfr = profile ? JfrProfile.start(Duration.ofMillis(10)) : null;
    done("RUNNING, job " + jobId);
    out.println("  vertices: " + job.vertices().stream()
        .map(v -> v.name() + " ×" + v.parallelism()).collect(Collectors.joining("; ")));

    // ---- phase 1 ----
    out.println();
    out.println("Phase 1: throughput over the backlog");
    Phase1 p1 = drain(rest, jobId, job, written, runningAt);
    CpuAccounting.Snapshot cpu1 = cpu.snapshot();
    JfrProfile.Profile jfrProfile = jfr == null ? null : jfr.stop(work.resolve("features-phase1.jfr"));
    VertexActivity.Snapshot act1 = VertexActivity.snapshot(rest, jobId, job.vertices());
    List<VertexActivity.Row> activity1 =
        VertexActivity.between(VertexActivity.zero(runningAt, job.vertices()), act1, job.vertices());
    CpuAccounting.Window cpuWindow1 = CpuAccounting.between(cpu0, cpu1);
    long phase1EndWall = System.currentTimeMillis();

    // Let the last coalesced flushes land before the store is measured and the live load starts.
    Thread.sleep(1_000);
    EmbeddedFeatureStore store = EmbeddedFeatureStore.shared(storeName);
    int storeRecords = store.size();
    // The heap after a full GC: Flink's heap state plus the embedded store plus the broker-less rest of this JVM.
    ManagementFactory.getMemoryMXBean().gc();
    long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();

    // ---- phase 2 ----
    out.println();
    out.printf(Locale.ROOT, "Phase 2: freshness under a live load of %,d interactions/s for %d s (open loop)%n",
        liveRate, liveSeconds);
    SinkLagSampler sinkLag = SinkLagSampler.find(rest, jobId, job.vertices());
    SyntheticEvents live = new SyntheticEvents(new SyntheticEvents.Spec(stack.seed + 1, users, items,
        liveRate * liveSeconds, System.currentTimeMillis(), 1, 0, 0.0, 50, REGIONS, ""));
    Duration giveUp = Duration.ofSeconds(giveUpSeconds);
    FreshnessProbe probe = new FreshnessProbe(store, PROBE_POLL, giveUp).start();
    VertexActivity.Snapshot act2 = VertexActivity.snapshot(rest, jobId, job.vertices());
    CpuAccounting.Snapshot cpu2 = cpu.snapshot();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bench-sink-lag-sampler");
      t.setDaemon(true);
      return t;
    });
    // From 3 s on: before that the sinks' last-1,000-writes windows still hold writes of the backlog.
    sampler.scheduleAtFixedRate(sinkLag::sample, 3, 1, TimeUnit.SECONDS);
    long phase2StartWall = System.currentTimeMillis();
    long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    long wall0 = System.currentTimeMillis() + 50;
    OpenLoopSchedule schedule = OpenLoopSchedule.forDuration(liveRate, liveSeconds, t0);
    BenchKafka.LiveSent sent = BenchKafka.sendLive(bootstrap, live, schedule, wall0, probe, sampleEvery);
    FreshnessProbe.Result freshness = probe.finish(giveUp);
    sampler.shutdownNow();
    CpuAccounting.Snapshot cpu3 = cpu.snapshot();
    VertexActivity.Snapshot act3 = VertexActivity.snapshot(rest, jobId, job.vertices());
    List<VertexActivity.Row> activity2 = VertexActivity.between(act2, act3, job.vertices());
    CpuAccounting.Window cpuWindow2 = CpuAccounting.between(cpu2, cpu3);
    SinkLagSampler.Summary sinkSummary = sinkLag.summary();
    Map<String, Double> deadLetters = deadLetters(rest, jobId, job.vertices());
    long phase2EndWall = System.currentTimeMillis();
    List<RestMetrics.Checkpoint> checkpoints = rest.checkpoints(jobId);

    // ---- report ----
    double eventsPerSecond = interactionsInKafka / p1.seconds();
    out.println();
    out.println("=".repeat(100));
    out.println("RESULTS");
    out.println("=".repeat(100));
    out.printf(Locale.ROOT, "Phase 1 (throughput): %,d interactions + %,d catalog and %,d user records in Kafka%n",
        interactionsInKafka, written.items(), written.users());
    out.printf(Locale.ROOT, "  wall time from job RUNNING to all processed   %8.2f s   (end seen ≤ %.1f s late: "
        + "metrics fetched every %d ms, polled every %d ms)%n", p1.seconds(), (FETCH_INTERVAL_MS + POLL_MS) / 1000.0,
        FETCH_INTERVAL_MS, POLL_MS);
    out.printf(Locale.ROOT, "  interactions per second                        %,10.0f   (%,.0f per core)%n",
        eventsPerSecond, eventsPerSecond / Runtime.getRuntime().availableProcessors());
    out.printf(Locale.ROOT, "  all records per second (incl. catalog, users)  %,10.0f%n",
        written.records() / p1.seconds());
    out.printf(Locale.ROOT, "  steady rate, 10 %% → 90 %% of the records       %,10.0f records/s%n", p1.steadyRate());
    out.printf(Locale.ROOT, "  duplicates dropped %,d; dead letters %s; store records after phase 1: %,d; heap "
            + "after a full GC %.2f GiB%n", Math.round(interactionsInKafka - p1.enriched()),
        formatDeadLetters(deadLetters), storeRecords, heapUsed / (double) (1L << 30));
    printCheckpoints(checkpoints, runningAtWall, phase1EndWall);
    printCpu(cpuWindow1);
    double usPerEvent = 1e6 * cpuWindow1.processCpu() / interactionsInKafka;
    out.printf(Locale.ROOT, "  CPU cost: %.1f µs of the benchmark JVM's CPU per interaction (+ %.1f µs in the broker); "
            + "100,000/s per core allows 10 µs. At this cost one fully used core would do %,.0f/s.%n", usPerEvent,
        1e6 * cpuWindow1.brokerCpu() / interactionsInKafka, 1e6 / usPerEvent);
    printActivity(activity1);
    if (jfrProfile != null) {
      printProfile(jfrProfile, cpuWindow1, interactionsInKafka);
    }

    out.println();
    out.printf(Locale.ROOT, "Phase 2 (freshness): %,d interactions sent in %.2f s (%,.0f/s; target %,d/s), "
        + "sender at most %.1f ms behind schedule%n", sent.events(), sent.seconds(), sent.events() / sent.seconds(),
        liveRate, sent.maxBehindMs());
    out.printf(Locale.ROOT, "  end to end (intended send → visible in the store), %,d samples of %,d seen, %,d not "
            + "seen within %d s; store polled every %d ms:%n", freshness.seen(), freshness.expected(),
        freshness.lost(), giveUp.toSeconds(), freshness.pollInterval().toMillis());
    String bound = freshness.lowerBound() ? "≥ " : "";
    out.printf(Locale.ROOT, "    p50 %s%.0f ms   p90 %s%.0f ms   p99 %s%.0f ms   p99.9 %s%.0f ms   max %s%.0f ms%n",
        bound, freshness.percentileMs(50), bound, freshness.percentileMs(90), bound, freshness.percentileMs(99),
        bound, freshness.percentileMs(99.9), bound, freshness.maxMs());
    if (freshness.lowerBound()) {
      out.println("    (events not seen in time count with their age when given up: these are lower bounds)");
    }
    double userRate = activity2.stream().filter(r -> r.name().startsWith("user features"))
        .mapToDouble(VertexActivity.Row::recordsInPerSecond).findFirst().orElse(Double.NaN);
    boolean keptUp = freshness.lost() == 0 && userRate >= 0.95 * sent.events() / sent.seconds();
    out.printf(Locale.ROOT, "  kept up: %s (user features took in %,.0f records/s while %,.0f/s were offered)%s%n",
        keptUp ? "yes" : "NO", userRate, sent.events() / sent.seconds(),
        keptUp ? "" : " — freshness here is mostly queueing behind the backlog");
    out.println("  the sink's featureFreshnessLagMs (write time − newest event time; last 1,000 writes per subtask, "
        + "read every 1 s):");
    sinkSummary.print(out);
    printCheckpoints(checkpoints, phase2StartWall, phase2EndWall);
    printCpu(cpuWindow2);
    printActivity(activity2);

    out.println();
    out.printf(Locale.ROOT, "Goal: ≥ 100,000 interactions/s per core (%,d/s on %d cores) with freshness p99 ≤ 1,000 "
            + "ms.%nReached: %,.0f interactions/s (%.0f %% of the goal), freshness p99 %.0f ms.%n",
        100_000 * Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().availableProcessors(),
        eventsPerSecond, 100.0 * eventsPerSecond / (100_000.0 * Runtime.getRuntime().availableProcessors()),
        freshness.percentileMs(99));
    client.cancel().get(30, TimeUnit.SECONDS);
    if (anchor) {
      awaitNotRunning(rest, jobId);
      // Phase 2 added its live interactions to the topic: the later runs read those too.
      long inTopic = BenchKafka.recordsInTopics(bootstrap, List.of(Topics.INTERACTIONS))
          .get(Topics.INTERACTIONS.name());
      BenchKafka.Written all = new BenchKafka.Written(written.items(), written.users(), inTopic, written.bytes(),
          written.seconds());
      List<double[]> ours = new ArrayList<>(); // {interactions/s, µs per interaction, seconds} per round
      List<double[]> anchors = new ArrayList<>();
      ours.add(new double[] {eventsPerSecond, usPerEvent, p1.seconds()});
      for (int round = 1; round <= Math.max(1, anchorRounds); round++) {
        if (round > 1) {
          ours.add(rerunOurs(rest, cluster, bootstrap, all, inTopic, cpu, round));
        }
        AnchorRun a = runAnchor(rest, cluster, bootstrap, inTopic, cpu);
        anchors.add(new double[] {inTopic / a.seconds(), 1e6 * a.cpu().processCpu() / inTopic, a.seconds()});
      }
      out.println();
      List<Integer> timed = new ArrayList<>();
      for (int k = 0; k < anchors.size(); k++) {
        // The clock starts when REST reports RUNNING; a warm job can be done with a small topic before that.
        boolean tooShort = Math.min(ours.get(k)[2], anchors.get(k)[2]) < MIN_TIMED_SECONDS;
        if (!tooShort) {
          timed.add(k);
        }
        out.printf(Locale.ROOT, "  round %d: feature job %,.0f interactions/s (%.1f µs), anchor %,.0f/s (%.1f µs), "
            + "ratio %.2f%s%n", k + 1, ours.get(k)[0], ours.get(k)[1], anchors.get(k)[0], anchors.get(k)[1],
            ours.get(k)[0] / anchors.get(k)[0], tooShort ? String.format(Locale.ROOT, " — not timed: a run took "
                + "under %.0f s from RUNNING, too short to time (use more --events); left out of the means",
                MIN_TIMED_SECONDS) : "");
      }
      if (timed.isEmpty()) {
        out.println("Anchor: no round could be timed; no comparison.");
      } else {
        double oursRate = timed.stream().mapToDouble(k -> ours.get(k)[0]).average().orElseThrow();
        double anchorRate = timed.stream().mapToDouble(k -> anchors.get(k)[0]).average().orElseThrow();
        out.printf(Locale.ROOT, "Anchor (Flink SQL, windowed counts only): %,.0f interactions/s; the feature job "
                + "(all its features and the store): %,.0f/s — ratio ours / anchor %.2f (means over %d round%s, "
                + "the two alternating)%n", anchorRate, oursRate, oursRate / anchorRate, timed.size(),
            timed.size() == 1 ? "" : "s");
        out.println(BenchLine.named("features-anchor").withRounded("events_per_s", anchorRate)
            .withRounded("ours_events_per_s", oursRate).with("rounds", timed.size()).toString()
            + String.format(Locale.ROOT, " ratio=%.2f", oursRate / anchorRate));
      }
    }
    if (freshness.seen() == 0) {
      System.err.println("No live event became visible in the store: no freshness to report.");
      return 1;
    }
    out.println(BenchLine.features(eventsPerSecond, freshness.percentileMs(99)));
    return 0;
  }

  // ---- phase 3: the anchor ----

  record AnchorRun(double seconds, CpuAccounting.Window cpu) {}

  /**
   * Runs {@link SqlAnchor} from the earliest offsets until it has read every interaction and its vertices have
   * taken in everything in flight: the clock runs from RUNNING to the last change of the vertices' record counts.
   * "Read everything" is the Kafka source operator's own {@code numRecordsIn}; the window aggregates may
   * pre-aggregate before their exchange (Flink's local-global optimisation), so their counts are not compared
   * with the input.
   */
  private AnchorRun runAnchor(RestMetrics rest, MiniClusterRuntime cluster, String bootstrap, long interactions,
      CpuAccounting cpu) throws Exception {
    out.println();
    out.println("Phase 3: the anchor — the same windowed counts as a Flink SQL job (1 h / 24 h / 7 d by type, per "
        + "user and per item), same topic, alone on the cluster");
    StreamExecutionEnvironment env = cluster.environment();
    env.setParallelism(stack.parallelism);
    step("Submitting the SQL anchor (parallelism " + stack.parallelism + ")");
    JobClient client = SqlAnchor.submit(env, bootstrap);
    String jobId = client.getJobID().toHexString();
    RestMetrics.JobView job = awaitRunning(rest, jobId, Duration.ofMinutes(3));
    long start = System.nanoTime();
    CpuAccounting.Snapshot cpu0 = cpu.snapshot();
    done("RUNNING, job " + jobId + "; vertices: " + job.vertices().stream()
        .map(v -> v.name() + " ×" + v.parallelism()).collect(Collectors.joining("; ")));
    RestMetrics.Vertex source = job.vertices().get(0);
    List<String> readIds = List.of();
    long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    double lastTotal = -1;
    long lastChange = start;
    CpuAccounting.Snapshot atLastChange = cpu0;
    long lastPrint = start;
    while (true) {
      long now = System.nanoTime();
      if (readIds.isEmpty()) {
        readIds = rest.metricIds(jobId, source.id()).stream()
            .filter(id -> id.startsWith("Source") && id.endsWith(".numRecordsIn")).toList();
      }
      double read = readIds.isEmpty() ? 0
          : rest.aggregate(jobId, source.id(), readIds, "sum").values().stream().mapToDouble(Double::doubleValue).sum();
      double total = 0;
      for (RestMetrics.Vertex v : job.vertices()) {
        total += rest.aggregate(jobId, v.id(), "numRecordsIn", "sum", 0);
      }
      total += read;
      if (total != lastTotal) {
        lastTotal = total;
        lastChange = now;
        atLastChange = cpu.snapshot();
      } else if (read >= interactions && now - lastChange > TimeUnit.SECONDS.toNanos(2)) {
        break;
      }
      if (now - lastPrint > TimeUnit.SECONDS.toNanos(10)) {
        lastPrint = now;
        out.printf(Locale.ROOT, "  %6.1f s: read %,.0f of %,d%n", (now - start) / 1e9, read, interactions);
      }
      if (now - deadline > 0) {
        throw new IllegalStateException(String.format(Locale.ROOT, "the SQL anchor had read %,.0f of %,d "
            + "interactions after %d s", read, interactions, timeoutSeconds));
      }
      Thread.sleep(POLL_MS);
    }
    client.cancel().get(30, TimeUnit.SECONDS);
    double seconds = (lastChange - start) / 1e9;
    CpuAccounting.Window window = CpuAccounting.between(cpu0, atLastChange);
    out.printf(Locale.ROOT, "  all %,d interactions read and counted in %.2f s: %,.0f interactions/s; %.1f µs of the "
        + "benchmark JVM's CPU per interaction%n", interactions, seconds, interactions / seconds,
        1e6 * window.processCpu() / interactions);
    printCpu(window);
    return new AnchorRun(seconds, window);
  }

  /**
   * The feature job over the whole backlog again (a fresh store, from the earliest offsets), measured as phase 1
   * was: {interactions/s, µs of the JVM's CPU per interaction, seconds}.
   */
  private double[] rerunOurs(RestMetrics rest, MiniClusterRuntime cluster, String bootstrap,
      BenchKafka.Written written, long interactions, CpuAccounting cpu, int round) throws Exception {
    out.println();
    out.printf(Locale.ROOT, "Round %d: the feature job over the backlog again%n", round);
    SubmittedFeatureJob submitted = submitFeatureJob(rest, cluster, bootstrap);
    long runningAt = System.nanoTime();
    CpuAccounting.Snapshot cpu0 = cpu.snapshot();
    done("RUNNING, job " + submitted.jobId());
    Phase1 p = drain(rest, submitted.jobId(), submitted.job(), written, runningAt);
    CpuAccounting.Window window = CpuAccounting.between(cpu0, cpu.snapshot());
    submitted.client().cancel().get(30, TimeUnit.SECONDS);
    awaitNotRunning(rest, submitted.jobId());
    EmbeddedFeatureStore.clearShared(submitted.storeName());
    double rate = interactions / p.seconds();
    double us = 1e6 * window.processCpu() / interactions;
    out.printf(Locale.ROOT, "  %,d interactions in %.2f s: %,.0f/s, %.1f µs of the benchmark JVM's CPU per "
        + "interaction%n", interactions, p.seconds(), rate, us);
    return new double[] {rate, us, p.seconds()};
  }

  record SubmittedFeatureJob(String storeName, JobClient client, String jobId, RestMetrics.JobView job) {}

  /** Submits the feature job from the earliest offsets into a fresh embedded store and waits until it RUNS. */
  private SubmittedFeatureJob submitFeatureJob(RestMetrics rest, MiniClusterRuntime cluster, String bootstrap)
      throws Exception {
    String storeName = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    JobConfig config = JobConfig.fromArgs("--bootstrap-servers", bootstrap, "--feature-store",
        "embedded:" + storeName, "--starting-offsets", "earliest");
    StreamExecutionEnvironment env = cluster.environment();
    env.setParallelism(stack.parallelism);
    step("Submitting the feature job (parallelism " + stack.parallelism + ", store embedded:" + storeName + ")");
    JobClient client = FeatureJob.withKafka(config).executeAsync(env);
    String jobId = client.getJobID().toHexString();
    return new SubmittedFeatureJob(storeName, client, jobId, awaitRunning(rest, jobId, Duration.ofMinutes(3)));
  }

  /** Waits (up to 30 s) until the job is no longer running, so that the next job has the cluster to itself. */
  private static void awaitNotRunning(RestMetrics rest, String jobId) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      String state = rest.job(jobId).state();
      if (!state.equals("RUNNING") && !state.equals("CANCELLING")) {
        return;
      }
      Thread.sleep(POLL_MS);
    }
  }

  // ---- phase 1 ----

  /** What the drain took: its wall time, the steady rate, and the item operator's emitted interactions. */
  record Phase1(double seconds, double steadyRate, double enriched) {}

  private Phase1 drain(RestMetrics rest, String jobId, RestMetrics.JobView job, BenchKafka.Written written,
      long runningAt) throws Exception {
    RestMetrics.Vertex itemV = job.vertexStartingWith("item features");
    RestMetrics.Vertex userV = job.vertexStartingWith("user features");
    RestMetrics.Vertex trendV = job.vertexStartingWith("trending by region");
    double itemTarget = written.items() + written.interactions();
    long deadline = runningAt + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    List<String> enrichedIds = List.of();
    double deadLettered = 0;
    long lastDeadLetterCheck = runningAt;
    long t10 = 0;
    long t90 = 0;
    long candidateEnd = 0;
    double[] candidate = null;
    long lastPrint = runningAt;
    double lastItemIn = -1;
    long lastProgressAt = runningAt;
    while (true) {
      long now = System.nanoTime();
      if (enrichedIds.size() < io.streamrec.core.contract.InteractionType.values().length) {
        enrichedIds = RestMetrics.operatorMetricIdsWithPrefix(rest.metricIds(jobId, itemV.id()), "interactions_");
      }
      List<String> itemMetrics = new ArrayList<>(enrichedIds);
      itemMetrics.add("numRecordsIn");
      Map<String, Double> item = rest.aggregate(jobId, itemV.id(), itemMetrics, "sum");
      double itemIn = item.getOrDefault("numRecordsIn", 0.0);
      double enriched = enrichedIds.stream().mapToDouble(id -> item.getOrDefault(id, 0.0)).sum();
      double userIn = rest.aggregate(jobId, userV.id(), "numRecordsIn", "sum", 0);
      double trendIn = rest.aggregate(jobId, trendV.id(), "numRecordsIn", "sum", 0);
      if (itemIn != lastItemIn) {
        lastItemIn = itemIn;
        lastProgressAt = now;
      } else if (itemIn < itemTarget - deadLettered && now - lastProgressAt > TimeUnit.SECONDS.toNanos(2)
          && now - lastDeadLetterCheck > TimeUnit.SECONDS.toNanos(2)) {
        // Stuck short of the target: records that became dead letters never reach the keyed operators.
        deadLettered = deadLetters(rest, jobId, job.vertices()).values().stream()
            .mapToDouble(Double::doubleValue).sum();
        lastDeadLetterCheck = now;
      }
      if (t10 == 0 && itemIn >= 0.1 * itemTarget) {
        t10 = now;
      }
      if (t90 == 0 && itemIn >= 0.9 * itemTarget) {
        t90 = now;
      }
      if (now - lastPrint > TimeUnit.SECONDS.toNanos(10)) {
        lastPrint = now;
        out.printf(Locale.ROOT, "  %5.1f s: item features in %,.0f of %,.0f, user features in %,.0f, trending in "
                + "%,.0f%n", (now - runningAt) / 1e9, itemIn, itemTarget, userIn, trendIn);
      }
      boolean allIn = enrichedIds.size() > 0 && itemIn >= itemTarget - deadLettered
          && userIn >= written.users() + enriched;
      if (allIn) {
        double[] values = {itemIn, userIn, trendIn, enriched};
        if (candidate != null && java.util.Arrays.equals(candidate, values)) {
          double seconds = (candidateEnd - runningAt) / 1e9;
          double steady = t90 > t10 ? 0.8 * itemTarget / ((t90 - t10) / 1e9) : Double.NaN;
          out.printf(Locale.ROOT, "  %5.1f s: all processed (%,.0f interactions passed on to the user operator)%n",
              seconds, enriched);
          return new Phase1(seconds, steady, enriched);
        }
        if (candidate == null || !java.util.Arrays.equals(candidate, values)) {
          candidate = values;
          candidateEnd = now;
        }
      } else {
        candidate = null;
      }
      if (now - deadline > 0) {
        throw new IllegalStateException(String.format(Locale.ROOT, "phase 1 not done after %d s: item features in "
                + "%,.0f of %,.0f, user features in %,.0f of %,.0f, dead letters %,.0f", timeoutSeconds, itemIn,
            itemTarget, userIn, written.users() + enriched, deadLettered));
      }
      Thread.sleep(POLL_MS);
    }
  }

  private static RestMetrics.JobView awaitRunning(RestMetrics rest, String jobId, Duration timeout)
      throws Exception {
    return BenchReport.awaitRunning(rest, jobId, timeout);
  }

  /** Dead letters counted by the parse operators, by operator metric id. */
  private static Map<String, Double> deadLetters(RestMetrics rest, String jobId, List<RestMetrics.Vertex> vertices)
      throws IOException {
    Map<String, Double> out = new LinkedHashMap<>();
    for (RestMetrics.Vertex v : vertices) {
      List<String> ids = RestMetrics.operatorMetricIds(rest.metricIds(jobId, v.id()), "recordsDeadLettered");
      out.putAll(rest.aggregate(jobId, v.id(), ids, "sum"));
    }
    return out;
  }

  private static String formatDeadLetters(Map<String, Double> deadLetters) {
    double total = deadLetters.values().stream().mapToDouble(Double::doubleValue).sum();
    return String.format(Locale.ROOT, "%,.0f", total);
  }

  // ---- report ----

  private void printHeader(BuildInfo build, Path work) {
    out.println("streamrec feature job benchmark — " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    BenchReport.printMachine(out, build, work);
    out.printf(Locale.ROOT, "load: %,d interactions over %d users, %d items (Zipf), %d regions; live %,d/s × %d s; "
        + "parallelism %d%n", events, users, items, REGIONS.size(), liveRate, liveSeconds, stack.parallelism);
    out.println();
  }

  private void printClusterSettings(Configuration conf) {
    FeatureJob.Settings s = FeatureJob.Settings.defaults();
    out.printf(Locale.ROOT, "  flink-conf: %d slots, checkpoints every %s (%s), state backend %s, object reuse %s, "
            + "buffer timeout %s; job: flush interval %d ms, out-of-orderness %d s; sink buffer ≤ 100 ms%n",
        conf.get(TaskManagerOptions.NUM_TASK_SLOTS),
        conf.getString("execution.checkpointing.interval", "off"),
        conf.getString("execution.checkpointing.mode", "?"),
        conf.getString(CheckpointingOptions.STATE_BACKEND.key(), "?"),
        conf.getString("pipeline.object-reuse", "false"),
        conf.getString("execution.buffer-timeout", "100 ms"),
        s.flushInterval().toMillis(), s.outOfOrderness().toSeconds());
    out.println("  overrides (--conf): " + (stack.confOverrides.isEmpty() ? "none" : stack.confOverrides));
  }

  /** The checkpoints triggered in a window: how many, how long, how big, and how much of the window they ran. */
  private void printCheckpoints(List<RestMetrics.Checkpoint> all, long fromWallMs, long toWallMs) {
    BenchReport.printCheckpoints(out, all, fromWallMs, toWallMs);
  }

  private void printCpu(CpuAccounting.Window w) {
    BenchReport.printCpu(out, w);
  }

  private void printActivity(List<VertexActivity.Row> rows) {
    BenchReport.printActivity(out, rows);
  }

  /**
   * The profile's shares, and what they cost per interaction: JFR samples Java threads only, so a share of the
   * samples is a share of the JVM's CPU minus its internal threads (GC, JIT), which are listed on their own.
   */
  private void printProfile(JfrProfile.Profile p, CpuAccounting.Window cpu, long interactions) {
    BenchReport.printProfile(out, "CPU profile of phase 1", p, cpu, interactions, "interaction");
  }

  private final BenchReport.Steps steps = new BenchReport.Steps(out);

  private void step(String what) {
    steps.step(what);
  }

  private void done(String result) {
    steps.done(result);
  }

  static String abbreviate(String s, int max) {
    return BenchReport.abbreviate(s, max);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    BenchReport.deleteRecursively(dir);
  }
}
