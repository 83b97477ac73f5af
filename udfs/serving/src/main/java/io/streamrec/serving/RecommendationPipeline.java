package io.streamrec.serving;

import io.streamrec.core.contract.PredictionLog;
import io.streamrec.core.contract.RecRequest;
import io.streamrec.core.contract.RecResponse;
import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.features.ItemFeatureView;
import io.streamrec.core.features.TrendingFeatures;
import io.streamrec.core.features.UserFeatureState;
import io.streamrec.core.features.UserFeatureView;
import io.streamrec.core.index.Generation;
import io.streamrec.core.index.Hit;
import io.streamrec.core.index.SearchFilter;
import io.streamrec.core.index.VectorIndex;
import io.streamrec.core.model.RankerFeatures;
import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.core.serving.Candidate;
import io.streamrec.core.serving.CandidateFilters;
import io.streamrec.core.serving.CandidateMerger;
import io.streamrec.core.serving.Deadline;
import io.streamrec.core.serving.FinalStage;
import io.streamrec.core.serving.RetrievalSource;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureRecord;
import io.streamrec.core.store.FeatureStore;
import io.streamrec.onnx.Ranker;
import io.streamrec.onnx.UserTower;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One recommendation, end to end, inside the request's deadline (DESIGN §6):
 *
 * <ol>
 *   <li>user features and the region's trending lists: one store round trip;
 *   <li>user tower (ONNX) on the session's and the store's recent items, region and age — the tower of the index's
 *       active generation, so user and item vectors come from the same model;
 *   <li>retrieval: ANN on the user vector with the viewer's filters pushed into the index; item-to-item from the
 *       last items; trending in the region. A user with nothing known gets trending only (cold start);
 *   <li>merge (weighted reciprocal rank, sources tagged) and the viewer filters (excludes, bought, seen/served);
 *   <li>one batched item-feature lookup for every candidate, then the catalog filters (unknown, sold out, region,
 *       age); at the same time, the index's stored vectors of the candidates ANN did not propose, for their
 *       two-tower score (no item tower runs per request);
 *   <li>staged ranking (DESIGN §6): the light first stage (ONNX) scores the best {@code rankTopN} candidates, the
 *       heavy ranker (ONNX) only the first stage's best {@code rankerTopN}; each one batched inference over rows in
 *       the order the manifests declare;
 *   <li>the final stage: category cap and an exploration slot;
 *   <li>the response (items with score, rank and sources, model versions, per-stage timings) and a prediction-log
 *       record with what the ranker saw.
 * </ol>
 *
 * <p><b>Degrade, never drop.</b> Each remote call waits at most until the deadline. A failing or slow backend, or
 * an expired deadline, skips what depends on it and the answer says {@code degraded: true} with the reasons: no
 * store → ANN results only (the index applied the catalog filters); no index → trending, checked against the
 * catalog; no time to rank → retrieval order. An item whose catalog record could not be checked is never served,
 * so an age-restricted item never reaches a minor whatever fails.
 *
 * <p>The pipeline runs on {@code executor} (a bounded pool owned by the caller), never on a Flink task thread.
 */
public final class RecommendationPipeline {

  /**
   * @param annK nearest neighbours asked from the index
   * @param itemToItemSeeds how many of the latest items seed item-to-item retrieval
   * @param itemToItemK neighbours per seed
   * @param trendingK items taken from the trending lists
   * @param freshK items taken from the newest-items lists (item cold start)
   * @param maxCandidates candidates kept after merging
   * @param rankTopN candidates the first ranking stage scores (the best by merged retrieval score)
   * @param rankerTopN candidates the heavy ranker scores (the first stage's best)
   * @param loggedNegatives ranked but unserved candidates logged with their features
   * @param neighbourTtl how long item-to-item neighbours are shared across requests (zero: not cached)
   */
  public record Settings(int annK, int itemToItemSeeds, int itemToItemK, int trendingK, int freshK,
      int maxCandidates, int rankTopN, int rankerTopN, CandidateMerger.Weights weights,
      FinalStage.Settings finalStage, int loggedNegatives, Duration neighbourTtl) {
    public Settings {
      if (rankTopN < 1 || rankerTopN < 1) {
        throw new IllegalArgumentException("rankTopN and rankerTopN must be positive: " + rankTopN + ", "
            + rankerTopN);
      }
    }

    public static Settings defaults() {
      return new Settings(100, 3, 50, 100, 50, 400, 300, 50, CandidateMerger.Weights.defaults(),
          FinalStage.Settings.defaults(), 20, Duration.ofSeconds(15));
    }

    /** The same settings with another number of nearest neighbours asked from the index. */
    public Settings withAnnK(int k) {
      return new Settings(k, itemToItemSeeds, itemToItemK, trendingK, freshK, maxCandidates, rankTopN, rankerTopN,
          weights, finalStage, loggedNegatives, neighbourTtl);
    }

    /** The same settings with another number of candidates for the heavy ranker. */
    public Settings withRankerTopN(int n) {
      return new Settings(annK, itemToItemSeeds, itemToItemK, trendingK, freshK, maxCandidates, rankTopN, n,
          weights, finalStage, loggedNegatives, neighbourTtl);
    }
  }

  /**
   * What the serving function knows about the user from the session.
   *
   * @param recentItems items interacted with in this session, newest first
   * @param served items served recently (not shown again)
   * @param bought items bought in this session
   * @param region the last region seen in the session, or null
   */
  public record Session(List<String> recentItems, Set<String> served, Set<String> bought, String region) {
    public static Session empty() {
      return new Session(List.of(), Set.of(), Set.of(), null);
    }
  }

  /** The answer, its prediction-log record, and what the metrics need. */
  public record Outcome(RecResponse response, PredictionLog log, Map<RetrievalSource, Integer> candidates,
      CandidateFilters.Counts filtered) {}

  private final FeatureStore store;
  private final VectorIndex index;
  private final ServingModels models;
  private final Settings settings;
  private final CandidateMerger merger;
  private final FinalStage finalStage;
  private final Executor executor;
  private final DecodedItems decoded = new DecodedItems(1_000_000);
  private final NeighbourCache neighbours;
  /** Extra neighbours asked per item-to-item seed, for those the viewer's excludes drop. */
  private static final int NEIGHBOUR_MARGIN = 50;

  public RecommendationPipeline(FeatureStore store, VectorIndex index, ServingModels models, Settings settings,
      Executor executor) {
    this.store = store;
    this.index = index;
    this.models = models;
    this.settings = settings;
    this.merger = new CandidateMerger(settings.weights());
    this.finalStage = new FinalStage(settings.finalStage());
    this.executor = executor;
    this.neighbours = new NeighbourCache(settings.neighbourTtl(), 200_000, System::nanoTime);
  }

  public Settings settings() {
    return settings;
  }

  /** Item-to-item neighbour lookups so far: {answered from the shared cache, searched in the index}. */
  public long[] neighbourLookups() {
    return neighbours.lookups();
  }

  /**
   * Runs the pipeline on the executor. The future completes with an answer (degraded if need be), or fails with
   * {@link QueuedPastDeadline} when the request waited in the pool's queue until its deadline: then no work is
   * done for it (the caller answers with its fallback), so that an overloaded pool sheds load instead of spending
   * its threads on answers nobody waits for any more.
   */
  public CompletableFuture<Outcome> recommend(RecRequest request, Session session, Deadline deadline) {
    return CompletableFuture.supplyAsync(() -> {
      if (deadline.expired()) {
        throw new QueuedPastDeadline(deadline.elapsedMs());
      }
      return run(request, session, deadline);
    }, executor);
  }

  /** A request that reached a pool thread only after its deadline; nothing was run for it. */
  public static final class QueuedPastDeadline extends RuntimeException {
    QueuedPastDeadline(double waitedMs) {
      super(String.format(java.util.Locale.ROOT, "queued %.1f ms, past the deadline: not run", waitedMs), null,
          false, false);
    }
  }

  /** Runs the pipeline on the calling thread. */
  public Outcome run(RecRequest request, Session session, Deadline deadline) {
    return new Run(request, session, deadline).execute();
  }

  /** A backend call that failed or did not answer in time. */
  private static final class Unavailable extends Exception {
    Unavailable(String message) {
      super(message, null, false, false);
    }
  }

  /** The state of one request as it moves through the stages. */
  private final class Run {
    final RecRequest request;
    final Session session;
    final Deadline deadline;
    final long now;
    final Map<String, Double> timings = new LinkedHashMap<>();
    final List<String> reasons = new ArrayList<>();
    final CandidateFilters.Counts filtered = new CandidateFilters.Counts();
    final Map<RetrievalSource, Integer> perSource = new EnumMap<>(RetrievalSource.class);
    long stageStart;
    String retrievalModel = "trending";
    String rankingModel = "none";
    String firstStageModel = null;
    int firstStageScored;
    int rankerScored;

    Run(RecRequest request, Session session, Deadline deadline) {
      this.request = request;
      this.session = session;
      this.deadline = deadline;
      this.now = request.ts > 0 ? request.ts : System.currentTimeMillis();
      this.stageStart = System.nanoTime();
      timings.put(Stage.QUEUE.wireName(), (stageStart - deadline.startNanos()) / 1e6);
    }

    void mark(Stage stage) {
      long t = System.nanoTime();
      timings.put(stage.wireName(), (t - stageStart) / 1e6);
      stageStart = t;
    }

    <T> T await(CompletableFuture<T> f, String what) throws Unavailable {
      try {
        long wait = deadline.remainingNanos();
        if (wait <= 0 && !f.isDone()) {
          throw new Unavailable(what + ": deadline exceeded");
        }
        return f.get(Math.max(wait, 1), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        f.cancel(false);
        throw new Unavailable(what + ": no answer within the deadline");
      } catch (ExecutionException e) {
        throw new Unavailable(what + " unavailable: " + rootMessage(e.getCause()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Unavailable(what + ": interrupted");
      } catch (RuntimeException e) {
        throw new Unavailable(what + " unavailable: " + rootMessage(e));
      }
    }

    Outcome execute() {
      // ---- 1. user features, trending and newest-items lists: one round trip
      String region = request.region != null ? request.region : session.region();
      FeatureKey userKey = new FeatureKey(StoreLayout.UserBins.SET, request.userId);
      FeatureKey globalKey = TrendingFeatures.key(StoreLayout.GLOBAL_REGION);
      List<FeatureKey> keys = new ArrayList<>(List.of(userKey, globalKey,
          TrendingFeatures.freshKey(StoreLayout.GLOBAL_REGION)));
      Map<FeatureKey, FeatureRecord> records = Map.of();
      boolean storeUp = true;
      try {
        if (region != null && !region.equals(StoreLayout.GLOBAL_REGION)) {
          keys.add(TrendingFeatures.key(region));
          keys.add(TrendingFeatures.freshKey(region));
        }
        records = await(store.readAll(keys), "feature store");
      } catch (Unavailable e) {
        storeUp = false;
        reasons.add(e.getMessage());
      }
      UserFeatureView user = records.containsKey(userKey)
          ? UserFeatureState.viewOf(request.userId, records.get(userKey), now)
          : UserFeatureState.empty(request.userId).view(now);
      if (region == null) {
        region = user.region();
      }
      Integer age = user.age();
      Set<String> bought = new HashSet<>(session.bought());
      bought.addAll(user.bought());
      Set<String> seen = new HashSet<>(session.served());
      seen.addAll(session.recentItems());
      Set<String> excluded = new HashSet<>(Arrays.asList(request.exclude));
      CandidateFilters.Viewer viewer = new CandidateFilters.Viewer(region, age, bought, seen, excluded);
      List<String> recent = recentItems(user);
      mark(Stage.FEATURES);

      // ---- 2. user tower on the active generation's model
      Optional<Generation> generation = Optional.empty();
      try {
        generation = index.active();
      } catch (RuntimeException e) {
        reasons.add("vector index unavailable: " + rootMessage(e));
      }
      float[] userVector = null; // set below when the user has recent items
      if (generation.isPresent() && !recent.isEmpty() && !deadline.expired()) {
        try {
          UserTower tower = models.userTower(generation.get().modelVersion());
          if (tower == null) {
            reasons.add("user tower " + generation.get().modelVersion() + " is loading: no ANN retrieval");
          } else {
            userVector = tower.embed(List.of(new TwoTowerInputs.UserInput(recent, region, age)))[0];
            retrievalModel = "two-tower-" + generation.get().modelVersion();
          }
        } catch (RuntimeException e) {
          reasons.add("user tower " + generation.get().modelVersion() + " failed: " + rootMessage(e));
        }
      }
      mark(Stage.USER_TOWER);

      // ---- 3. retrieval from every source
      Map<RetrievalSource, List<CandidateMerger.Proposal>> lists = new EnumMap<>(RetrievalSource.class);
      SearchFilter filter = SearchFilter.forViewer(region, age).withExcludes(union(bought, seen, excluded));
      boolean indexUp = generation.isPresent();
      if (userVector != null) {
        try {
          lists.put(RetrievalSource.ANN, proposals(await(index.search(userVector, settings.annK(), filter),
              "vector index")));
        } catch (Unavailable e) {
          indexUp = false;
          reasons.add(e.getMessage());
        }
      }
      if (indexUp && !recent.isEmpty()) {
        try {
          // All seeds' searches are asked for before any is awaited (a remote index answers them in parallel); the
          // neighbour lists come without the viewer's excludes from the shared cache, so ask for more than kept.
          List<CompletableFuture<List<Hit>>> asked = new ArrayList<>();
          for (String seed : recent.subList(0, Math.min(settings.itemToItemSeeds(), recent.size()))) {
            asked.add(neighbours.similar(index, generation.get(), seed,
                settings.itemToItemK() + NEIGHBOUR_MARGIN, filter));
          }
          Set<String> unwanted = filter.excludeIds();
          List<List<Hit>> perSeed = new ArrayList<>(asked.size());
          for (CompletableFuture<List<Hit>> f : asked) {
            List<Hit> kept = new ArrayList<>(settings.itemToItemK());
            for (Hit h : await(f, "vector index")) {
              if (kept.size() < settings.itemToItemK() && !unwanted.contains(h.itemId())) {
                kept.add(h);
              }
            }
            perSeed.add(kept);
          }
          lists.put(RetrievalSource.ITEM_TO_ITEM, interleave(perSeed));
          retrievalModel = "two-tower-" + generation.get().modelVersion(); // the index's item vectors
        } catch (Unavailable e) {
          indexUp = false;
          reasons.add(e.getMessage());
        }
      }
      lists.put(RetrievalSource.TRENDING, boards(records, TrendingFeatures::key, region, settings.trendingK()));
      lists.put(RetrievalSource.FRESH, boards(records, TrendingFeatures::freshKey, region, settings.freshK()));
      lists.forEach((s, l) -> perSource.put(s, l.size()));
      mark(Stage.RETRIEVAL);

      // ---- 4. merge and viewer filters
      List<Candidate> candidates = merger.merge(lists, settings.maxCandidates());
      candidates = CandidateFilters.byViewer(candidates, viewer, filtered);

      // ---- 5. one batched item-feature lookup, then catalog filters; the stored vectors of the candidates the
      // ranking stages will see that ANN did not score, asked for at the same time
      CompletableFuture<Map<String, float[]>> vectors = null;
      if (userVector != null && indexUp) {
        List<String> unscored = new ArrayList<>();
        for (Candidate c : candidates.subList(0, Math.min(settings.rankTopN(), candidates.size()))) {
          if (Double.isNaN(c.annScore())) {
            unscored.add(c.itemId());
          }
        }
        if (!unscored.isEmpty()) {
          try {
            vectors = index.vectors(unscored);
          } catch (RuntimeException e) {
            vectors = CompletableFuture.failedFuture(e);
          }
        }
      }
      Map<String, ItemFeatureView> items = new HashMap<>();
      boolean catalogChecked = candidates.isEmpty(); // nothing to check
      if (storeUp && !candidates.isEmpty()) {
        List<FeatureKey> itemKeys = new ArrayList<>(candidates.size());
        candidates.forEach(c -> itemKeys.add(new FeatureKey(StoreLayout.ItemBins.SET, c.itemId())));
        try {
          Map<FeatureKey, FeatureRecord> rs = await(store.readAll(itemKeys), "feature store (items)");
          // itemKeys.get(i) is candidates.get(i)'s key: the candidate carries its view and ranker row from here on,
          // so the ranking stages look nothing up by id
          for (int i = 0; i < itemKeys.size(); i++) {
            FeatureKey k = itemKeys.get(i);
            FeatureRecord r = rs.get(k);
            if (r != null) {
              ItemFeatureView view = decoded.view(k.id(), r, now);
              items.put(k.id(), view);
              candidates.get(i).attachFeatures(view, decoded.itemFeatures(r, view));
            }
          }
          catalogChecked = true;
        } catch (Unavailable e) {
          reasons.add(e.getMessage());
        }
      }
      if (catalogChecked) {
        candidates = CandidateFilters.byCatalog(candidates, items, viewer, filtered);
      } else {
        // Without catalog records only what the index filtered for this viewer may be shown (stock, region, age):
        // the ANN source's candidates. Item-to-item lists are shared across viewers without the age filter.
        int before = candidates.size();
        candidates = candidates.stream().filter(c -> c.sources().contains(RetrievalSource.ANN)).toList();
        for (int i = 0; i < before - candidates.size(); i++) {
          filtered.add(CandidateFilters.Reason.UNKNOWN_ITEM);
        }
      }
      mark(Stage.ITEM_FEATURES);

      // ---- 6. staged ranking
      if (vectors != null) {
        twoTowerScores(candidates, vectors, userVector);
      }
      RowsSeen features = new RowsSeen();
      List<Candidate> ranked = rank(candidates, user, items, catalogChecked, features);

      // ---- 7. final stage
      Map<String, String> categories = new HashMap<>();
      items.forEach((id, v) -> {
        if (v.category() != null) {
          categories.put(id, v.category());
        }
      });
      List<Candidate> explorePool = ranked.stream()
          .filter(c -> c.sources().contains(RetrievalSource.FRESH)).toList();
      List<Candidate> chosen = finalStage.select(ranked, categories, explorePool, request.k, request.requestId);
      mark(Stage.FINAL);
      timings.put(Stage.TOTAL.wireName(), deadline.elapsedMs());

      List<RecResponse.RecItem> out = new ArrayList<>(chosen.size());
      for (int i = 0; i < chosen.size(); i++) {
        Candidate c = chosen.get(i);
        out.add(new RecResponse.RecItem(c.itemId(), c.finalScore(), i + 1, c.sourceNames(), c.scoredBy()));
      }
      if (out.isEmpty() && reasons.isEmpty()) {
        reasons.add(lists.values().stream().allMatch(List::isEmpty)
            ? "nothing to recommend yet: no source had candidates"
            : "every candidate was filtered out (" + describe(filtered) + ")");
      }
      boolean degraded = !reasons.isEmpty();
      String reason = degraded ? String.join("; ", reasons) : null;
      RecResponse.Models models = new RecResponse.Models(retrievalModel, rankingModel, firstStageModel);
      RecResponse response = new RecResponse(request.requestId, request.userId, out, models, degraded, reason, null,
          timings);
      return new Outcome(response, log(response, chosen, ranked, features), perSource, filtered);
    }

    private PredictionLog log(RecResponse response, List<Candidate> chosen, List<Candidate> ranked,
        RowsSeen features) {
      List<PredictionLog.Entry> served = new ArrayList<>();
      Set<String> servedIds = new HashSet<>();
      for (int i = 0; i < chosen.size(); i++) {
        Candidate c = chosen.get(i);
        servedIds.add(c.itemId());
        float[] f = features.get(c.itemId());
        served.add(entry(c, i + 1, f != null ? f : new float[0]));
      }
      List<PredictionLog.Entry> negatives = new ArrayList<>();
      for (Candidate c : ranked) {
        if (negatives.size() >= settings.loggedNegatives()) {
          break;
        }
        float[] f = servedIds.contains(c.itemId()) ? null : features.get(c.itemId());
        if (f != null) {
          negatives.add(entry(c, 0, f));
        }
      }
      Map<String, Integer> candidates = new LinkedHashMap<>();
      perSource.forEach((s, n) -> candidates.put(s.wireName(), n));
      Map<String, Integer> drops = new LinkedHashMap<>();
      for (CandidateFilters.Reason r : CandidateFilters.Reason.values()) {
        drops.put(r.wireName(), filtered.get(r));
      }
      return new PredictionLog(request.requestId, request.userId, now, response.models(), response.degraded(),
          response.reason(), features.isEmpty() ? List.of() : RankerFeatures.NAMES, served, negatives,
          rankerScored, firstStageScored, candidates, drops, response.timingsMs());
    }

    private static PredictionLog.Entry entry(Candidate c, int rank, float[] features) {
      return new PredictionLog.Entry(c.itemId(), rank, c.finalScore(), c.sourceNames(), features, c.scoredBy(),
          Double.isNaN(c.firstStageScore()) ? null : c.firstStageScore());
    }

    /**
     * The ranking stages over the catalog-checked candidates (in merged order): the first stage scores the best
     * {@code rankTopN}, the ranker its best {@code rankerTopN}. Returns the ranker's candidates in its order, then
     * the first stage's others in its order, then the rest in merged order; fills {@code features} with the rows
     * the stages saw. Whatever cannot run is skipped and named in the reasons.
     */
    private List<Candidate> rank(List<Candidate> candidates, UserFeatureView user, Map<String, ItemFeatureView> items,
        boolean catalogChecked, RowsSeen features) {
      Ranker first = models.firstStage();
      Ranker ranker = models.ranker();
      if (candidates.isEmpty()) {
        mark(Stage.FIRST_STAGE);
        mark(Stage.RANK);
        return candidates;
      }
      if (first == null && ranker == null) {
        reasons.add("no ranking model loaded: served in retrieval order");
      } else if (!catalogChecked) {
        reasons.add("not ranked: item features unavailable");
      } else if (deadline.expired()) {
        reasons.add("deadline exceeded before ranking: served in retrieval order");
      } else {
        return rankInStages(candidates, user, items, first, ranker, features);
      }
      mark(Stage.FIRST_STAGE);
      mark(Stage.RANK);
      return candidates;
    }

    private List<Candidate> rankInStages(List<Candidate> candidates, UserFeatureView user,
        Map<String, ItemFeatureView> items, Ranker first, Ranker ranker, RowsSeen features) {
      int n = Math.min(settings.rankTopN(), candidates.size());
      int width = RankerFeatures.SIZE;
      float[] rows = new float[n * width];
      RankerFeatures.UserContext ctx = RankerFeatures.UserContext.of(user);
      for (int i = 0; i < n; i++) {
        Candidate c = candidates.get(i);
        RankerFeatures.write(ctx, c.features(), c.itemRow(), c.annScore(), rows, i * width);
      }
      // Row r of `rows` belongs to order[r]'s candidate; the stages reorder `order`, never the rows.
      List<Candidate> head = new ArrayList<>(candidates.subList(0, n));
      features.of(rows, width);
      for (int i = 0; i < n; i++) {
        features.add(head.get(i).itemId(), i); // merged candidates are one per item
      }
      if (first == null) {
        reasons.add("no first ranking stage loaded: the ranker scored the best " + settings.rankerTopN()
            + " by retrieval score");
      } else {
        try {
          float[] scores = first.score(rows, n);
          for (int i = 0; i < n; i++) {
            head.get(i).firstStageScore(scores[i]);
          }
          head.sort(Comparator.comparingDouble(c -> -c.firstStageScore()));
          firstStageModel = first.label();
          firstStageScored = n;
        } catch (RuntimeException e) {
          reasons.add(first.label() + " failed: " + rootMessage(e) + "; the ranker scored the best by retrieval");
        }
      }
      mark(Stage.FIRST_STAGE);

      int m = Math.min(settings.rankerTopN(), n);
      if (ranker == null) {
        reasons.add("no ranker loaded: served in first-stage order");
      } else if (deadline.expired()) {
        reasons.add("deadline exceeded before the ranker: served in first-stage order");
      } else {
        float[] best = new float[m * width];
        for (int i = 0; i < m; i++) {
          System.arraycopy(rows, features.row(head.get(i).itemId()) * width, best, i * width, width);
        }
        try {
          float[] scores = ranker.score(best, m);
          for (int i = 0; i < m; i++) {
            head.get(i).rankScore(scores[i]);
          }
          head.subList(0, m).sort(Comparator.comparingDouble(c -> -c.rankScore()));
          rankingModel = ranker.label();
          rankerScored = m;
        } catch (RuntimeException e) {
          reasons.add(ranker.label() + " failed: " + rootMessage(e) + "; served in first-stage order");
        }
      }
      mark(Stage.RANK);
      List<Candidate> all = new ArrayList<>(candidates.size());
      all.addAll(head);
      all.addAll(candidates.subList(n, candidates.size()));
      return all;
    }

    /**
     * The ranking stages were trained with the two-tower score of every candidate; the ANN source gives it for its
     * own candidates, the index's stored vectors (same generation as the user vector) for the others. Candidates
     * whose vector did not come stay without it (missing, as the stages allow).
     */
    private void twoTowerScores(List<Candidate> candidates, CompletableFuture<Map<String, float[]>> vectors,
        float[] userVector) {
      Map<String, float[]> byId;
      try {
        byId = await(vectors, "vector index (item vectors)");
      } catch (Unavailable e) {
        reasons.add(e.getMessage());
        return;
      }
      for (Candidate c : candidates) {
        float[] v = Double.isNaN(c.annScore()) ? byId.get(c.itemId()) : null;
        if (v != null && v.length == userVector.length) {
          float dot = 0;
          for (int d = 0; d < v.length; d++) {
            dot += userVector[d] * v[d];
          }
          c.setTwoTowerScore(dot);
        }
      }
    }

    /** Session items first (newest first), then the store's, without repeats; at most the tower's input length. */
    private List<String> recentItems(UserFeatureView user) {
      LinkedHashSet<String> out = new LinkedHashSet<>(session.recentItems());
      List<String> stored = new ArrayList<>(user.recentItems());
      java.util.Collections.reverse(stored);
      out.addAll(stored);
      List<String> list = new ArrayList<>(out);
      return list.size() > TwoTowerInputs.MAX_RECENT ? list.subList(0, TwoTowerInputs.MAX_RECENT) : list;
    }

    /** A board kind (trending, newest) for the region, then globally, without repeats, at most {@code max}. */
    private List<CandidateMerger.Proposal> boards(Map<FeatureKey, FeatureRecord> records,
        java.util.function.Function<String, FeatureKey> keyOf, String region, int max) {
      List<CandidateMerger.Proposal> out = new ArrayList<>();
      Set<String> taken = new HashSet<>();
      List<FeatureKey> order = new ArrayList<>();
      if (region != null) {
        order.add(keyOf.apply(region));
      }
      order.add(keyOf.apply(StoreLayout.GLOBAL_REGION));
      for (FeatureKey key : order) {
        FeatureRecord r = records.get(key);
        if (r == null) {
          continue;
        }
        try {
          TrendingFeatures.TrendingList list = TrendingFeatures.TrendingList.fromRecord(key.id(), r);
          for (int i = 0; i < list.items().size() && out.size() < max; i++) {
            String item = list.items().get(i);
            if (taken.add(item)) {
              out.add(new CandidateMerger.Proposal(item, list.countAt(i, now)));
            }
          }
        } catch (RuntimeException corrupt) {
          reasons.add("unreadable list " + key + ": " + rootMessage(corrupt));
        }
      }
      return out;
    }
  }

  /**
   * The ranking stages' rows, by item: the prediction log keeps the rows of the served items and of a few unserved
   * ones, so rows are copied out only for those (copying all 300 cost ~25 KB of a request's ~380 KB).
   */
  private static final class RowsSeen {
    private float[] rows;
    private int width;
    private final Map<String, Integer> rowOf = new HashMap<>();

    void of(float[] rows, int width) {
      this.rows = rows;
      this.width = width;
    }

    void add(String itemId, int row) {
      rowOf.put(itemId, row);
    }

    boolean isEmpty() {
      return rowOf.isEmpty();
    }

    /** The index of the item's row in the rows the stages scored; the item must be one of them. */
    int row(String itemId) {
      return rowOf.get(itemId);
    }

    /** A copy of the item's row, or null if the stages did not see it. */
    float[] get(String itemId) {
      Integer r = rowOf.get(itemId);
      return r == null ? null : Arrays.copyOfRange(rows, r * width, (r + 1) * width);
    }
  }

  private static String describe(CandidateFilters.Counts counts) {
    List<String> parts = new ArrayList<>();
    for (CandidateFilters.Reason r : CandidateFilters.Reason.values()) {
      if (counts.get(r) > 0) {
        parts.add(r.wireName() + "=" + counts.get(r));
      }
    }
    return String.join(", ", parts);
  }

  private static List<CandidateMerger.Proposal> proposals(List<Hit> hits) {
    List<CandidateMerger.Proposal> out = new ArrayList<>(hits.size());
    hits.forEach(h -> out.add(new CandidateMerger.Proposal(h.itemId(), h.score())));
    return out;
  }

  /** Round-robin over the seeds' neighbour lists, so every recent item contributes its best neighbours first. */
  private static List<CandidateMerger.Proposal> interleave(List<List<Hit>> lists) {
    List<CandidateMerger.Proposal> out = new ArrayList<>();
    Set<String> taken = new HashSet<>();
    int longest = lists.stream().mapToInt(List::size).max().orElse(0);
    for (int i = 0; i < longest; i++) {
      for (List<Hit> l : lists) {
        if (i < l.size() && taken.add(l.get(i).itemId())) {
          out.add(new CandidateMerger.Proposal(l.get(i).itemId(), l.get(i).score()));
        }
      }
    }
    return out;
  }

  @SafeVarargs
  private static Set<String> union(Collection<String>... sets) {
    Set<String> out = new HashSet<>();
    for (Collection<String> s : sets) {
      out.addAll(s);
    }
    return out;
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName();
  }
}
