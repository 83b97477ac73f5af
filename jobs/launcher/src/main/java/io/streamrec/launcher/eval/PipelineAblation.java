package io.streamrec.launcher.eval;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.RecRequest;
import io.streamrec.core.contract.RecResponse;
import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.features.ItemFeatureState;
import io.streamrec.core.features.ItemFeatureView;
import io.streamrec.core.features.UserFeatureState;
import io.streamrec.core.features.UserFeatureView;
import io.streamrec.core.index.Hit;
import io.streamrec.core.index.SearchFilter;
import io.streamrec.core.index.VectorIndex;
import io.streamrec.core.model.RankerFeatures;
import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureRecord;
import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.serving.CandidateMerger;
import io.streamrec.core.serving.Deadline;
import io.streamrec.core.serving.FinalStage;
import io.streamrec.jobs.serving.SessionState;
import io.streamrec.core.store.FeatureStore;
import io.streamrec.serving.RecommendationPipeline;
import io.streamrec.onnx.Ranker;
import io.streamrec.onnx.UserTower;
import io.streamrec.serving.ServingModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * A diagnostic, not a measurement of the running system: the serving job's own {@link RecommendationPipeline} run in
 * this JVM against the <i>same</i> feature store and vector index the jobs filled (MiniCluster: shared by name),
 * with the session rebuilt from the replay exactly as the serving function builds it ({@link SessionState#apply}),
 * once with the serving defaults (which must reproduce what was served) and once per variant that turns one stage
 * off. It tells which stage costs or gains what.
 */
public final class PipelineAblation implements AutoCloseable {

  /** One configuration of the pipeline. */
  public record Variant(String name, RecommendationPipeline.Settings settings, boolean ranker) {}

  private final FeatureStore store;
  private final VectorIndex index;
  private final ServingModels withRanker;
  private final ServingModels withoutRanker;
  private final Path rankerlessRegistry;
  private final Map<String, SessionState> sessions;

  public PipelineAblation(FeatureStore store, VectorIndex index, Path modelDir, TrainingReplay replay)
      throws IOException {
    this.store = store;
    this.index = index;
    this.withRanker = new ServingModels(new ModelRegistry(modelDir), Duration.ofHours(1));
    // A registry with the towers and no ranker: the pipeline then serves in retrieval order, as it does when no
    // ranker can be loaded.
    rankerlessRegistry = Files.createTempDirectory("streamrec-eval-registry");
    for (String model : List.of(ModelRegistry.TWO_TOWER_USER, ModelRegistry.TWO_TOWER_ITEM)) {
      Files.createSymbolicLink(rankerlessRegistry.resolve(model), modelDir.resolve(model).toAbsolutePath());
    }
    this.withoutRanker = new ServingModels(new ModelRegistry(rankerlessRegistry), Duration.ofHours(1));
    this.sessions = sessions(replay);
  }

  /** Each user's session after the replay, built as the serving function builds it (arrival order per user). */
  static Map<String, SessionState> sessions(TrainingReplay replay) {
    Map<String, SessionState> out = new HashMap<>();
    for (Interaction i : replay.interactions()) {
      out.computeIfAbsent(i.userId, u -> new SessionState()).apply(i);
    }
    return out;
  }

  /** The serving defaults and the variants that turn one thing off. */
  public static List<Variant> variants(int k) {
    RecommendationPipeline.Settings d = RecommendationPipeline.Settings.defaults();
    CandidateMerger.Weights w = d.weights();
    FinalStage.Settings noCap = new FinalStage.Settings(Math.max(1, k), d.finalStage().epsilon(),
        d.finalStage().explorationSlot());
    CandidateMerger.Weights noTrending = new CandidateMerger.Weights(w.ann(), w.itemToItem(), 0, w.fresh());
    CandidateMerger.Weights annOnly = new CandidateMerger.Weights(w.ann(), 0, 0, 0);
    List<Variant> out = new ArrayList<>();
    out.add(new Variant("as-served", d, true));
    out.add(new Variant("no-category-cap", with(d, d.weights(), noCap, d.annK(), d.rankTopN()), true));
    out.add(new Variant("no-trending", with(d, noTrending, d.finalStage(), d.annK(), d.rankTopN()), true));
    out.add(new Variant("no-trending+no-cap", with(d, noTrending, noCap, d.annK(), d.rankTopN()), true));
    out.add(new Variant("no-ranker", d, false));
    out.add(new Variant("no-ranker+no-cap", with(d, d.weights(), noCap, d.annK(), d.rankTopN()), false));
    // The offline "two-tower" (exact top-20, no cap) and "two-tower+ranker" (its top 100 re-ranked), but through
    // the index, the store's features and the pipeline's filters.
    out.add(new Variant("ann-only", with(d, annOnly, noCap, d.annK(), d.rankTopN()), false));
    out.add(new Variant("ann-only+ranker", with(d, annOnly, noCap, 100, 100), true));
    return out;
  }

  private static RecommendationPipeline.Settings with(RecommendationPipeline.Settings d,
      CandidateMerger.Weights weights, FinalStage.Settings finalStage, int annK, int rankTopN) {
    return new RecommendationPipeline.Settings(annK, d.itemToItemSeeds(), d.itemToItemK(), d.trendingK(),
        d.freshK(), d.maxCandidates(), rankTopN, Math.min(d.rankerTopN(), rankTopN), weights, finalStage,
        d.loggedNegatives(), d.neighbourTtl());
  }

  /** Runs {@code variant} for every user, on this thread, with the same requests the evaluation sent. */
  public ServedLists run(Variant variant, Set<String> users, Map<String, String> regions, long ts, int k) {
    Executor direct = Runnable::run;
    RecommendationPipeline pipeline = new RecommendationPipeline(store, index,
        variant.ranker() ? withRanker : withoutRanker, variant.settings(), direct);
    ServedLists out = new ServedLists(variant.name());
    int i = 0;
    for (String user : users) {
      RecRequest r = PipelineEvaluation.request(i++, user, regions.get(user), ts, k, 10_000);
      SessionState s = sessions.get(user);
      RecommendationPipeline.Session session = s == null ? RecommendationPipeline.Session.empty()
          : new RecommendationPipeline.Session(s.recentNewestFirst(), Set.of(), s.bought(), s.region);
      RecResponse response = pipeline.run(r, session, Deadline.startingNow(r.deadlineMs)).response();
      out.add(user, response);
    }
    return out;
  }

  /**
   * The ranker was trained on two-tower candidates only, so its {@code retrieval_score} feature always had a value;
   * serving gives candidates that ANN did not propose (item-to-item, trending) {@code NaN} there. This scores the
   * top {@code n} ANN candidates of every returning user twice, with the real score and with NaN, everything else
   * equal, and says how the ranker treats a missing retrieval score.
   */
  public String missingRetrievalScoreProbe(Set<String> users, Map<String, String> regions, long ts, int n) {
    Ranker ranker = withRanker.ranker();
    java.util.Optional<io.streamrec.core.index.Generation> generation = index.active();
    if (ranker == null || generation.isEmpty()) {
      return "Ranker probe: skipped (no ranker or no active generation)";
    }
    UserTower tower = withRanker.userTower(generation.get().modelVersion());
    int pairs = 0;
    int nanHigher = 0;
    double sumReal = 0;
    double sumNan = 0;
    int width = RankerFeatures.SIZE;
    for (String user : users) {
      SessionState s = sessions.get(user);
      if (s == null) {
        continue;
      }
      String region = regions.get(user);
      List<String> recent = s.recentNewestFirst();
      recent = recent.subList(0, Math.min(TwoTowerInputs.MAX_RECENT, recent.size()));
      float[] vector = tower.embed(List.of(new TwoTowerInputs.UserInput(recent, region, null)))[0];
      List<Hit> hits = index.searchNow(vector, n, SearchFilter.forViewer(region, null).withExcludes(s.bought()));
      FeatureKey userKey = new FeatureKey(StoreLayout.UserBins.SET, user);
      List<FeatureKey> keys = new ArrayList<>(List.of(userKey));
      hits.forEach(h -> keys.add(new FeatureKey(StoreLayout.ItemBins.SET, h.itemId())));
      Map<FeatureKey, FeatureRecord> records = VectorIndex.await(store.readAll(keys));
      UserFeatureView view = records.containsKey(userKey)
          ? UserFeatureState.viewOf(user, records.get(userKey), ts) : UserFeatureState.empty(user).view(ts);
      RankerFeatures.UserContext ctx = RankerFeatures.UserContext.of(view);
      float[] rows = new float[2 * hits.size() * width];
      for (int i = 0; i < hits.size(); i++) {
        FeatureKey itemKey = new FeatureKey(StoreLayout.ItemBins.SET, hits.get(i).itemId());
        ItemFeatureView item = records.containsKey(itemKey)
            ? ItemFeatureState.viewOf(itemKey.id(), records.get(itemKey), ts)
            : ItemFeatureState.empty(itemKey.id()).view(ts);
        RankerFeatures.write(ctx, item, hits.get(i).score(), rows, (2 * i) * width);
        RankerFeatures.write(ctx, item, Double.NaN, rows, (2 * i + 1) * width);
      }
      if (hits.isEmpty()) {
        continue;
      }
      float[] scores = ranker.score(rows, 2 * hits.size());
      for (int i = 0; i < hits.size(); i++) {
        pairs++;
        sumReal += scores[2 * i];
        sumNan += scores[2 * i + 1];
        nanHigher += scores[2 * i + 1] > scores[2 * i] ? 1 : 0;
      }
    }
    return String.format(java.util.Locale.ROOT, "Ranker probe: the top-%d ANN candidates of %d returning users "
            + "(%,d pairs) scored with their real retrieval_score and with NaN (as item-to-item and trending "
            + "candidates are scored): mean ranker score %.4f real vs %.4f NaN; NaN scores higher for %.1f %% of "
            + "pairs", n, users.stream().filter(sessions::containsKey).count(), pairs, sumReal / Math.max(1, pairs),
        sumNan / Math.max(1, pairs), 100.0 * nanHigher / Math.max(1, pairs));
  }

  @Override
  public void close() throws IOException {
    withRanker.close();
    withoutRanker.close();
    for (String model : List.of(ModelRegistry.TWO_TOWER_USER, ModelRegistry.TWO_TOWER_ITEM)) {
      Files.deleteIfExists(rankerlessRegistry.resolve(model));
    }
    Files.deleteIfExists(rankerlessRegistry);
  }
}
