package io.streamrec.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.contract.DeadLetter;
import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.Json;
import io.streamrec.core.contract.PredictionLog;
import io.streamrec.core.model.RankerFeatures;
import io.streamrec.core.training.TrainingExample;
import io.streamrec.core.training.TrainingFixtures;
import io.streamrec.core.training.TrainingLogSettings;
import io.streamrec.jobs.traininglog.ExampleFiles;
import io.streamrec.launcher.bench.RestMetrics;
import io.streamrec.core.contract.RecRequest;
import io.streamrec.core.contract.RecResponse;
import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.contract.Topics;
import io.streamrec.core.features.FeatureReplay;
import io.streamrec.core.features.ItemFeatureState;
import io.streamrec.core.features.UserFeatureState;
import io.streamrec.core.store.EmbeddedFeatureStore;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureStoreSpec;
import io.streamrec.core.synthetic.SyntheticEvents;
import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.ItemOp;
import io.streamrec.core.contract.User;
import io.streamrec.core.index.SearchFilter;
import io.streamrec.core.index.VectorIndex;
import io.streamrec.core.index.VectorIndexSpec;
import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.jobs.feature.FeatureJob;
import io.streamrec.jobs.index.IndexJob;
import io.streamrec.jobs.common.JobConfig;
import org.apache.flink.core.execution.JobClient;
import io.streamrec.onnx.ItemTower;
import io.streamrec.jobs.serving.ServingJob;
import io.streamrec.jobs.traininglog.TrainingLogJob;
import io.streamrec.runtime.FlinkRestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The thin slice end to end: a real Kafka broker (own JVM), the MiniCluster with both jobs submitted as separate
 * Flink jobs, and a client talking only Kafka.
 */
class LocalStackITCase {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @TempDir static Path workDir;
  private static LocalStack stack;
  private static RecClient client;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(BuildInfo.load(),
        new LocalStack.Settings(LocalStack.Mode.MINICLUSTER, workDir, 0, 0, "", Duration.ofMinutes(2)),
        Progress.silent());
    client = new RecClient(stack.bootstrapServers(), "");
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static void purchase(String user, String item, String region, long ts) {
    client.send(Topics.INTERACTIONS, user,
        Interaction.of(unique("e"), user, item, InteractionType.PURCHASE, ts).withRegion(region));
  }

  private static RecResponse ask(String user, String region, int k) throws Exception {
    RecRequest r = RecRequest.of(unique("r"), user, System.currentTimeMillis(), k);
    r.region = region;
    r.deadlineMs = 2_000; // correctness here; latency is the serving benchmark's business
    CompletableFuture<RecClient.Reply> reply = client.request(r);
    client.flush();
    return reply.get(30, TimeUnit.SECONDS).response();
  }

  /** Asks until the answer satisfies {@code expectation}: features arrive asynchronously. */
  private static RecResponse askUntil(String user, String region, int k, Predicate<RecResponse> expectation)
      throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    RecResponse last;
    do {
      last = ask(user, region, k);
      if (expectation.test(last)) {
        return last;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    } while (System.nanoTime() < deadline);
    throw new AssertionError("no expected response within " + TIMEOUT + "; last: " + Json.writeString(last));
  }

  /** As {@link #askUntil}, with a new user (prefix + random suffix) for every attempt. */
  private static RecResponse askFreshUntil(String prefix, String region, int k, Predicate<RecResponse> expectation)
      throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    RecResponse last;
    do {
      last = ask(unique(prefix), region, k);
      if (expectation.test(last)) {
        return last;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    } while (System.nanoTime() < deadline);
    throw new AssertionError("no expected response within " + TIMEOUT + "; last: " + Json.writeString(last));
  }

  private static List<String> itemIds(RecResponse r) {
    return r.items().stream().map(RecResponse.RecItem::itemId).toList();
  }

  @Test
  void theFourJobsRunAsSeparateFlinkJobs() throws Exception {
    // Only the stack's own jobs: other tests may add (and cancel) jobs of their own on the same cluster.
    java.util.Set<String> ids = new HashSet<>();
    stack.jobs().forEach(j -> ids.add(j.jobId()));
    var jobs = new FlinkRestClient(stack.webUrl()).jobsOverview().stream().filter(j -> ids.contains(j.id())).toList();
    assertThat(jobs).extracting(FlinkRestClient.JobSummary::name)
        .containsExactlyInAnyOrder(FeatureJob.NAME, IndexJob.NAME, ServingJob.NAME, TrainingLogJob.NAME);
    assertThat(jobs).extracting(FlinkRestClient.JobSummary::state).containsOnly("RUNNING");
  }

  @Test
  void anItemProducedToKafkaIsFoundByAFilteredSearchUntilItSellsOut() throws Exception {
    // The MiniCluster runs in this JVM, so the test reads the same embedded index the jobs use.
    VectorIndex index = VectorIndexSpec.parse("embedded").open();
    String id = unique("lamp");
    long now = System.currentTimeMillis();
    Item lamp = new Item();
    lamp.itemId = id;
    lamp.op = ItemOp.UPSERT;
    lamp.title = "brass desk lamp " + id;
    lamp.category = "lighting";
    lamp.tags = new String[0];
    lamp.price = 24.0;
    lamp.inStock = true;
    lamp.regions = new String[] {"Norway"};
    lamp.minAge = 0;
    lamp.ts = now;
    client.send(Topics.ITEMS, id, lamp);
    client.flush();

    float[] v;
    try (ItemTower tower = ItemTower.openCurrent(new ModelRegistry(BuildInfo.load().modelDir()))) {
      v = tower.embed(List.of(new TwoTowerInputs.ItemInput(id, lamp.title, lamp.category, lamp.price)))[0];
    }
    SearchFilter norwegianAdult = SearchFilter.forViewer("Norway", 40);
    awaitTrue("item searchable in Norway", () -> index.searchNow(v, 50, norwegianAdult).stream()
        .anyMatch(h -> h.itemId().equals(id)));
    assertThat(index.searchNow(v, 50, SearchFilter.forViewer("France", 40)))
        .noneMatch(h -> h.itemId().equals(id));

    lamp.inStock = false;
    lamp.ts = now + 1;
    client.send(Topics.ITEMS, id, lamp);
    client.flush();
    awaitTrue("sold-out item no longer returned", () -> index.searchNow(v, 50, norwegianAdult).stream()
        .noneMatch(h -> h.itemId().equals(id)));
  }

  private static void awaitTrue(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + TIMEOUT + " waiting for: " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  private static Item catalogItem(String id, String category, int minAge, boolean inStock, long ts) {
    Item it = new Item();
    it.itemId = id;
    it.op = ItemOp.UPSERT;
    it.title = category + " " + id;
    it.category = category;
    it.tags = new String[0];
    it.price = 12.5;
    it.inStock = inStock;
    it.regions = new String[0];
    it.minAge = minAge;
    it.ts = ts;
    return it;
  }

  private static void user(String id, int age, String region, long ts) {
    User u = new User();
    u.userId = id;
    u.age = age;
    u.region = region;
    u.ts = ts;
    client.send(Topics.USERS, id, u);
  }

  @Test
  void thePipelineServesTrendingAndPersonalisedItemsWithEveryFilterApplied() throws Exception {
    String region = unique("region");
    String a = unique("A");
    String b = unique("B");
    String c = unique("C");
    String wine = unique("W");
    String buyer = unique("buyer");
    String minor = unique("minor");
    String adult = unique("adult");
    long now = System.currentTimeMillis();
    for (Item it : List.of(catalogItem(a, "mugs", 0, true, now), catalogItem(b, "lamps", 0, true, now),
        catalogItem(c, "candles", 0, true, now), catalogItem(wine, "wine", 18, true, now))) {
      client.send(Topics.ITEMS, it.itemId, it);
    }
    user(minor, 15, region, now);
    user(adult, 40, region, now);
    // In this region: A bought 3 times, B twice, C once, the wine twice. The buyer bought A.
    purchase(buyer, a, region, now);
    purchase(unique("u"), a, region, now);
    purchase(unique("u"), a, region, now);
    purchase(unique("u"), b, region, now);
    purchase(unique("u"), b, region, now);
    purchase(unique("u"), c, region, now);
    purchase(unique("u"), wine, region, now);
    purchase(unique("u"), wine, region, now);
    client.flush();

    // A new user (nothing known, age unknown) gets the region's trending items, never the age-restricted one.
    // (A fresh user per attempt: what a user was served is not shown to them again for a while.)
    // (A, B and C are also new items, so the fresh source may propose them before their purchases are counted:
    // wait until trending proposes A.)
    RecResponse stranger = askFreshUntil("stranger", region, 50, r -> itemIds(r).containsAll(List.of(a, b, c))
        && r.items().stream().anyMatch(i -> i.itemId().equals(a) && i.sources().contains("trending")));
    assertThat(stranger.degraded()).as(stranger.reason()).isFalse();
    assertThat(itemIds(stranger)).doesNotContain(wine);
    // New catalog items are proposed too (item cold start): the feature job's newest-items board.
    askFreshUntil("stranger", region, 50, r -> r.items().stream().anyMatch(i -> i.sources().contains("fresh")));

    // The serving job saw the buyer's purchase on the same topic: A is excluded for them.
    // (Asking again is safe: B and C are not "served" to the buyer until they appear.)
    RecResponse buyers = askUntil(buyer, region, 50, r -> itemIds(r).containsAll(List.of(b, c)));
    assertThat(itemIds(buyers)).doesNotContain(a);

    // An adult may get the wine; a minor never does.
    askUntil(adult, region, 50, r -> itemIds(r).contains(wine));
    for (int i = 0; i < 5; i++) {
      assertThat(itemIds(ask(minor, region, 50))).doesNotContain(wine);
    }

    // The last swipe changes the next answer: a click gives the user a session to retrieve from. The click and
    // the request travel on different topics, so a request may overtake its click; then the attempt is repeated
    // with a new user (the first one has been served the small catalog and would get nothing new).
    RecResponse personal = null;
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (personal == null && System.nanoTime() < deadline) {
      String swiper = unique("swiper");
      client.send(Topics.INTERACTIONS, swiper,
          Interaction.of(unique("e"), swiper, b, InteractionType.CLICK, now).withRegion(region));
      client.flush();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
      RecResponse r = ask(swiper, region, 50);
      if (r.items().stream().anyMatch(i -> i.sources().contains("ann") || i.sources().contains("item2item"))) {
        personal = r;
      }
    }
    assertThat(personal).as("a response with two-tower candidates after a click").isNotNull();
    assertThat(personal.models().retrieval()).startsWith("two-tower-");
    assertThat(itemIds(personal)).doesNotContain(b); // just seen

    // Sold out: C disappears.
    client.send(Topics.ITEMS, c, catalogItem(c, "candles", 0, false, now + 1));
    client.flush();
    askFreshUntil("stranger", region, 50, r -> itemIds(r).contains(b) && !itemIds(r).contains(c));
  }

  @Test
  void withItsFeatureStoreDownServingStillAnswersDegradedWithTheReason() throws Exception {
    // A second serving job on its own topics, whose feature store refuses every call.
    String prefix = unique("storedown") + ".";
    TopicAdmin.createAll(stack.bootstrapServers(), prefix);
    JobConfig config = JobConfig.fromArgs("--bootstrap-servers", stack.bootstrapServers(), "--topic-prefix", prefix,
        "--feature-store", "unavailable://down", "--model-dir", BuildInfo.load().modelDir().toString());
    JobClient job = ServingJob.withKafka(config)
        .executeAsync(((MiniClusterRuntime) stack.cluster()).environment());
    try (RecClient down = new RecClient(stack.bootstrapServers(), prefix)) {
      RecRequest r = RecRequest.of(unique("r"), unique("u"), System.currentTimeMillis(), 10);
      r.region = "United Kingdom";
      r.deadlineMs = 2_000;
      CompletableFuture<RecClient.Reply> reply = down.request(r);
      down.flush();
      RecResponse response = reply.get(90, TimeUnit.SECONDS).response();
      assertThat(response.requestId()).isEqualTo(r.requestId);
      assertThat(response.error()).isNull();
      assertThat(response.degraded()).isTrue();
      assertThat(response.reason()).contains("feature store").contains("connection refused");
    } finally {
      job.cancel().get();
    }
  }

  @Test
  void aRequestWithABadFieldGetsAnErrorResponseAndADeadLetter() throws Exception {
    String requestId = unique("bad");
    String user = unique("u");
    byte[] bad = ("{\"request_id\":\"" + requestId + "\",\"user_id\":\"" + user
        + "\",\"ts\":1700000000000,\"k\":500}").getBytes(StandardCharsets.UTF_8);
    try (TopicReader responses = new TopicReader(stack.bootstrapServers(), Topics.REC_RESPONSES.name());
        TopicReader deadLetters = new TopicReader(stack.bootstrapServers(), Topics.DEAD_LETTERS.name())) {
      client.send(Topics.REC_REQUESTS, user, bad);
      client.flush();

      RecResponse error = Json.read(responses.awaitRecord(
          r -> new String(r.value(), StandardCharsets.UTF_8).contains(requestId), TIMEOUT).value(),
          RecResponse.class);
      assertThat(error.userId()).isEqualTo(user);
      assertThat(error.items()).isEmpty();
      assertThat(error.error()).contains("'k'").contains("500");

      DeadLetter letter = Json.read(deadLetters.awaitRecord(
          r -> new String(r.value(), StandardCharsets.UTF_8).contains(requestId), TIMEOUT).value(),
          DeadLetter.class);
      assertThat(letter.topic()).isEqualTo(Topics.REC_REQUESTS.name());
      assertThat(letter.reason()).contains("'k'");
      assertThat(letter.job()).isEqualTo(ServingJob.NAME);
    }
  }

  @Test
  void garbageBecomesDeadLettersFromEveryJobThatReadsIt() throws Exception {
    String marker = unique("garbage");
    try (TopicReader deadLetters = new TopicReader(stack.bootstrapServers(), Topics.DEAD_LETTERS.name())) {
      client.send(Topics.INTERACTIONS, "k", ("{not json " + marker).getBytes(StandardCharsets.UTF_8));
      client.flush();
      Set<String> jobs = new HashSet<>();
      for (String job : List.of(FeatureJob.NAME, ServingJob.NAME, TrainingLogJob.NAME)) {
        DeadLetter letter = Json.read(deadLetters.awaitRecord(r -> {
          DeadLetter d = Json.read(r.value(), DeadLetter.class);
          return d.raw() != null && d.raw().contains(marker) && job.equals(d.job());
        }, TIMEOUT).value(), DeadLetter.class);
        assertThat(letter.topic()).isEqualTo(Topics.INTERACTIONS.name());
        assertThat(letter.reason()).startsWith("malformed JSON");
        jobs.add(letter.job());
      }
      assertThat(jobs).hasSize(3);

      // The items topic is read by the feature job and the index job.
      String itemMarker = marker + "-items";
      client.send(Topics.ITEMS, "k", ("{\"item_id\": " + itemMarker).getBytes(StandardCharsets.UTF_8));
      client.flush();
      for (String job : List.of(FeatureJob.NAME, IndexJob.NAME)) {
        DeadLetter letter = Json.read(deadLetters.awaitRecord(r -> {
          DeadLetter d = Json.read(r.value(), DeadLetter.class);
          return d.raw() != null && d.raw().contains(itemMarker) && job.equals(d.job());
        }, TIMEOUT).value(), DeadLetter.class);
        assertThat(letter.topic()).isEqualTo(Topics.ITEMS.name());
        assertThat(letter.reason()).startsWith("malformed JSON");
      }
    }
  }

  @Test
  void featuresInTheStoreEqualAnOfflineReplayOfTheSameEvents() throws Exception {
    String prefix = unique("parity") + "-";
    SyntheticEvents log = new SyntheticEvents(SyntheticEvents.Spec
        .small(11, System.currentTimeMillis() - 3 * 86_400_000L, 600).withIdPrefix(prefix));
    List<Interaction> interactions = log.interactionList();
    EmbeddedFeatureStore store = EmbeddedFeatureStore.shared(FeatureStoreSpec.DEFAULT_NAME);

    // The catalog first, as in production where the compacted items topic long precedes the interactions: the
    // job enriches an interaction with the catalog as it is when the interaction arrives.
    log.items().forEach(i -> client.send(Topics.ITEMS, i.itemId, i));
    log.users().forEach(u -> client.send(Topics.USERS, u.userId, u));
    client.flush();
    List<FeatureKey> itemKeys = log.items().stream()
        .map(i -> new FeatureKey(StoreLayout.ItemBins.SET, i.itemId)).toList();
    awaitTrue(() -> store.getAll(itemKeys).size() == itemKeys.size(), "catalog in the store");

    interactions.forEach(i -> client.send(Topics.INTERACTIONS, i.userId, i));
    client.flush();

    FeatureReplay replay = new FeatureReplay();
    log.items().forEach(replay::item);
    log.users().forEach(replay::user);
    interactions.forEach(replay::interaction);
    long asOf = interactions.stream().mapToLong(i -> i.ts).max().orElseThrow();

    awaitTrue(() -> replay.userStates().keySet().stream().allMatch(u -> store
        .get(new FeatureKey(StoreLayout.UserBins.SET, u))
        .map(r -> sameFeatures(UserFeatureState.viewOf(u, r, asOf).asMap(), replay.user(u, asOf).asMap()))
        .orElse(false)), "user features equal to the replay");
    for (String u : replay.userStates().keySet()) {
      assertSameFeatures(UserFeatureState.viewOf(u,
          store.get(new FeatureKey(StoreLayout.UserBins.SET, u)).orElseThrow(), asOf).asMap(),
          replay.user(u, asOf).asMap(), u);
    }
    awaitTrue(() -> replay.itemStates().keySet().stream().allMatch(i -> store
        .get(new FeatureKey(StoreLayout.ItemBins.SET, i))
        .map(r -> sameFeatures(ItemFeatureState.viewOf(i, r, asOf).asMap(), replay.item(i, asOf).asMap()))
        .orElse(false)), "item features equal to the replay");
    for (String i : replay.itemStates().keySet()) {
      assertSameFeatures(ItemFeatureState.viewOf(i,
          store.get(new FeatureKey(StoreLayout.ItemBins.SET, i)).orElseThrow(), asOf).asMap(),
          replay.item(i, asOf).asMap(), i);
    }
    assertThat(replay.duplicates()).as("the log had re-sent events to drop").isPositive();
  }

  /**
   * Features match when every count, id and list is equal and every real number agrees to 1e-9 relative: decayed
   * sums are added in arrival order, which differs from event-time order across partitions, and floating-point
   * addition is not associative.
   */
  private static void assertSameFeatures(Map<String, Object> actual, Map<String, Object> expected, String id) {
    assertThat(actual).as(id).usingRecursiveComparison()
        .withComparatorForType(LocalStackITCase::closeEnough, Double.class)
        .isEqualTo(expected);
  }

  private static int closeEnough(Double a, Double b) {
    if (a == null || b == null) {
      return a == b ? 0 : 1;
    }
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)) ? 0 : Double.compare(a, b);
  }

  private static boolean sameFeatures(Map<String, Object> actual, Map<String, Object> expected) {
    try {
      assertSameFeatures(actual, expected, "");
      return true;
    } catch (AssertionError e) {
      return false;
    }
  }

  /** Polls until the condition holds or the test timeout passes (the exact assertions that follow then fail). */
  private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return; // the exact assertions that follow say what differs
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }

  @Test
  void everyRequestGetsExactlyOneResponse() throws Exception {
    int n = 200;
    List<CompletableFuture<RecClient.Reply>> replies = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    try (RecClient own = new RecClient(stack.bootstrapServers(), "")) {
      for (int i = 0; i < n; i++) {
        RecRequest r = RecRequest.of(unique("n"), "user-" + (i % 37), System.currentTimeMillis(), 5);
        ids.add(r.requestId);
        replies.add(own.request(r));
      }
      own.flush();
      Set<String> answered = new HashSet<>();
      for (CompletableFuture<RecClient.Reply> f : replies) {
        answered.add(f.get(60, TimeUnit.SECONDS).response().requestId());
      }
      assertThat(answered).isEqualTo(ids);
      // Responses keep arriving for a moment if there were duplicates; give them the chance to show up.
      long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (System.nanoTime() < settle) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
      assertThat(own.unmatchedResponses()).isZero();
    }
  }

  private static double operatorMetric(RestMetrics rest, String jobId, String operatorPrefix, String metric)
      throws Exception {
    String vertex = rest.job(jobId).vertexStartingWith(operatorPrefix).id();
    List<String> ids = rest.metricIds(jobId, vertex).stream().filter(id -> id.endsWith("." + metric)).toList();
    return rest.aggregate(jobId, vertex, ids, "sum").values().stream().mapToDouble(Double::doubleValue).sum();
  }

  @Test
  void theTrainingLogJobLabelsWhatWasServedThroughKafkaAndCommitsFiles() throws Exception {
    // A training-log job of its own on its own topics, with short windows so the test can close them.
    String prefix = unique("tlog") + ".";
    TopicAdmin.createAll(stack.bootstrapServers(), prefix);
    JobConfig config = JobConfig.fromArgs("--bootstrap-servers", stack.bootstrapServers(), "--topic-prefix", prefix);
    Path files = workDir.resolve(prefix + "examples");
    TrainingLogSettings settings = TrainingLogSettings.fromArgs("--label-windows", "purchase=1h,click=10m",
        "--allowed-lateness", "5m", "--out-of-orderness", "0s", "--examples-dir", files.toUri().toString());
    JobClient job = TrainingLogJob.withKafka(config, settings)
        .executeAsync(((MiniClusterRuntime) stack.cluster()).environment());
    String jobId = job.getJobID().toHexString();
    try (RecClient kafka = new RecClient(stack.bootstrapServers(), prefix);
        TopicReader examples = new TopicReader(stack.bootstrapServers(), prefix + Topics.TRAINING_EXAMPLES.name());
        TopicReader deadLetters = new TopicReader(stack.bootstrapServers(), prefix + Topics.DEAD_LETTERS.name())) {
      new FlinkRestClient(stack.webUrl()).waitForRunning(jobId, TIMEOUT);
      long t0 = 1_700_000_000_000L;
      String user = unique("u");
      PredictionLog served = TrainingFixtures.log("r1", user, t0, List.of("A", "B"), List.of("C"));
      kafka.send(Topics.PREDICTION_LOG, "r1", served);
      kafka.send(Topics.PREDICTION_LOG, "r1", served); // the serving job's sink is at-least-once
      kafka.send(Topics.PREDICTION_LOG, "r0", "{\"request_id\":\"r0\"".getBytes(StandardCharsets.UTF_8));
      Interaction bought = Interaction.of(unique("e"), user, "A", InteractionType.PURCHASE, t0 + 600_000);
      bought.requestId = "r1";
      kafka.send(Topics.INTERACTIONS, user, bought);
      // No request id: matched by user and item within the click window.
      kafka.send(Topics.INTERACTIONS, user, Interaction.of(unique("e"), user, "B", InteractionType.CLICK,
          t0 + 300_000));
      kafka.send(Topics.INTERACTIONS, user, Interaction.of(unique("e"), user, "C", InteractionType.VIEW,
          t0 + 300_000));
      kafka.flush();

      // Only once the join has seen them may event time move on (else they would be late, and dropped).
      RestMetrics rest = new RestMetrics(stack.webUrl());
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (operatorMetric(rest, jobId, "label join", "predictionLogs") < 2
          || operatorMetric(rest, jobId, "label join", "positiveEvents") < 2) {
        assertThat(System.nanoTime()).as("the join saw the logs and the events").isLessThan(deadline);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
      }
      // Event time moves past the purchase window and the allowed lateness on both inputs.
      long later = t0 + 3 * 3_600_000L;
      kafka.send(Topics.PREDICTION_LOG, "r2", TrainingFixtures.log("r2", unique("other"), later, List.of("Z"),
          List.of()));
      kafka.send(Topics.INTERACTIONS, "other", Interaction.of(unique("e"), "other", "Z", InteractionType.PURCHASE,
          later));
      kafka.flush();

      Map<String, TrainingExample> byItem = new java.util.HashMap<>();
      examples.awaitRecord(r -> {
        TrainingExample e = Json.read(r.value(), TrainingExample.class);
        byItem.put(e.itemId(), e);
        return byItem.size() == 3;
      }, TIMEOUT);
      assertThat(byItem.get("A").label()).isEqualTo(1);
      assertThat(byItem.get("A").positiveType()).isEqualTo("purchase");
      assertThat(byItem.get("A").matchedBy()).isEqualTo(TrainingExample.BY_REQUEST);
      assertThat(byItem.get("A").labelTs()).isEqualTo(t0 + 600_000);
      assertThat(byItem.get("B").label()).isEqualTo(1);
      assertThat(byItem.get("B").positiveType()).isEqualTo("click");
      assertThat(byItem.get("B").matchedBy()).isEqualTo(TrainingExample.BY_USER_ITEM);
      assertThat(byItem.get("C").label()).isZero();
      assertThat(byItem.get("C").served()).isFalse();
      // Exactly what the ranker saw, in its order, missing values as null.
      TrainingExample a = byItem.get("A");
      assertThat(a.featureNames()).isEqualTo(RankerFeatures.NAMES);
      assertThat(a.features()[0]).isEqualTo(1f);
      assertThat(a.features()[RankerFeatures.NAMES.indexOf("user_age")]).isNull();
      assertThat(a.userId()).isEqualTo(user);
      assertThat(a.models().ranking()).isEqualTo("ranker-v3");

      DeadLetter letter = Json.read(deadLetters.awaitRecord(r -> Json.read(r.value(), DeadLetter.class).topic()
          .equals(prefix + Topics.PREDICTION_LOG.name()), TIMEOUT).value(), DeadLetter.class);
      assertThat(letter.job()).isEqualTo(TrainingLogJob.NAME);
      assertThat(letter.reason()).startsWith("malformed JSON");

      // The files: committed (visible) on a checkpoint, one line per example, under the day the items were served.
      Path day = files.resolve(ExampleFiles.partition(t0));
      List<String> lines = new ArrayList<>();
      deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (lines.size() < 3) {
        assertThat(System.nanoTime()).as("committed example files in " + day).isLessThan(deadline);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        lines.clear();
        if (java.nio.file.Files.isDirectory(day)) {
          try (var parts = java.nio.file.Files.list(day)) {
            for (Path part : parts.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
              lines.addAll(java.nio.file.Files.readAllLines(part));
            }
          }
        }
      }
      assertThat(lines).hasSize(3);
      assertThat(lines.stream().map(l -> Json.read(l.getBytes(StandardCharsets.UTF_8), TrainingExample.class)
          .itemId())).containsExactlyInAnyOrder("A", "B", "C");
    } finally {
      job.cancel().get();
    }
  }
}
