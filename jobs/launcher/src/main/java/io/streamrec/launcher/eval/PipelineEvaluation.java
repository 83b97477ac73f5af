package io.streamrec.launcher.eval;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.RecRequest;
import io.streamrec.core.contract.Topics;
import io.streamrec.core.contract.User;
import io.streamrec.core.index.SearchFilter;
import io.streamrec.core.index.VectorIndex;
import io.streamrec.core.store.FeatureStore;
import io.streamrec.datasets.OnlineRetailDataset;
import io.streamrec.datasets.eval.BaselineSuite;
import io.streamrec.datasets.eval.Evaluator;
import io.streamrec.datasets.eval.InteractionLog;
import io.streamrec.datasets.eval.Recommender;
import io.streamrec.datasets.eval.TemporalSplit;
import io.streamrec.jobs.common.JobConfig;
import io.streamrec.jobs.common.KafkaIO;
import io.streamrec.jobs.feature.FeatureJob;
import io.streamrec.jobs.index.IndexJob;
import io.streamrec.jobs.serving.ServingJob;
import io.streamrec.launcher.BuildInfo;
import io.streamrec.launcher.ConsumerLag;
import io.streamrec.launcher.LocalStack;
import io.streamrec.launcher.Progress;
import io.streamrec.launcher.RecClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/streamrec-eval}: the offline protocol (docs/evaluation.md) with the running system in the loop.
 *
 * <ol>
 *   <li>Splits the bundled Online Retail II derivative as the trainer does ({@link TemporalSplit#lastDays}: the last
 *       14 days are the test window) and scores the protocol's baselines on everything before the test window.
 *   <li>Starts the local stack (Kafka broker, MiniCluster, feature + index + serving jobs) and replays, through
 *       Kafka and with their original timestamps, only what precedes the test window: the items and users first
 *       seen before it and the purchases before it.
 *   <li>Waits until the jobs have caught up: consumer lag 0 on every group and topic they read, then the feature
 *       store holds every user's and item's last replayed event ({@link StoreCatchUp}) and the vector index has an
 *       active generation holding every replayed item.
 *   <li>Sends one request per evaluated test user (k = 20, ts = the test window's start, region = the user's
 *       country, a generous deadline: this measures quality, not latency) and scores the responses with the same
 *       {@link Evaluator}: history = purchases before the test window, relevant = items new to the user bought in
 *       it.
 * </ol>
 *
 * <p>The last lines are one {@code EVAL} line per model: the baselines of {@link BaselineSuite} (their settings
 * chosen on the validation window) on the discovery protocol, then on the repeat protocol
 * ({@value BaselineSuite#REPEAT}: every purchase in the test window counts, which the pipeline, filtering what the
 * user bought, does not aim at), and the pipeline last.
 */
@Command(
    name = "streamrec-eval",
    mixinStandardHelpOptions = true,
    description = "Replays the training period of the bundled dataset through Kafka into the running jobs (local "
        + "MiniCluster), requests recommendations for the test-period users and scores them as the offline "
        + "evaluation does, next to the baselines. Last line: 'EVAL online-retail pipeline recall@20=... "
        + "ndcg@20=... hit@20=... coverage=...'.")
public final class PipelineEvaluation implements Callable<Integer> {

  static final String DATASET = "online-retail";

  @Option(names = "--k", defaultValue = "20", description = "Items per request and metric cut-off (${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--deadline-ms", defaultValue = "1000",
      description = "Each request's deadline: generous, so no answer is cut short (${DEFAULT-VALUE}).")
  int deadlineMs;

  @Option(names = "--rate", defaultValue = "20", description = "Requests per second (${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--validation-days", defaultValue = "14", description = "As the trainer (${DEFAULT-VALUE}).")
  int validationDays;

  @Option(names = "--test-days", defaultValue = "14", description = "As the trainer (${DEFAULT-VALUE}).")
  int testDays;

  @Option(names = "--catch-up-minutes", defaultValue = "15",
      description = "How long the jobs may take to process the replay (${DEFAULT-VALUE}).")
  int catchUpMinutes;

  @Option(names = "--ablations", description = "Also run the serving pipeline in this JVM against the jobs' "
      + "store and index with one stage at a time turned off (a diagnostic; printed before the EVAL lines).")
  boolean ablations;

  @Option(names = "--work-dir", defaultValue = ".streamrec-eval",
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
    long started = System.nanoTime();
    BuildInfo build = BuildInfo.load();
    Progress progress = new Progress(System.out);
    Path work = workDir.toAbsolutePath();
    progress.line("streamrec pipeline evaluation — work dir " + work + " (logs in " + work.resolve("logs") + ")");

    // ---- the protocol, exactly as the trainer's `evaluate`
    progress.step("Loading and splitting the Online Retail II derivative");
    OnlineRetailDataset data = OnlineRetailDataset.load(build.datasetDir());
    InteractionLog log = InteractionLog.of(data);
    TemporalSplit split = TemporalSplit.lastDays(log, validationDays, testDays);
    List<InteractionLog.Event> train = split.trainAndValidation(log);
    Map<String, Set<String>> history = TemporalSplit.itemsByUser(train);
    Map<String, Set<String>> testWindow = TemporalSplit.itemsByUser(split.test(log));
    Evaluator evaluator = new Evaluator(DATASET, history, testWindow, log.catalog().size());
    TrainingReplay replay = TrainingReplay.before(data, split.testStart());
    progress.done(String.format("%,d purchases; test window %s … %s; %d users to evaluate", log.events().size(),
        Instant.ofEpochMilli(split.testStart()), Instant.ofEpochMilli(split.end()), evaluator.users()));
    progress.line(String.format("  replay (before the test window): %,d items of %,d, %,d users of %,d, "
            + "%,d purchases", replay.items().size(), data.items().size(), replay.users().size(),
        data.users().size(), replay.interactions().size()));
    Set<String> replayedItems = new HashSet<>();
    replay.items().forEach(i -> replayedItems.add(i.itemId));
    printReach(progress, evaluator, history, testWindow, replayedItems);

    progress.step("Scoring the baselines on the same split (settings chosen on the validation window)");
    List<String> tuning = new ArrayList<>();
    BaselineSuite.Outcome suite = BaselineSuite.run(log, split, BaselineSuite.Settings.defaults(k), tuning::add);
    progress.done("popularity, popularity-30d, region-popularity, item-knn, ease; buy-again on "
        + BaselineSuite.REPEAT);
    tuning.forEach(line -> progress.line("  " + line));
    List<Recommender> baselines = suite.discoveryModels();
    List<Evaluator.Result> results = new ArrayList<>(suite.discovery());

    // ---- the system in the loop
    ServedLists served = new ServedLists("pipeline");
    List<String> ablationLines = List.of();
    Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    LocalStack stack = LocalStack.start(build,
        new LocalStack.Settings(LocalStack.Mode.MINICLUSTER, work, kafkaPort, webPort, topicPrefix,
            Duration.ofMinutes(3)),
        progress);
    AtomicBoolean closed = new AtomicBoolean();
    Runnable close = () -> {
      if (closed.compareAndSet(false, true)) {
        stack.close();
      }
    };
    Thread hook = new Thread(close, "streamrec-eval-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      progress.line("Flink web UI: " + stack.webUrl() + "   Kafka: " + stack.bootstrapServers());
      try (RecClient client =
          new RecClient(KafkaIO.clientProperties(stack.jobConfig()), stack.jobConfig().topicPrefix())) {
        produce(client, replay, progress);
        waitForConsumers(stack, progress);
        waitForStoreAndIndex(stack.jobConfig(), replay, progress);
        request(client, evaluator.evaluatedUsers(), log.userRegions(), split.testStart(), served, latency,
            progress);
      }
      if (ablations) {
        ablationLines = ablations(stack.jobConfig(), build.modelDir(), replay, evaluator, history, testWindow,
            log, split.testStart(), served, progress);
      }
    } finally {
      progress.step("Stopping the stack");
      close.run();
      progress.done("stopped");
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // already shutting down
      }
    }

    Evaluator.Result pipeline = evaluator.evaluate(served, k);
    report(progress, served, history, latency, evaluator.users());
    List<Recommender> all = new ArrayList<>(baselines);
    all.add(served);
    bySegment(progress, history, testWindow, log.catalog().size(), all);
    ablationLines.forEach(progress::line);
    progress.line(String.format(Locale.ROOT, "Total run time %.0f s. The EVAL lines (the pipeline last):",
        (System.nanoTime() - started) / 1e9));
    suite.repeat().forEach(r -> progress.line(r.line()));
    results.add(pipeline);
    results.forEach(r -> progress.line(r.line()));
    return served.unansweredCount() == 0 ? 0 : 1;
  }

  /** How much of the test window the system could possibly get right. */
  private static void printReach(Progress progress, Evaluator evaluator, Map<String, Set<String>> history,
      Map<String, Set<String>> testWindow, Set<String> replayedItems) {
    int relevant = 0;
    int unknownItem = 0;
    int coldUsers = 0;
    for (String user : evaluator.evaluatedUsers()) {
      Set<String> fresh = new HashSet<>(testWindow.get(user));
      fresh.removeAll(history.getOrDefault(user, Set.of()));
      relevant += fresh.size();
      unknownItem += (int) fresh.stream().filter(i -> !replayedItems.contains(i)).count();
      coldUsers += history.containsKey(user) ? 0 : 1;
    }
    progress.line(String.format(Locale.ROOT, "  evaluated users: %d, of whom %d have no purchase before the test "
            + "window; relevant (user, item) pairs: %,d, of which %,d (%.1f %%) are items first sold in the test "
            + "window (not in the replayed catalog)", evaluator.users(), coldUsers, relevant, unknownItem,
        100.0 * unknownItem / Math.max(1, relevant)));
  }

  private static void produce(RecClient client, TrainingReplay replay, Progress progress) {
    progress.step("Producing the training period's items and users");
    for (Item i : replay.items()) {
      client.send(Topics.ITEMS, i.itemId, i);
    }
    for (User u : replay.users()) {
      client.send(Topics.USERS, u.userId, u);
    }
    client.flush();
    progress.done(String.format("%,d items, %,d users", replay.items().size(), replay.users().size()));

    progress.step("Producing the training period's purchases as interactions");
    long n = 0;
    for (Interaction i : replay.interactions()) {
      client.send(Topics.INTERACTIONS, i.userId, i);
      if (++n % 50_000 == 0) {
        progress.update(String.format("%,d / %,d", n, replay.interactions().size()));
      }
    }
    client.flush();
    progress.done(String.format("%,d sent", n));
  }

  /** Consumer lag 0 for every job on every topic it reads (offsets commit on checkpoints). */
  private void waitForConsumers(LocalStack stack, Progress progress) throws Exception {
    progress.step("Waiting for the jobs to read the replay (consumer lag 0; offsets commit on checkpoints)");
    JobConfig c = stack.jobConfig();
    Map<String, String[]> reads = new LinkedHashMap<>();
    reads.put(FeatureJob.NAME, new String[] {c.topic(Topics.INTERACTIONS), c.topic(Topics.ITEMS),
        c.topic(Topics.USERS)});
    reads.put(ServingJob.NAME, new String[] {c.topic(Topics.INTERACTIONS)});
    reads.put(IndexJob.NAME, new String[] {c.topic(Topics.ITEMS)});
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(catchUpMinutes);
    try (ConsumerLag lag = new ConsumerLag(KafkaIO.clientProperties(stack.jobConfig()))) {
      while (true) {
        Map<String, Long> behind = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> e : reads.entrySet()) {
          long sum = 0;
          for (String topic : e.getValue()) {
            sum += lag.lag(c.groupId(e.getKey()), topic);
          }
          behind.put(e.getKey(), sum);
        }
        if (behind.values().stream().allMatch(v -> v == 0)) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("jobs did not catch up within " + catchUpMinutes + " minutes (lag "
              + behind + "); see " + stack.webUrl());
        }
        progress.update("behind: " + behind);
        Thread.sleep(1000); // a console progress tick
      }
    }
    progress.done("caught up");
  }

  /**
   * The embedded store and index live in this JVM (MiniCluster): check that the feature job's coalesced writes and
   * the index writes have landed, rather than sleeping for a while and hoping.
   */
  private void waitForStoreAndIndex(JobConfig config, TrainingReplay replay, Progress progress) throws Exception {
    progress.step("Waiting for the feature store and the vector index to hold the replay");
    FeatureStore store = config.featureStore().open(); // shared by name; never closed here (the jobs use it)
    VectorIndex index = config.vectorIndex().open();
    StoreCatchUp expected = StoreCatchUp.of(replay);
    List<String> items = replay.items().stream().map(i -> i.itemId).toList();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (true) {
      int storeBehind = expected.behind(store.readAll(expected.expected().keySet()).get(30, TimeUnit.SECONDS));
      int notIndexed = index.active().isEmpty() ? items.size() : 0;
      if (notIndexed == 0) {
        for (String item : items) {
          // item-to-item from an item finds a neighbour only once the item itself is in the active generation
          if (index.similarNow(item, 1, SearchFilter.none()).isEmpty()) {
            notIndexed++;
          }
        }
      }
      if (storeBehind == 0 && notIndexed == 0) {
        progress.done(String.format("%,d user and item records current; %,d items searchable in generation %s",
            expected.expected().size(), items.size(), index.active().map(g -> g.id() + " (two-tower "
                + g.modelVersion() + ")").orElse("?")));
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("after 2 minutes " + storeBehind + " store records are still behind the "
            + "replay and " + notIndexed + " items are not searchable");
      }
      progress.update(String.format("store records behind %,d, items not searchable %,d", storeBehind,
          notIndexed));
      Thread.sleep(500);
    }
  }

  private void request(RecClient client, Set<String> users, Map<String, String> regions, long ts,
      ServedLists served, Histogram latency, Progress progress) throws Exception {
    progress.step(String.format("Requesting k=%d for %d test users at %d/s (ts = test start, deadline %d ms)", k,
        users.size(), rate, deadlineMs));
    Map<String, CompletableFuture<RecClient.Reply>> futures = new LinkedHashMap<>();
    long interval = TimeUnit.SECONDS.toNanos(1) / Math.max(1, rate);
    long next = System.nanoTime();
    int i = 0;
    for (String user : users) {
      RecRequest r = request(i++, user, regions.get(user), ts, k, deadlineMs);
      LockSupport.parkNanos(next - System.nanoTime());
      next += interval;
      futures.put(user, client.request(r));
    }
    client.flush();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    for (Map.Entry<String, CompletableFuture<RecClient.Reply>> e : futures.entrySet()) {
      try {
        RecClient.Reply reply = e.getValue().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        served.add(e.getKey(), reply.response());
        latency.recordValue(Math.max(1, (long) (reply.latencyMs() * 1000)));
      } catch (TimeoutException timeout) {
        served.unanswered();
      }
    }
    progress.done(String.format("%d answered, %d unanswered", served.answered(), served.unansweredCount()));
  }

  /** The request sent for the {@code n}-th evaluated user. */
  static RecRequest request(int n, String user, String region, long ts, int k, int deadlineMs) {
    RecRequest r = RecRequest.of("eval-" + n, user, ts, k);
    r.region = region;
    r.deadlineMs = deadlineMs;
    return r;
  }

  /** Runs {@link PipelineAblation}'s variants; returns the lines to print with the report. */
  private List<String> ablations(JobConfig config, Path modelDir, TrainingReplay replay, Evaluator evaluator,
      Map<String, Set<String>> history, Map<String, Set<String>> testWindow, InteractionLog log, long ts,
      ServedLists served, Progress progress) throws Exception {
    Map<String, Set<String>> returning = new HashMap<>();
    testWindow.forEach((user, items) -> {
      if (history.containsKey(user)) {
        returning.put(user, items);
      }
    });
    Evaluator returningOnly = new Evaluator(DATASET, history, returning, log.catalog().size());
    List<String> lines = new ArrayList<>();
    lines.add("Ablation (diagnostic, not the system's EVAL): the serving pipeline in this JVM on the jobs' store and "
        + "index, sessions rebuilt from the replay; one stage changed at a time (all: k=" + k + ", deadline 10 s).");
    try (PipelineAblation ablation = new PipelineAblation(config.featureStore().open(), config.vectorIndex().open(),
        modelDir, replay)) {
      for (PipelineAblation.Variant v : PipelineAblation.variants(k)) {
        progress.step("Ablation: " + v.name());
        ServedLists lists = ablation.run(v, evaluator.evaluatedUsers(), log.userRegions(), ts, k);
        Evaluator.Result all = evaluator.evaluate(lists, k);
        Evaluator.Result warm = returningOnly.evaluate(lists, k);
        progress.done(String.format(Locale.ROOT, "recall@%d %.4f", k, all.recall()));
        lines.add(String.format(Locale.ROOT, "  %-20s recall@%d=%.4f ndcg@%d=%.4f hit@%d=%.4f coverage=%.4f | "
                + "returning users recall@%d=%.4f ndcg@%d=%.4f | degraded %d | sources %s", v.name(), k,
            all.recall(), k, all.ndcg(), k, all.hitRate(), all.coverage(), k, warm.recall(), k, warm.ndcg(),
            lists.degraded(), lists.sourceShares()));
        if (v.name().equals("as-served")) {
          lines.add(String.format("  (as-served reproduces the served lists item for item for %d of %d users)",
              lists.identicalLists(served), served.answered()));
        }
      }
      progress.step("Ranker probe: missing retrieval scores");
      String probe = ablation.missingRetrievalScoreProbe(evaluator.evaluatedUsers(), log.userRegions(), ts, k);
      progress.done("done");
      lines.add(probe);
    }
    lines.add("");
    return lines;
  }

  private static void report(Progress progress, ServedLists served, Map<String, Set<String>> history,
      Histogram latency, int users) {
    int answered = served.answered();
    progress.line("");
    progress.line(String.format(Locale.ROOT, "Responses: %d answered of %d; degraded %d (%.1f %%); errors %d",
        answered, users, served.degraded(), 100.0 * served.degraded() / Math.max(1, answered), served.errors()));
    served.degradedReasons().stream().limit(5).forEach(e ->
        progress.line(String.format("  degraded ×%d: %s", e.getValue(), e.getKey())));
    progress.line("Retrieval model per response: " + served.retrievalModels());
    int items = served.servedItems();
    Map<String, Integer> rebought = served.servedFromHistoryByUser(history);
    String who = rebought.isEmpty() ? "" : String.format(" (to %d users, who had bought %d to %d distinct items "
            + "before it)", rebought.size(),
        rebought.keySet().stream().mapToInt(u -> history.get(u).size()).min().orElse(0),
        rebought.keySet().stream().mapToInt(u -> history.get(u).size()).max().orElse(0));
    progress.line(String.format(Locale.ROOT, "Served items: %,d (%.1f per response); %d of them already bought "
        + "before the test window%s", items, (double) items / Math.max(1, answered),
        served.servedFromHistory(history), who));
    progress.line("Sources of served items (share of served items proposed by each; an item can have several): "
        + served.sourceShares());
    StringBuilder sets = new StringBuilder();
    served.itemsBySourceSet().forEach(e -> sets.append(String.format(Locale.ROOT, " %s %.1f %%;", e.getKey(),
        100.0 * e.getValue() / Math.max(1, items))));
    progress.line("Served items by exact source set:" + sets);
    progress.line(String.format(Locale.ROOT, "Latency request→response (information only, not the goal): "
            + "p50 %.1f ms, p99 %.1f ms, max %.1f ms", latency.getValueAtPercentile(50) / 1000.0,
        latency.getValueAtPercentile(99) / 1000.0, latency.getMaxValue() / 1000.0));
    progress.line("");
  }

  /**
   * The same metrics on two segments of the evaluated users: those with purchases before the test window (the
   * user tower, item-to-item and item-kNN have something to work with) and those without (trending or popularity
   * only). Information for reading the EVAL lines, not EVAL lines themselves.
   */
  private void bySegment(Progress progress, Map<String, Set<String>> history, Map<String, Set<String>> testWindow,
      int catalogSize, List<Recommender> models) {
    Map<String, Set<String>> warm = new HashMap<>();
    Map<String, Set<String>> cold = new HashMap<>();
    testWindow.forEach((user, items) -> (history.containsKey(user) ? warm : cold).put(user, items));
    for (Map.Entry<String, Map<String, Set<String>>> segment : List.of(Map.entry("returning", warm),
        Map.entry("new", cold))) {
      Evaluator e = new Evaluator(DATASET, history, segment.getValue(), catalogSize);
      progress.line(String.format("Segment: %s users (%d evaluated)", segment.getKey(), e.users()));
      for (Recommender m : models) {
        Evaluator.Result r = e.evaluate(m, k);
        progress.line(String.format(Locale.ROOT, "  %-18s recall@%d=%.4f ndcg@%d=%.4f hit@%d=%.4f", r.model(), k,
            r.recall(), k, r.ndcg(), k, r.hitRate()));
      }
    }
    progress.line("");
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new PipelineEvaluation()).execute(args));
  }
}
