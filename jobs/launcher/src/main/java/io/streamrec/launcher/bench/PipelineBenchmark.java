package io.streamrec.launcher.bench;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.Limits;
import io.streamrec.core.contract.RecRequest;
import io.streamrec.core.contract.RecResponse;
import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.contract.User;
import io.streamrec.core.features.ExponentialDecay;
import io.streamrec.core.features.FeatureReplay;
import io.streamrec.core.features.ItemFeatureState;
import io.streamrec.core.features.TopNBoard;
import io.streamrec.core.features.TrendingFeatures;
import io.streamrec.core.features.UserFeatureState;
import io.streamrec.core.index.Generation;
import io.streamrec.core.index.IndexWrite;
import io.streamrec.core.index.ItemAttributes;
import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.core.serving.Deadline;
import io.streamrec.core.serving.RetrievalSource;
import io.streamrec.core.store.EmbeddedFeatureStore;
import io.streamrec.core.store.FeatureWrite;
import io.streamrec.core.synthetic.SyntheticEvents;
import io.streamrec.index.lucene.LuceneVectorIndex;
import io.streamrec.jobs.feature.StoreWrites;
import io.streamrec.launcher.BuildInfo;
import io.streamrec.onnx.ItemTower;
import io.streamrec.serving.RecommendationPipeline;
import io.streamrec.serving.ServingModels;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The request pipeline alone, without Kafka, Flink or StateFun: what one request costs in CPU, stage by stage, on
 * the data the serving benchmark uses. The serving benchmark measures the whole path under load on a shared box;
 * this one measures the pipeline's own work on one thread, steadily enough to compare two builds.
 *
 * <p><b>Data.</b> The serving benchmark's synthetic catalog, users and history ({@link SyntheticEvents}, the same
 * seed and sizes), turned into store records by {@link FeatureReplay} — the classes the feature job runs — and
 * written to an embedded store as the feature job's sinks write them; trending and newest-item boards per region;
 * every item embedded by the committed item tower into an embedded Lucene index. Each request is a known user's,
 * with the user's last interactions as the session's recent items, as the serving function would hold them.
 *
 * <p><b>Measurement.</b> The shipped pipeline settings and models, run on the calling thread with a generous
 * deadline (so every request runs every stage): a warm-up, discarded, then {@code --requests} requests. Per
 * request: the thread's CPU time (ONNX Runtime runs on the calling thread, so its native time is in it), the bytes
 * it allocated, and the stages' wall times from the response's {@code timings_ms}.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = "CPU per request of the recommendation pipeline alone, stage by stage (see docs/benchmarks.md).")
public final class PipelineBenchmark implements Callable<Integer> {

  @Option(names = "--items", defaultValue = "50000", description = "Catalog items (${DEFAULT-VALUE}).")
  int items;

  @Option(names = "--users", defaultValue = "20000", description = "Known users (${DEFAULT-VALUE}).")
  int users;

  @Option(names = "--history", defaultValue = "200000", description = "Interactions before the requests "
      + "(${DEFAULT-VALUE}).")
  int history;

  @Option(names = "--warmup-seconds", defaultValue = "20", description = "Warm-up, discarded (${DEFAULT-VALUE} s).")
  int warmupSeconds;

  @Option(names = "--requests", defaultValue = "2000", description = "Measured requests per round "
      + "(${DEFAULT-VALUE}).")
  int requests;

  @Option(names = "--rounds", defaultValue = "5", description = "Measured rounds; the report gives each round's "
      + "CPU per request and the BENCH line the median round, the machine being shared (${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the synthetic data (${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--ann-k", description = "Nearest neighbours the pipeline asks the index for (default: the "
      + "serving default).")
  Integer annK;

  @Option(names = "--index-search", description = "How the embedded index searches its compacted segment: ivf "
      + "(inverted-file lists) | graph (HNSW) (default: the shipped setting).")
  String indexSearch;

  private final PrintStream out = System.out;
  private final BenchReport.Steps steps = new BenchReport.Steps(out);
  private static final int SESSION_ITEMS = 10;

  @Override
  public Integer call() throws Exception {
    if (items < 1 || users < 1 || history < 1 || warmupSeconds < 0 || requests < 1 || rounds < 1) {
      throw new IllegalArgumentException("--items, --users, --history, --requests and --rounds must be >= 1, "
          + "--warmup-seconds >= 0");
    }
    BuildInfo build = BuildInfo.load();
    out.println("streamrec pipeline benchmark — " + java.time.ZonedDateTime.now());
    BenchReport.printMachine(out, build, java.nio.file.Path.of("."));
    out.printf(Locale.ROOT, "data: %,d items (%d categories), %,d users, %,d interactions over the last hour%n",
        items, ServingBenchmark.CATEGORIES, users, history);

    long endTs = System.currentTimeMillis();
    SyntheticEvents gen = new SyntheticEvents(new SyntheticEvents.Spec(seed, users, items, history,
        endTs - ServingBenchmark.HISTORY_SPAN_MS, ServingBenchmark.HISTORY_SPAN_MS, 5_000, 0.01,
        ServingBenchmark.CATEGORIES, FeatureBenchmark.REGIONS, ""));
    String name = "pipeline-bench-" + Long.toHexString(System.nanoTime());
    EmbeddedFeatureStore store = EmbeddedFeatureStore.shared(name);
    io.streamrec.index.lucene.LuceneIndexSettings indexSettings =
        io.streamrec.index.lucene.LuceneIndexSettings.defaults();
    if ("graph".equals(indexSearch)) {
      indexSettings = indexSettings.withGraphSearch();
    } else if (indexSearch != null && !indexSearch.equals("ivf")) {
      throw new IllegalArgumentException("--index-search must be ivf or graph, got " + indexSearch);
    }
    LuceneVectorIndex index = LuceneVectorIndex.shared(name, indexSettings);
    try (ServingModels models = new ServingModels(new ModelRegistry(build.modelDir()), Duration.ofHours(1))) {
      steps.step("Replaying the history into store records (the feature job's classes)");
      Map<String, Deque<String>> sessions = fillStore(gen, store, endTs);
      steps.done(String.format(Locale.ROOT, "%,d records", store.size()));

      steps.step("Embedding the catalog with the item tower into the embedded index");
      String version = fillIndex(gen, index, build);
      steps.done(String.format(Locale.ROOT, "generation 1 (model %s) with %,d items", version,
          index.stats().liveItems()));

      RecommendationPipeline.Settings settings = RecommendationPipeline.Settings.defaults();
      if (annK != null) {
        settings = settings.withAnnK(annK);
      }
      out.printf("settings: ANN k %d, first stage over the best %d, ranker over its best %d; index search %s%n",
          settings.annK(), settings.rankTopN(), settings.rankerTopN(),
          indexSettings.ivfListDocs() > 0 ? "ivf (lists of ~" + indexSettings.ivfListDocs() + ")" : "graph");
      RecommendationPipeline pipeline = new RecommendationPipeline(store, index, models, settings, Runnable::run);
      List<User> known = gen.users();
      Random random = new Random(seed + 1);
      steps.step("Warming up for " + warmupSeconds + " s (discarded)");
      long warmEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
      int warmed = 0;
      while (System.nanoTime() < warmEnd) {
        run(pipeline, known.get(random.nextInt(known.size())), sessions, "w" + warmed++);
      }
      steps.done(String.format(Locale.ROOT, "%,d requests", warmed));

      List<Round> done = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        steps.step(String.format(Locale.ROOT, "Round %d of %d: %,d requests on one thread", round, rounds,
            requests));
        Round r = measure(pipeline, known, sessions, random, "r" + round + "-");
        done.add(r);
        steps.done(String.format(Locale.ROOT, "CPU %.0f µs per request", r.cpuPerRequest()));
      }
      List<Round> byCpu = new ArrayList<>(done);
      byCpu.sort(java.util.Comparator.comparingDouble(Round::cpuPerRequest));
      Round median = byCpu.get(byCpu.size() / 2);
      out.println();
      out.printf(Locale.ROOT, "CPU per request by round: %s µs (median %.0f, best %.0f)%n",
          done.stream().map(r -> String.format(Locale.ROOT, "%.0f", r.cpuPerRequest()))
              .collect(java.util.stream.Collectors.joining(", ")), median.cpuPerRequest(),
          byCpu.get(0).cpuPerRequest());
      out.printf(Locale.ROOT, "median round: CPU p50 %d µs, p99 %d µs; wall p50 %d µs, p99 %d µs; allocated %.0f KB "
              + "per request; %.1f served, %.0f scored by the first stage; %.2f %% degraded%n",
          median.cpu().getValueAtPercentile(50), median.cpu().getValueAtPercentile(99),
          median.wall().getValueAtPercentile(50), median.wall().getValueAtPercentile(99), median.allocKb(),
          median.served(), median.firstStaged(), median.degradedPct());
      out.printf(Locale.ROOT, "median round: candidates per request by source: %s; ANN answered fewer than the "
              + "%d asked in %.1f %% of requests%n", median.perSource().entrySet().stream()
              .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey().wireName(), e.getValue()))
              .collect(java.util.stream.Collectors.joining(", ")), pipeline.settings().annK(), median.shortAnnPct());
      long[] lookups = pipeline.neighbourLookups();
      out.printf(Locale.ROOT, "item-to-item neighbour lookups over the whole run: %,d from the shared cache, %,d "
          + "searched in the index (%.1f %% hits)%n", lookups[0], lookups[1],
          100.0 * lookups[0] / Math.max(1, lookups[0] + lookups[1]));
      out.printf(Locale.ROOT, "one core at this cost: %,.0f requests/s; the goal (1,500/s on 2 cores with Kafka and "
          + "Flink beside it) allows ~500 µs%n", 1e6 / median.cpuPerRequest());
      out.println("stages of the median round, mean wall µs per request (timings_ms; wall ≈ CPU on one thread):");
      median.stageUs().forEach((stage, us) -> out.printf(Locale.ROOT, "  %-14s %8.0f%n", stage, us));
      out.println(BenchLine.named("pipeline")
          .withRounded("cpu_us_per_request", median.cpuPerRequest())
          .with("p50_us", median.wall().getValueAtPercentile(50))
          .with("p99_us", median.wall().getValueAtPercentile(99))
          .withRounded("alloc_kb_per_request", median.allocKb()));
      return 0;
    } finally {
      EmbeddedFeatureStore.clearShared(name);
      LuceneVectorIndex.dropShared(name);
    }
  }

  /** One measured round. */
  private record Round(double cpuPerRequest, Histogram cpu, Histogram wall, double allocKb, double served,
      double firstStaged, double degradedPct, Map<String, Double> stageUs, Map<RetrievalSource, Double> perSource,
      double shortAnnPct) {}

  private Round measure(RecommendationPipeline pipeline, List<User> known, Map<String, Deque<String>> sessions,
      Random random, String idPrefix) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    Histogram cpu = new Histogram(3);
    Histogram wall = new Histogram(3);
    Map<String, double[]> stageSums = new LinkedHashMap<>();
    long allocated = 0;
    long firstStaged = 0;
    long degraded = 0;
    long served = 0;
    Map<RetrievalSource, long[]> sourceSums = new EnumMap<>(RetrievalSource.class);
    long shortAnn = 0;
    long cpuStart = threads.getCurrentThreadCpuTime();
    for (int i = 0; i < requests; i++) {
      User u = known.get(random.nextInt(known.size()));
      long c0 = threads.getCurrentThreadCpuTime();
      long a0 = threads.getThreadAllocatedBytes(tid);
      long w0 = System.nanoTime();
      RecommendationPipeline.Outcome o = run(pipeline, u, sessions, idPrefix + i);
      long w1 = System.nanoTime();
      long c1 = threads.getCurrentThreadCpuTime();
      allocated += threads.getThreadAllocatedBytes(tid) - a0;
      cpu.recordValue(Math.max(1, (c1 - c0) / 1_000));
      wall.recordValue(Math.max(1, (w1 - w0) / 1_000));
      RecResponse r = o.response();
      if (r.degraded()) {
        degraded++;
      }
      served += r.items().size();
      firstStaged += o.log() == null ? 0 : o.log().firstStageScored();
      o.candidates().forEach((src, n) -> sourceSums.computeIfAbsent(src, x -> new long[1])[0] += n);
      if (o.candidates().getOrDefault(RetrievalSource.ANN, 0) < pipeline.settings().annK()) {
        shortAnn++;
      }
      r.timingsMs().forEach((stage, ms) -> stageSums.computeIfAbsent(stage, s -> new double[1])[0] += ms);
    }
    double cpuTotalUs = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e3;
    Map<String, Double> stageUs = new LinkedHashMap<>();
    stageSums.forEach((stage, sum) -> stageUs.put(stage, sum[0] * 1e3 / requests));
    return new Round(cpuTotalUs / requests, cpu, wall, allocated / 1024.0 / requests, served / (double) requests,
        firstStaged / (double) requests, 100.0 * degraded / requests, stageUs, perSource(sourceSums, requests),
        100.0 * shortAnn / requests);
  }

  private static Map<RetrievalSource, Double> perSource(Map<RetrievalSource, long[]> sums, int requests) {
    Map<RetrievalSource, Double> out = new EnumMap<>(RetrievalSource.class);
    sums.forEach((s, n) -> out.put(s, n[0] / (double) requests));
    return out;
  }

  private static RecommendationPipeline.Outcome run(RecommendationPipeline pipeline, User u,
      Map<String, Deque<String>> sessions, String id) {
    RecRequest r = RecRequest.of(id, u.userId, System.currentTimeMillis(), Limits.DEFAULT_K);
    r.region = u.region;
    r.deadlineMs = Limits.MAX_DEADLINE_MS;
    Deque<String> recent = sessions.get(u.userId);
    RecommendationPipeline.Session session = new RecommendationPipeline.Session(
        recent == null ? List.of() : List.copyOf(recent), Set.of(), Set.of(), u.region);
    return pipeline.run(r, session, Deadline.startingNow(r.deadlineMs));
  }

  /** The feature job's records from the history; returns each user's latest items, newest first. */
  private Map<String, Deque<String>> fillStore(SyntheticEvents gen, EmbeddedFeatureStore store, long endTs) {
    FeatureReplay replay = new FeatureReplay();
    TrendingFeatures trending = TrendingFeatures.defaults();
    TrendingFeatures fresh = TrendingFeatures.fresh();
    Map<String, Map<String, Double>> trendScores = new HashMap<>();
    Map<String, Deque<String>> sessions = new HashMap<>();
    gen.items().forEach(replay::item);
    gen.users().forEach(replay::user);
    for (Iterator<Interaction> it = gen.interactions(); it.hasNext(); ) {
      Interaction i = it.next();
      replay.interaction(i);
      Deque<String> s = sessions.computeIfAbsent(i.userId, k -> new ArrayDeque<>());
      s.remove(i.itemId);
      s.addFirst(i.itemId);
      if (s.size() > SESSION_ITEMS) {
        s.removeLast();
      }
      double w = trending.weight(i.type);
      if (w > 0) {
        for (String region : trending.regionsOf(i.region)) {
          trendScores.computeIfAbsent(region, k -> new HashMap<>()).compute(i.itemId,
              (k, old) -> trending.decay().add(old == null ? ExponentialDecay.empty() : old, w, i.ts));
        }
      }
    }
    List<FeatureWrite> writes = new ArrayList<>();
    for (ItemFeatureState s : replay.itemStates().values()) {
      writes.add(StoreWrites.item(s));
    }
    for (UserFeatureState s : replay.userStates().values()) {
      writes.add(StoreWrites.user(s));
    }
    for (int from = 0; from < writes.size(); from += 1_000) {
      store.writeAll(writes.subList(from, Math.min(writes.size(), from + 1_000))).join();
    }
    trendScores.forEach((region, scores) -> {
      TopNBoard board = new TopNBoard(trending.boardSize());
      scores.forEach(board::offer);
      store.upsert(TrendingFeatures.key(region), trending.toBins(board, endTs), endTs, Duration.ZERO);
    });
    // The newest items of each region: every item enters its regions' boards once, when listed.
    Map<String, TopNBoard> freshBoards = new HashMap<>();
    for (Item item : gen.items()) {
      List<String> regions = new ArrayList<>(List.of(StoreLayout.GLOBAL_REGION));
      if (item.regions != null) {
        regions.addAll(List.of(item.regions));
      }
      for (String region : regions) {
        freshBoards.computeIfAbsent(region, k -> new TopNBoard(fresh.boardSize()))
            .offer(item.itemId, fresh.decay().add(ExponentialDecay.empty(), 1, item.ts));
      }
    }
    freshBoards.forEach((region, board) ->
        store.upsert(TrendingFeatures.freshKey(region), fresh.toBins(board, endTs), endTs, Duration.ZERO));
    return sessions;
  }

  private String fillIndex(SyntheticEvents gen, LuceneVectorIndex index, BuildInfo build) {
    ModelRegistry registry = new ModelRegistry(build.modelDir());
    String version = registry.currentVersion(ModelRegistry.TWO_TOWER_ITEM);
    List<Item> catalog = gen.items();
    try (ItemTower tower = ItemTower.open(registry, version)) {
      index.create(new Generation(1, version, tower.dimension()));
      index.publish(1);
      List<CompletableFuture<?>> writes = new ArrayList<>();
      for (int from = 0; from < catalog.size(); from += 512) {
        List<Item> batch = catalog.subList(from, Math.min(catalog.size(), from + 512));
        float[][] v = tower.embed(batch.stream()
            .map(i -> new TwoTowerInputs.ItemInput(i.itemId, i.title, i.category, i.price)).toList());
        for (int i = 0; i < batch.size(); i++) {
          writes.add(index.write(new IndexWrite.Upsert(1, batch.get(i).itemId, v[i],
              ItemAttributes.of(batch.get(i)), 1)));
        }
      }
      writes.forEach(CompletableFuture::join);
    }
    index.compactNow();
    return version;
  }
}
