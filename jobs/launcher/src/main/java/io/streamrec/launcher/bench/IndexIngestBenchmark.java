package io.streamrec.launcher.bench;

import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.Json;
import io.streamrec.core.contract.Topics;
import io.streamrec.core.synthetic.SyntheticEvents;
import io.streamrec.index.lucene.LuceneIndexSettings;
import io.streamrec.index.lucene.LuceneVectorIndex;
import io.streamrec.jobs.common.JobConfig;
import io.streamrec.jobs.index.IndexJob;
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
 * The index job benchmark: Kafka ({@code items}, contract JSON) → the index job (item tower in ONNX Runtime,
 * batched; the embedded Lucene HNSW index) on a real broker (own JVM) and a MiniCluster configured from
 * {@code flink-conf/}, with only the index job running. The goal: ≥ 6,000 item embeddings + upserts per
 * second on this machine with freshness p99 ≤ 1 s.
 *
 * <h2>Phase 1: throughput</h2>
 *
 * A synthetic catalog of {@code --items} items ({@link SyntheticEvents}: title, category, price, in-stock flag,
 * regions, minimum age, event time) is written to Kafka <em>before</em> the job exists. The job then starts from
 * the earliest offsets with a fresh {@code --vector-index embedded:bench-<id>} and the repository's model registry,
 * and the clock runs from the moment the job and all its vertices are RUNNING until every item is searchable.
 * {@code upserts_per_s} = items / that time. Every item is one item-tower inference (in a batch) and one upsert.
 *
 * <p><b>How "every item searchable" is detected.</b> In-process: the job's index is the JVM-wide
 * {@link LuceneVectorIndex#shared} instance of that name, so the benchmark reads its {@link
 * LuceneVectorIndex#stats() stats} every {@value #INDEX_POLL_MS} ms and stops the clock when a generation is
 * published, it holds every item ({@code liveItems}) and no write is waiting for a refresh ({@code pendingWrites
 * = 0}; liveItems is read first, so every write counted was searchable by the second read). Counting the items
 * walks the index's item map under the lock its writers take, so this check starts only once the REST count of
 * applied writes passes {@value #CLOSE_TO_DONE} of the items. The job first creates
 * and publishes an index generation (its control source decides at start and then every 2 s); items that reach
 * the item operator before that decision are written by the generation's first roll-out from the operator's
 * state, the others as live changes, so the active generation is complete only once both have landed. The report
 * also gives {@code indexWritesApplied} and the steady rate between 10 % and 90 % of the items, from Flink's REST
 * metrics polled every {@value #REST_POLL_MS} ms (the REST API answers with what the JobManager fetched on the
 * previous request, so a value is about one poll old).
 *
 * <h2>Phase 2: freshness</h2>
 *
 * With the catalog indexed, new versions of existing items are sent open-loop ({@link OpenLoopSchedule}) at
 * {@code --rate} for {@code --seconds}; each is stamped with the wall-clock time of its intended send instant as its
 * event time ({@code ts}) and changes what the item tower reads ({@link ItemUpdates}: a new title), so each is an
 * inference plus an upsert. Freshness is (searchable − intended send time), the way a reader of the index sees it:
 * every {@code --sample-every}-th update also moves its item to a marker category that no version of it had before,
 * and a {@link FreshnessProbe} with {@link IndexVisibility} searches the index every {@value #PROBE_POLL_MS} ms,
 * filtered to that category, until the item comes back. The probe therefore sees exactly what serving's searches
 * see (the same near-real-time searcher), from outside the job; its resolution is the poll interval. Other ways
 * were weighed: {@link LuceneVectorIndex#similar} or a search by score cannot tell versions apart (the index keeps
 * an item's newest vector from the moment it is written, before it is searchable, and the benchmark does not know
 * the new vector), and the job's own {@code indexFreshnessLagMs} histogram keeps only the last 1,000 writes per
 * subtask (a fraction of a second at this rate) and is measured inside the job; it is sampled every second and
 * printed next to the probe's numbers. Values are kept in an HdrHistogram (µs); a sample not seen after
 * {@code --give-up-seconds} counts with that age and makes the percentiles lower bounds.
 *
 * <p>Whether the job kept up: the writes the job applied per second while the load ran (REST
 * {@code indexWritesApplied}), the backlog when the sender finished (updates sent − applied; the Kafka source's
 * {@code pendingRecords}, i.e. its consumer lag), and how long after the last send the last write was applied.
 *
 * <h2>Where the time goes</h2>
 *
 * Per thread: CPU time ({@link CpuAccounting}); the item tower's inference runs in native code on the embedder's
 * worker thread, so its thread's CPU is the tower's cost, while index writes (the HNSW graph insert) run on the task
 * threads, refreshes and merges on the index's own threads. Per vertex: busy / back-pressured / idle. Per kind of
 * work: a Java Flight Recorder profile of each phase ({@link JfrProfile}; native inference is not sampled there).
 *
 * <p>The last line of the output is {@code BENCH index-ingest upserts_per_s=<n> freshness_p99_ms=<n>}.
 */
@Command(
    name = "index-ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Index job benchmark: Kafka (items, JSON) -> index job (item tower, ONNX) -> embedded Lucene index.",
      "Phase 1: throughput over a pre-produced catalog (every item embedded and upserted).",
      "Phase 2: freshness (intended send -> searchable) under an open-loop load of item changes.",
      "Last line: BENCH index-ingest upserts_per_s=<n> freshness_p99_ms=<n>"
    })
public final class IndexIngestBenchmark implements Callable<Integer> {

  static final long FETCH_INTERVAL_MS = 500;
  static final long INDEX_POLL_MS = 100;
  static final long REST_POLL_MS = 1_000;
  static final long PROBE_POLL_MS = 20;
  /** The in-process check (it walks the index's item map under its lock) starts once REST shows this share. */
  static final double CLOSE_TO_DONE = 0.75;
  static final int CATEGORIES = 50;
  static final double GOAL_UPSERTS_PER_SECOND = 6_000;
  static final double GOAL_FRESHNESS_P99_MS = 1_000;

  @Mixin BenchStackOptions stack;

  @Option(names = "--items", defaultValue = "100000",
      description = "Catalog items written to Kafka before the job starts (${DEFAULT-VALUE}).")
  int items;

  @Option(names = "--rate", defaultValue = "6000",
      description = "Item changes per second in the freshness phase, open loop (${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--seconds", defaultValue = "30",
      description = "Length of the freshness phase in seconds (${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--sample-every", defaultValue = "100",
      description = "Follow every n-th item change into the index (${DEFAULT-VALUE}); raised if the catalog is too "
          + "small to give each sample its own item (at most half of the items are sampled).")
  int sampleEvery;

  @Option(names = "--give-up-seconds", defaultValue = "120",
      description = "A sampled change not searchable after this long counts with this age, as a lower bound "
          + "(${DEFAULT-VALUE}); also the longest the benchmark waits for the job to catch up after the load.")
  int giveUpSeconds;

  @Option(names = "--profile", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Record a Java Flight Recorder CPU profile of each phase (default: on).")
  boolean profile;

  @Option(names = "--timeout-seconds", defaultValue = "600",
      description = "Give up on phase 1 after this long (${DEFAULT-VALUE}).")
  int timeoutSeconds;

  private final PrintStream out = System.out;
  private final BenchReport.Steps steps = new BenchReport.Steps(out);

  @Override
  public Integer call() throws Exception {
    if (items < 2 || rate < 1 || seconds < 1 || stack.parallelism < 1 || sampleEvery < 1 || giveUpSeconds < 1
        || timeoutSeconds < 1) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--items must be >= 2; --rate, --seconds, "
          + "--parallelism, --sample-every, --give-up-seconds and --timeout-seconds must be >= 1");
    }
    BuildInfo build = BuildInfo.load();
    Path work = stack.workDir.toAbsolutePath();
    BenchReport.deleteRecursively(work.resolve("kafka"));
    BenchReport.deleteRecursively(work.resolve("flink"));
    Files.createDirectories(work.resolve("logs"));

    out.println("streamrec index job benchmark (index-ingest) — "
        + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    BenchReport.printMachine(out, build, work);
    out.printf(Locale.ROOT, "load: %,d catalog items (%d categories, %d regions); live %,d item changes/s × %d s, "
        + "every %d-th followed into the index; parallelism %d%n", items, CATEGORIES,
        FeatureBenchmark.REGIONS.size(), rate, seconds, sampleEvery, stack.parallelism);
    out.println();

    String indexName = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    try (BenchStack s = BenchStack.start(build, work, stack, stack.parallelism, FETCH_INTERVAL_MS, steps)) {
      printSettings(s.conf, build);
      return run(build, s.broker, s.cluster, work, indexName);
    } finally {
      LuceneVectorIndex.dropShared(indexName);
    }
  }

  private int run(BuildInfo build, KafkaBrokerProcess broker, MiniClusterRuntime cluster, Path work,
      String indexName) throws Exception {
    String bootstrap = broker.bootstrapServers();
    CpuAccounting cpu = new CpuAccounting(broker.pid());

    // ---- the catalog ----
    SyntheticEvents gen = new SyntheticEvents(new SyntheticEvents.Spec(stack.seed, 1, items, 0,
        System.currentTimeMillis(), 1, 0, 0.0, CATEGORIES, FeatureBenchmark.REGIONS, ""));
    List<Item> catalog = gen.items();
    steps.step(String.format(Locale.ROOT, "Writing %,d items to Kafka", items));
    BenchKafka.Written written = BenchKafka.writeItems(bootstrap, catalog);
    long inKafka = BenchKafka.recordsInTopics(bootstrap, List.of(Topics.ITEMS)).get(Topics.ITEMS.name());
    if (inKafka != items) {
      throw new IllegalStateException("Kafka holds " + inKafka + " items, not the " + items + " written");
    }
    steps.done(String.format(Locale.ROOT, "%,d records, %.1f MB of JSON, %,.0f records/s", written.items(),
        written.bytes() / 1e6, written.items() / written.seconds()));

    // ---- the job ----
    LuceneVectorIndex index = LuceneVectorIndex.shared(indexName); // the instance the job's functions open
    JobConfig config = JobConfig.fromArgs("--bootstrap-servers", bootstrap, "--vector-index",
        "embedded:" + indexName, "--model-dir", build.modelDir().toString(), "--starting-offsets", "earliest");
    StreamExecutionEnvironment env = cluster.environment();
    env.setParallelism(stack.parallelism);
    steps.step("Submitting the index job (parallelism " + stack.parallelism + ", index embedded:" + indexName
        + ", models " + build.modelDir() + ")");
    JobClient client = IndexJob.withKafka(config).executeAsync(env);
    String jobId = client.getJobID().toHexString();
    RestMetrics rest = new RestMetrics(cluster.restUrl());
    RestMetrics.JobView job = BenchReport.awaitRunning(rest, jobId, Duration.ofMinutes(3));
    long runningAt = System.nanoTime();
    long runningAtWall = System.currentTimeMillis();
    CpuAccounting.Snapshot cpu0 = cpu.snapshot();
    JvmInternalCpu.Snapshot internal0 = JvmInternalCpu.snapshot();
    JfrProfile jfr1 = profile ? JfrProfile.start(Duration.ofMillis(10)) : null;
    steps.done("RUNNING, job " + jobId);
    out.println("  vertices: " + job.vertices().stream()
        .map(v -> v.name() + " ×" + v.parallelism()).collect(Collectors.joining("; ")));
    JobMetrics metrics = new JobMetrics(rest, jobId, job);

    // ---- phase 1 ----
    out.println();
    out.println("Phase 1: throughput over the catalog");
    Phase1 p1 = drain(metrics, index, runningAt);
    CpuAccounting.Snapshot cpu1 = cpu.snapshot();
    JvmInternalCpu.Snapshot internal1 = JvmInternalCpu.snapshot();
    JfrProfile.Profile profile1 = jfr1 == null ? null : jfr1.stop(work.resolve("index-ingest-phase1.jfr"));
    VertexActivity.Snapshot act1 = VertexActivity.snapshot(rest, jobId, job.vertices());
    List<VertexActivity.Row> activity1 =
        VertexActivity.between(VertexActivity.zero(runningAt, job.vertices()), act1, job.vertices());
    CpuAccounting.Window cpuWindow1 = CpuAccounting.between(cpu0, cpu1);
    long phase1EndWall = System.currentTimeMillis();

    // Let the last acks be counted; REST answers with the fetch the previous request started, so ask twice.
    Thread.sleep(FETCH_INTERVAL_MS + 250);
    metrics.counters();
    Thread.sleep(FETCH_INTERVAL_MS + 250);
    Map<String, Double> counters1 = metrics.counters();
    LuceneVectorIndex.Stats stats1 = index.stats();
    // The heap after a full GC: Flink's state + the index + the rest of this JVM.
    ManagementFactory.getMemoryMXBean().gc();
    long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();

    // ---- phase 2 ----
    out.println();
    out.printf(Locale.ROOT, "Phase 2: freshness under a live load of %,d item changes/s for %d s (open loop)%n", rate,
        seconds);
    long total = (long) rate * seconds;
    ItemUpdates updates = new ItemUpdates(catalog, total, sampleEvery, stack.seed + 1);
    if (updates.sampleEvery() != sampleEvery) {
      out.printf(Locale.ROOT, "  (sampling every %d-th change instead of every %d-th: each sample needs its own "
          + "item, and at most half of the %,d items are sampled)%n", updates.sampleEvery(), sampleEvery, items);
    }
    SinkLagSampler jobLag = SinkLagSampler.find(rest, jobId, job.vertices(), "indexFreshnessLagMs");
    Duration giveUp = Duration.ofSeconds(giveUpSeconds);
    IndexVisibility visibility = new IndexVisibility(index);
    FreshnessProbe probe = new FreshnessProbe(visibility, Duration.ofMillis(PROBE_POLL_MS), giveUp).start();
    double applied0 = counters1.getOrDefault("indexWritesApplied", 0.0);
    VertexActivity.Snapshot act2 = VertexActivity.snapshot(rest, jobId, job.vertices());
    CpuAccounting.Snapshot cpu2 = cpu.snapshot();
    JvmInternalCpu.Snapshot internal2 = JvmInternalCpu.snapshot();
    JfrProfile jfr2 = profile ? JfrProfile.start(Duration.ofMillis(10)) : null;
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bench-job-lag-sampler");
      t.setDaemon(true);
      return t;
    });
    // Readings from 3 s on. The REST API answers with what the JobManager fetched on the previous request (and
    // fetches anew, at most every FETCH_INTERVAL_MS), so a request at 2 s makes the first reading show ~2 s.
    sampler.schedule(() -> {
      try {
        metrics.counters();
      } catch (IOException | RuntimeException e) {
        // only a staler first reading
      }
    }, 2, TimeUnit.SECONDS);
    sampler.scheduleAtFixedRate(jobLag::sample, 3, 1, TimeUnit.SECONDS);
    long phase2StartWall = System.currentTimeMillis();
    long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    long wall0 = System.currentTimeMillis() + 50;
    OpenLoopSchedule schedule = OpenLoopSchedule.forDuration(rate, seconds, t0);
    BenchKafka.LiveSent sent = BenchKafka.sendOpenLoop(bootstrap, Topics.ITEMS, schedule, wall0,
        (k, tsMs, intendedNanos) -> {
          Item item = updates.update(k, tsMs);
          if (updates.sampled(k)) {
            probe.expect(item.itemId, item.category, intendedNanos);
          }
          return new BenchKafka.LiveRecord(item.itemId, Json.write(item));
        });
    long sendEnd = System.nanoTime();
    CpuAccounting.Snapshot cpu3 = cpu.snapshot();
    JvmInternalCpu.Snapshot internal3 = JvmInternalCpu.snapshot();
    VertexActivity.Snapshot act3 = VertexActivity.snapshot(rest, jobId, job.vertices());
    Map<String, Double> countersAtEnd = metrics.counters();
    double pendingInKafka = metrics.kafkaPendingRecords();
    double appliedInLoad = countersAtEnd.getOrDefault("indexWritesApplied", 0.0) - applied0;
    FreshnessProbe.Result freshness = probe.finish(giveUp);
    double drainSeconds = awaitApplied(metrics, applied0 + sent.events(), sendEnd, giveUp);
    sampler.shutdownNow();
    // Parsed only now, so that reading the recording does not compete with the last samples (it also covers the
    // time until the last change was applied).
    JfrProfile.Profile profile2 = jfr2 == null ? null : jfr2.stop(work.resolve("index-ingest-phase2.jfr"));
    SinkLagSampler.Summary jobLagSummary = jobLag.summary();
    Map<String, Double> counters2 = metrics.counters();
    LuceneVectorIndex.Stats stats2 = index.stats();
    long phase2EndWall = System.currentTimeMillis();
    List<RestMetrics.Checkpoint> checkpoints = rest.checkpoints(jobId);
    List<VertexActivity.Row> activity2 = VertexActivity.between(act2, act3, job.vertices());
    CpuAccounting.Window cpuWindow2 = CpuAccounting.between(cpu2, cpu3);

    // ---- report ----
    double upsertsPerSecond = items / p1.seconds();
    int cores = Runtime.getRuntime().availableProcessors();
    out.println();
    out.println("=".repeat(100));
    out.println("RESULTS");
    out.println("=".repeat(100));
    out.printf(Locale.ROOT, "Phase 1 (throughput): %,d catalog items in Kafka, each embedded and upserted%n", items);
    out.printf(Locale.ROOT, "  wall time from job RUNNING to every item searchable  %8.2f s   (index polled "
        + "in-process every %d ms)%n", p1.seconds(), INDEX_POLL_MS);
    out.printf(Locale.ROOT, "  item embeddings + upserts per second                %,10.0f   (%,.0f per core)%n",
        upsertsPerSecond, upsertsPerSecond / cores);
    out.printf(Locale.ROOT, "  steady rate between 10 %% and 90 %% of the writes    %,10.0f writes/s   (REST "
        + "readings every %d ms)%n", p1.steadyRate(), REST_POLL_MS);
    out.printf(Locale.ROOT, "  first index generation published after %.2f s (the control source decides at "
        + "start and every %d s)%n", p1.publishedSeconds(), IndexJob.Settings.defaults().controlPoll().toSeconds());
    printCounters(counters1, null, "  ");
    out.printf(Locale.ROOT, "  index after phase 1: generation %d, %,d items, %d segments, %,d refreshes, %d "
            + "compactions; heap after a full GC %.2f GiB%n", stats1.activeGeneration(), stats1.liveItems(),
        stats1.segments(), stats1.refreshes(), stats1.compactions(), heapUsed / (double) (1L << 30));
    BenchReport.printCheckpoints(out, checkpoints, runningAtWall, phase1EndWall);
    BenchReport.printCpu(out, cpuWindow1);
    JvmInternalCpu.print(out, JvmInternalCpu.between(internal0, internal1), cpuWindow1);
    double usPerItem = 1e6 * cpuWindow1.processCpu() / items;
    double jitUs = 1e6 * JvmInternalCpu.between(internal0, internal1).getOrDefault(JvmInternalCpu.JIT, 0.0) / items;
    out.printf(Locale.ROOT, "  CPU cost: %.0f µs of the benchmark JVM's CPU per item (+ %.1f µs in the broker), of "
            + "which %.0f µs JIT compilation (warm-up); %,.0f/s on %d cores allows %.0f µs. At this cost one fully "
            + "used core would do %,.0f/s.%n", usPerItem, 1e6 * cpuWindow1.brokerCpu() / items, jitUs,
        GOAL_UPSERTS_PER_SECOND, cores, 1e6 * cores / GOAL_UPSERTS_PER_SECOND, 1e6 / usPerItem);
    BenchReport.printActivity(out, activity1);
    if (profile1 != null) {
      BenchReport.printProfile(out, "CPU profile of phase 1", profile1,
          sampledPool(cpuWindow1, JvmInternalCpu.between(internal0, internal1)), items, "item");
    }

    out.println();
    out.printf(Locale.ROOT, "Phase 2 (freshness): %,d item changes sent in %.2f s (%,.0f/s; target %,d/s), sender "
        + "at most %.1f ms behind schedule%n", sent.events(), sent.seconds(), sent.events() / sent.seconds(), rate,
        sent.maxBehindMs());
    out.printf(Locale.ROOT, "  end to end (intended send → searchable in the index), %,d samples of %,d seen, %,d "
            + "not seen within %d s; index searched every %d ms (%,d probe searches):%n", freshness.seen(),
        freshness.expected(), freshness.lost(), giveUp.toSeconds(), freshness.pollInterval().toMillis(),
        visibility.searches());
    String bound = freshness.lowerBound() ? "≥ " : "";
    out.printf(Locale.ROOT, "    p50 %s%.0f ms   p90 %s%.0f ms   p99 %s%.0f ms   p99.9 %s%.0f ms   max %s%.0f ms%n",
        bound, freshness.percentileMs(50), bound, freshness.percentileMs(90), bound, freshness.percentileMs(99),
        bound, freshness.percentileMs(99.9), bound, freshness.maxMs());
    if (freshness.lowerBound()) {
      out.println("    (changes not seen in time count with their age when given up: these are lower bounds)");
    }
    double offered = sent.events() / sent.seconds();
    double appliedRate = appliedInLoad / sent.seconds();
    boolean keptUp = freshness.lost() == 0 && appliedRate >= 0.95 * offered;
    out.printf(Locale.ROOT, "  kept up: %s — the job applied %,.0f writes/s while %,.0f/s were offered; when the "
            + "sender finished, %,.0f changes were not yet applied (REST, ~%.1f s stale) and the Kafka source had "
            + "%s records left to read (pendingRecords); the last change was applied %s after the last send%n",
        keptUp ? "yes" : "NO", appliedRate, offered, Math.max(0, sent.events() - appliedInLoad),
        REST_POLL_MS / 1000.0, Double.isNaN(pendingInKafka) ? "n/a" : String.format(Locale.ROOT, "%,.0f",
            pendingInKafka), Double.isNaN(drainSeconds) ? String.format(Locale.ROOT, "not within %d s",
            giveUp.toSeconds()) : String.format(Locale.ROOT, "≤ %.1f s", drainSeconds));
    out.println("  the job's own indexFreshnessLagMs (searchable − event time; last 1,000 writes per subtask, read "
        + "every 1 s):");
    jobLagSummary.print(out);
    printCounters(counters2, counters1, "  phase 2: ");
    out.printf(Locale.ROOT, "  index after phase 2: %,d items, %d segments, %,d refreshes, %d compactions (%d "
            + "during phase 2)%n", stats2.liveItems(), stats2.segments(), stats2.refreshes(), stats2.compactions(),
        stats2.compactions() - stats1.compactions());
    BenchReport.printCheckpoints(out, checkpoints, phase2StartWall, phase2EndWall);
    BenchReport.printCpu(out, cpuWindow2);
    JvmInternalCpu.print(out, JvmInternalCpu.between(internal2, internal3), cpuWindow2);
    if (appliedInLoad > 0) {
      out.printf(Locale.ROOT, "  CPU cost: %.0f µs of the benchmark JVM's CPU per applied change (sender and probe "
          + "included)%n", 1e6 * cpuWindow2.processCpu() / appliedInLoad);
    }
    BenchReport.printActivity(out, activity2);
    if (profile2 != null) {
      BenchReport.printProfile(out, "CPU profile of phase 2 (until the last change was applied; µs from the CPU of "
          + "the load window)", profile2, sampledPool(cpuWindow2, JvmInternalCpu.between(internal2, internal3)),
          Math.round(appliedInLoad), "change");
    }

    out.println();
    out.printf(Locale.ROOT, "Goal: ≥ %,.0f item embeddings + upserts/s on this machine with freshness p99 ≤ %,.0f "
            + "ms.%nReached: %,.0f upserts/s (%.0f %% of the goal), freshness p99 %s%.0f ms at %,d changes/s%s.%n",
        GOAL_UPSERTS_PER_SECOND, GOAL_FRESHNESS_P99_MS, upsertsPerSecond,
        100 * upsertsPerSecond / GOAL_UPSERTS_PER_SECOND, bound, freshness.percentileMs(99), rate,
        keptUp ? "" : " (not kept up)");
    client.cancel().get(30, TimeUnit.SECONDS);
    if (freshness.seen() == 0) {
      System.err.println("No sampled item change became searchable: no freshness to report.");
      return 1;
    }
    out.println(line(upsertsPerSecond, freshness.percentileMs(99)));
    return 0;
  }

  /**
   * The window with "JVM internal" narrowed to the JIT, GC and VM threads seen in {@code /proc}, for converting JFR
   * shares into CPU: the samples include Java threads that ended within the window (Lucene starts a thread per
   * merge), whose CPU {@link CpuAccounting} can only put under "JVM internal". Unchanged without {@code /proc}.
   */
  private static CpuAccounting.Window sampledPool(CpuAccounting.Window w, Map<String, Double> internal) {
    if (internal.isEmpty()) {
      return w;
    }
    double known = Math.min(w.jvmInternal(), internal.values().stream().mapToDouble(Double::doubleValue).sum());
    return new CpuAccounting.Window(w.wallSeconds(), w.processCpu(), w.brokerCpu(), w.machineBusy(),
        w.machineKnown(), w.threadGroups(), known, w.gcSeconds(), w.gcCount());
  }

  /** {@code BENCH index-ingest upserts_per_s=<n> freshness_p99_ms=<n>}. */
  static String line(double upsertsPerSecond, double freshnessP99Ms) {
    return BenchLine.named("index-ingest")
        .withRounded("upserts_per_s", upsertsPerSecond)
        .withRounded("freshness_p99_ms", freshnessP99Ms)
        .toString();
  }

  // ---- phase 1 ----

  /** What the catalog took: wall time to all searchable, the steady write rate, when the generation went live. */
  record Phase1(double seconds, double steadyRate, double publishedSeconds) {}

  private Phase1 drain(JobMetrics metrics, LuceneVectorIndex index, long runningAt) throws Exception {
    long deadline = runningAt + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    long publishedAt = 0;
    // The steady rate: the slope between the first REST reading at ≥ 10 % and the last one at ≤ 90 % of the items.
    long tLow = 0;
    double appliedLow = 0;
    long tHigh = 0;
    double appliedHigh = 0;
    long lastRest = 0;
    long lastPrint = runningAt;
    double applied = 0;
    while (true) {
      long now = System.nanoTime();
      if (publishedAt == 0 && index.active().isPresent()) {
        publishedAt = now;
      }
      // The exact check walks the index's item map under the lock the writers need: only near the end.
      if (publishedAt != 0 && applied >= CLOSE_TO_DONE * items) {
        LuceneVectorIndex.Stats s = index.stats();
        if (s.liveItems() >= items && s.pendingWrites() == 0) {
          double seconds = (now - runningAt) / 1e9;
          out.printf(Locale.ROOT, "  %5.1f s: all %,d items searchable in generation %d%n", seconds, s.liveItems(),
              s.activeGeneration());
          double steady = tHigh > tLow && tLow != 0 ? (appliedHigh - appliedLow) / ((tHigh - tLow) / 1e9)
              : Double.NaN;
          return new Phase1(seconds, steady, (publishedAt - runningAt) / 1e9);
        }
      }
      if (now - lastRest >= TimeUnit.MILLISECONDS.toNanos(REST_POLL_MS)) {
        lastRest = now;
        Map<String, Double> c = metrics.counters();
        applied = c.getOrDefault("indexWritesApplied", 0.0);
        if (tLow == 0 && applied >= 0.1 * items) {
          tLow = now;
          appliedLow = applied;
        }
        if (tLow != 0 && applied <= 0.9 * items) {
          tHigh = now;
          appliedHigh = applied;
        }
        if (now - lastPrint >= TimeUnit.SECONDS.toNanos(10)) {
          lastPrint = now;
          double towerItems = c.getOrDefault("towerItems", 0.0);
          double batches = c.getOrDefault("towerBatches", 0.0);
          out.printf(Locale.ROOT, "  %5.1f s: %,.0f writes applied, %,.0f items through the tower (mean batch "
                  + "%.1f) (REST); index generation %s; job %s%n", (now - runningAt) / 1e9, applied, towerItems,
              batches > 0 ? towerItems / batches : 0, index.active().map(g -> Long.toString(g.id()))
                  .orElse("not published yet"), metrics.jobState());
        }
      }
      if (now - deadline > 0) {
        throw new IllegalStateException(String.format(Locale.ROOT, "phase 1 not done after %d s: %,.0f writes "
                + "applied (REST), index %s, job %s; see %s", timeoutSeconds, applied, index.stats(),
            metrics.jobState(), stack.workDir.resolve("logs/bench.log")));
      }
      Thread.sleep(INDEX_POLL_MS);
    }
  }

  /**
   * Seconds from {@code fromNanos} until the job's applied-writes counter reaches {@code target} (REST; late by at
   * most the metric fetcher interval plus the 250 ms poll, so an upper bound), or NaN if it does not within
   * {@code maxWait}.
   */
  private static double awaitApplied(JobMetrics metrics, double target, long fromNanos, Duration maxWait)
      throws Exception {
    long deadline = System.nanoTime() + maxWait.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (metrics.counters().getOrDefault("indexWritesApplied", 0.0) >= target) {
        return (System.nanoTime() - fromNanos) / 1e9;
      }
      Thread.sleep(250);
    }
    return Double.NaN;
  }

  // ---- report ----

  private void printSettings(Configuration conf, BuildInfo build) {
    IndexJob.Settings s = IndexJob.Settings.defaults();
    LuceneIndexSettings ix = LuceneIndexSettings.defaults();
    out.printf(Locale.ROOT, "  flink-conf: %d slots, checkpoints every %s (%s), state backend %s, object reuse %s, "
            + "buffer timeout %s%n", conf.get(TaskManagerOptions.NUM_TASK_SLOTS),
        conf.getString("execution.checkpointing.interval", "off"),
        conf.getString("execution.checkpointing.mode", "?"),
        conf.getString(CheckpointingOptions.STATE_BACKEND.key(), "?"),
        conf.getString("pipeline.object-reuse", "false"),
        conf.getString("execution.buffer-timeout", "100 ms"));
    out.printf(Locale.ROOT, "  index job: item tower batches ≤ %d, %d commands in flight to the tower, %,d writes "
            + "in flight to the index, control poll %d s; item tower %s%n", s.towerBatch(), s.embedCapacity(),
        s.writeCapacity(), s.controlPoll().toSeconds(), currentItemTower(build));
    out.printf(Locale.ROOT, "  embedded index: HNSW M=%d, beam width %d; refresh every %d ms; compaction check "
            + "every %d s (merge to 1 segment when > %d graph segments, > %.0f %% deleted or > %,d documents to "
            + "scan)%n", ix.maxConn(), ix.beamWidth(), ix.refreshInterval().toMillis(),
        ix.compactionCheck().toSeconds(), ix.maxGraphSegments(), ix.maxDeletedPct(), 2 * ix.exactLeafDocs());
    out.println("  overrides (--conf): " + (stack.confOverrides.isEmpty() ? "none" : stack.confOverrides));
  }

  private static String currentItemTower(BuildInfo build) {
    try {
      return "two-tower-item/" + Files.readString(build.modelDir().resolve("two-tower-item/CURRENT")).trim();
    } catch (IOException e) {
      return "(unknown: " + e.getMessage() + ")";
    }
  }

  /** The index job's counters, or their growth since {@code before} when given. */
  private void printCounters(Map<String, Double> now, Map<String, Double> before, String prefix) {
    java.util.function.ToDoubleFunction<String> d =
        k -> now.getOrDefault(k, 0.0) - (before == null ? 0.0 : before.getOrDefault(k, 0.0));
    out.printf(Locale.ROOT, "%swrites applied %,.0f (first roll-out %,.0f, live %,.0f), stale %,.0f, not found %,.0f, "
            + "failed %,.0f; tower: %,.0f items in %,.0f inferences (mean batch %.1f), %,.0f failures; items "
            + "unchanged %,.0f, out of order %,.0f; dead letters (parse) %,.0f%n", prefix,
        d.applyAsDouble("indexWritesApplied"),
        d.applyAsDouble("rebuildWrites"), d.applyAsDouble("indexWritesApplied") - d.applyAsDouble("rebuildWrites"),
        d.applyAsDouble("indexWritesStale"), d.applyAsDouble("indexWritesNotFound"),
        d.applyAsDouble("indexWriteFailures"), d.applyAsDouble("towerItems"), d.applyAsDouble("towerBatches"),
        d.applyAsDouble("towerBatches") > 0 ? d.applyAsDouble("towerItems") / d.applyAsDouble("towerBatches") : 0,
        d.applyAsDouble("towerFailures"), d.applyAsDouble("itemsUnchanged"), d.applyAsDouble("itemsOutOfOrder"),
        d.applyAsDouble("recordsDeadLettered"));
  }

  /**
   * The index job's operator metrics through REST, summed over subtasks and over the vertices that report them
   * (the chain's operators may sit in one vertex or several).
   */
  static final class JobMetrics {
    static final List<String> COUNTERS = List.of("indexWritesApplied", "rebuildWrites", "indexWritesStale",
        "indexWritesNotFound", "indexWritesRetired", "indexWriteFailures", "towerItems", "towerBatches",
        "towerFailures", "itemsEmbedded", "itemsUnchanged", "itemsOutOfOrder", "rebuildItems", "recordsDeadLettered");

    private final RestMetrics rest;
    private final String jobId;
    private final RestMetrics.JobView job;
    /** Per vertex id: metric id → counter name; found lazily (metrics appear once the operators have opened). */
    private final Map<String, Map<String, String>> ids = new LinkedHashMap<>();
    private final Map<String, String> pendingRecordIds = new LinkedHashMap<>();
    private long lastDiscovery = System.nanoTime() - TimeUnit.MINUTES.toNanos(1);

    JobMetrics(RestMetrics rest, String jobId, RestMetrics.JobView job) {
      this.rest = rest;
      this.jobId = jobId;
      this.job = job;
    }

    /** Counter name → value summed over subtasks and vertices (counters not reported yet are absent). */
    synchronized Map<String, Double> counters() throws IOException {
      long found = ids.values().stream().flatMap(m -> m.values().stream()).distinct().count();
      if (found < COUNTERS.size() && System.nanoTime() - lastDiscovery > TimeUnit.SECONDS.toNanos(5)) {
        discover(); // operators register their metrics when they open; some counters may never appear
        lastDiscovery = System.nanoTime();
      }
      Map<String, Double> out = new LinkedHashMap<>();
      for (Map.Entry<String, Map<String, String>> v : ids.entrySet()) {
        if (v.getValue().isEmpty()) {
          continue;
        }
        Map<String, Double> values = rest.aggregate(jobId, v.getKey(), v.getValue().keySet(), "sum");
        values.forEach((id, value) -> out.merge(v.getValue().get(id), value, Double::sum));
      }
      return out;
    }

    /** The Kafka source's records left to read (its consumer lag), or NaN if the source does not report it. */
    synchronized double kafkaPendingRecords() throws IOException {
      if (pendingRecordIds.isEmpty()) {
        for (RestMetrics.Vertex v : job.vertices()) {
          RestMetrics.operatorMetricIds(rest.metricIds(jobId, v.id()), "pendingRecords")
              .forEach(id -> pendingRecordIds.put(id, v.id()));
        }
      }
      if (pendingRecordIds.isEmpty()) {
        return Double.NaN;
      }
      double sum = 0;
      for (Map.Entry<String, String> e : pendingRecordIds.entrySet()) {
        sum += rest.aggregate(jobId, e.getValue(), e.getKey(), "sum", 0);
      }
      return sum;
    }

    String jobState() {
      try {
        return rest.job(jobId).state();
      } catch (IOException e) {
        return "unknown (" + e.getMessage() + ")";
      }
    }

    private void discover() throws IOException {
      for (RestMetrics.Vertex v : job.vertices()) {
        Map<String, String> found = new LinkedHashMap<>();
        List<String> all = rest.metricIds(jobId, v.id());
        for (String counter : COUNTERS) {
          RestMetrics.operatorMetricIds(all, counter).forEach(id -> found.put(id, counter));
        }
        // towerMeanBatchSize is a ratio: computed from towerItems / towerBatches, never summed.
        ids.put(v.id(), found);
      }
    }
  }
}
