package io.streamrec.trainer;

import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.model.RankerFeatures;
import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.core.model.TwoTowerWeights;
import io.streamrec.datasets.eval.InteractionLog;
import io.streamrec.datasets.eval.TemporalSplit;
import io.streamrec.trainer.onnx.TwoTowerOnnx;
import io.streamrec.trainer.onnx.XgboostOnnx;
import io.streamrec.trainer.ranker.RankerPipeline;
import io.streamrec.trainer.ranker.RankerTrainer;
import io.streamrec.trainer.twotower.TwoTowerConfig;
import io.streamrec.trainer.twotower.TwoTowerExample;
import io.streamrec.trainer.twotower.TwoTowerTrainer;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One training run, start to finish, without ever looking at the test window:
 *
 * <ol>
 *   <li>towers A on the training events (validated on the validation window) — the retrieval the ranker learns on;
 *   <li>both ranking stages on the validation window, with A's candidates and point-in-time features: the heavy
 *       ranker and the light first stage, on the same examples;
 *   <li>towers B on training + validation events — the shipped retrieval;
 *   <li>ONNX export of B's towers and the ranker, with manifests and model cards, made current.
 * </ol>
 *
 * The shipped models have seen everything before the last 14 days and nothing after, so {@code evaluate} scores
 * them honestly on that window. For production, run on the full log (the test window is then just recent data).
 */
public final class TrainingRun {

  /**
   * What to run. A ranking stage with a size search ({@code rankerSize}, {@code firstStageSize}) gets its trees and
   * depth chosen on the validation users (the rest of its config as given); without one (null) it is trained at its
   * config's size.
   */
  public record Settings(String version, TwoTowerConfig towers, RankerTrainer.Config ranker,
      RankerTrainer.Config firstStage, int candidatesPerUser, int validationDays, int testDays,
      RankerTrainer.SizeSearch rankerSize, RankerTrainer.SizeSearch firstStageSize) {
    /** Both ranking stages at the sizes given. */
    public Settings(String version, TwoTowerConfig towers, RankerTrainer.Config ranker,
        RankerTrainer.Config firstStage, int candidatesPerUser, int validationDays, int testDays) {
      this(version, towers, ranker, firstStage, candidatesPerUser, validationDays, testDays, null, null);
    }

    public static Settings defaults(String version) {
      return new Settings(version, TwoTowerConfig.defaults(), RankerTrainer.Config.defaults(),
          RankerTrainer.Config.firstStage(), 100, 14, 14, RankerTrainer.SizeSearch.ranker(),
          RankerTrainer.SizeSearch.firstStage());
    }

    public Settings withTowers(TwoTowerConfig t) {
      return new Settings(version, t, ranker, firstStage, candidatesPerUser, validationDays, testDays, rankerSize,
          firstStageSize);
    }
  }

  /** What came out. */
  public record Outcome(TwoTowerTrainer.Result towersA, RankerTrainer.Result ranker,
      RankerTrainer.Result firstStage, TwoTowerTrainer.Result towersB, TemporalSplit split) {}

  private final InteractionLog log;
  private final Settings settings;
  private final PrintStream out;

  public TrainingRun(InteractionLog log, Settings settings, PrintStream out) {
    this.log = log;
    this.settings = settings;
    this.out = out;
  }

  public Outcome run(ModelRegistry registry) throws Exception {
    TemporalSplit split = TemporalSplit.lastDays(log, settings.validationDays(), settings.testDays());
    List<InteractionLog.Event> train = split.train(log);
    List<InteractionLog.Event> validation = split.validation(log);
    List<InteractionLog.Event> trainAndValidation = split.trainAndValidation(log);
    out.printf("data: %s; train %,d, validation %,d, test %,d events%n", log.fingerprint(), train.size(),
        validation.size(), split.test(log).size());

    TwoTowerTrainer trainer = new TwoTowerTrainer();
    List<TwoTowerExample> trainExamples = TwoTowerData.examples(log, List.of(), train);
    List<TwoTowerExample> validationExamples = TwoTowerData.examples(log, train, validation);
    TwoTowerTrainer.Result towersA = trainer.train(trainExamples, validationExamples, settings.towers());
    out.printf("towers A: %d epochs, validation recall@%d %.4f (popularity %.4f), %.0f examples/s%n",
        towersA.epochsCompleted(), TwoTowerTrainer.RECALL_K, towersA.recallAt10(), towersA.popularityRecallAt10(),
        towersA.examplesPerSecond());

    Function<List<InteractionLog.Event>, io.streamrec.datasets.eval.CandidateSource> retrievalA =
        events -> TwoTowerSource.fromWeights(towersA.weights(), log.catalog().values(),
            TwoTowerData.Histories.of(events), log.userRegions());
    RankerPipeline.Data rankingData = RankerPipeline.data(log, split, retrievalA, settings.candidatesPerUser());
    RankerTrainer.Result ranker = rankingStage("ranker", rankingData, settings.ranker(), settings.rankerSize());
    RankerTrainer.Result firstStage =
        rankingStage("first stage", rankingData, settings.firstStage(), settings.firstStageSize());

    List<TwoTowerExample> allExamples = TwoTowerData.examples(log, List.of(), trainAndValidation);
    TwoTowerTrainer.Result towersB = trainer.train(allExamples, List.of(), settings.towers());
    out.printf("towers B: %d epochs on %,d examples, %.0f examples/s%n", towersB.epochsCompleted(),
        allExamples.size(), towersB.examplesPerSecond());

    export(registry, towersA, towersB.weights(), ranker, firstStage, split);
    return new Outcome(towersA, ranker, firstStage, towersB, split);
  }

  private RankerTrainer.Result rankingStage(String name, RankerPipeline.Data data, RankerTrainer.Config config,
      RankerTrainer.SizeSearch size) throws Exception {
    RankerTrainer.Result r;
    if (size == null) {
      r = RankerTrainer.train(data.fit(), data.validation(), config);
    } else {
      out.printf("%s: choosing the size on the held-out validation users (depths %s, up to %d trees)%n", name,
          size.depths(), size.maxTrees());
      r = RankerTrainer.trainSized(data.fit(), data.validation(), config, size);
      for (RankerTrainer.Trial t : r.trials()) {
        out.printf(java.util.Locale.ROOT, "  depth %d: best held-out AUC %.4f at %d trees%n", t.depth(),
            t.validationAuc(), t.trees());
      }
    }
    out.printf(java.util.Locale.ROOT, "%s: %d trees of depth %d, train AUC %.4f, held-out AUC %.4f%n", name,
        r.config().trees(), r.config().maxDepth(), r.trainAuc(), r.validationAuc());
    return r;
  }

  private void export(ModelRegistry registry, TwoTowerTrainer.Result towersA, TwoTowerWeights towers,
      RankerTrainer.Result ranker, RankerTrainer.Result firstStage, TemporalSplit split) throws Exception {
    ArtifactWriter writer = new ArtifactWriter(registry);
    String data = log.fingerprint() + " before=" + split.testStart();
    Map<String, Double> towerMetrics = new LinkedHashMap<>();
    towerMetrics.put("validation_recall_at_10", towersA.recallAt10());
    towerMetrics.put("validation_popularity_recall_at_10", towersA.popularityRecallAt10());
    int dim = towers.outputDim();
    writer.write(ModelRegistry.TWO_TOWER_ITEM, settings.version(), TwoTowerOnnx.itemTower(towers, settings.version()),
        ArtifactWriter.itemTowerInputs(), ArtifactWriter.vectorOutput(TwoTowerInputs.OUT_ITEM_VECTOR, dim), null,
        dim, data, towerMetrics, card("Two-tower item tower", "item attributes (hashed id, title tokens, category,"
            + " price bucket) → L2-normalised " + dim + "-d vector; a new item gets a vector from its content",
            data, towerMetrics, settings.towers().toString()));
    writer.write(ModelRegistry.TWO_TOWER_USER, settings.version(), TwoTowerOnnx.userTower(towers, settings.version()),
        ArtifactWriter.userTowerInputs(), ArtifactWriter.vectorOutput(TwoTowerInputs.OUT_USER_VECTOR, dim), null,
        dim, data, towerMetrics, card("Two-tower user tower", "the user's recent items (masked mean of the shared"
            + " id embeddings), region and age bucket → L2-normalised " + dim + "-d vector; score = dot product"
            + " with item vectors", data, towerMetrics, settings.towers().toString()));
    writeRanker(writer, ModelRegistry.FIRST_STAGE, firstStage, data, "First ranking stage",
        "XGBoost binary:logistic, small (run over every merged candidate; the ranker then scores the best few),"
            + " over the features in the manifest (NaN = missing); the output is the raw margin, higher is better");
    writeRanker(writer, ModelRegistry.RANKER, ranker, data, "Ranker",
        "XGBoost binary:logistic over the features in the manifest (NaN = missing); the output is the raw margin"
            + " (log-odds), higher is better");
  }

  private void writeRanker(ArtifactWriter writer, String model, RankerTrainer.Result result, String data,
      String title, String what) throws Exception {
    RankerTrainer.Config config = result.config();
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("train_auc", result.trainAuc());
    metrics.put("held_out_auc", result.validationAuc());
    writer.write(model, settings.version(),
        XgboostOnnx.convert(result.modelJson(), RankerFeatures.SIZE, ArtifactWriter.RANKER_INPUT,
            ArtifactWriter.RANKER_OUTPUT),
        ArtifactWriter.rankerInputs(), ArtifactWriter.rankerOutputs(), RankerFeatures.NAMES, null, data,
        metrics, card(title, what, data, metrics, result.trials().isEmpty() ? config.toString()
            : config + "`; trees and depth chosen on the held-out validation users (best AUC, or the cheapest"
                + " within the search's tolerance of it) from: `" + result.trials().stream()
                    .map(t -> String.format(java.util.Locale.ROOT, "depth %d, %d trees, AUC %.4f", t.depth(),
                        t.trees(), t.validationAuc()))
                    .collect(java.util.stream.Collectors.joining("; "))));
  }

  private static String card(String title, String what, String data, Map<String, Double> metrics, String config) {
    StringBuilder s = new StringBuilder();
    s.append("# ").append(title).append("\n\n");
    s.append("**What it does.** ").append(what).append(".\n\n");
    s.append("**Trained on.** ").append(data).append(" (Online Retail II derivative, CC BY 4.0; every purchase"
        + " line an interaction; see model-artifacts/datasets). Nothing from the last 14 days.\n\n");
    s.append("**Settings.** `").append(config).append("`\n\n");
    s.append("**Metrics.**\n\n");
    metrics.forEach((k, v) -> s.append(String.format(java.util.Locale.ROOT, "- %s: %.4f%n", k, v)));
    s.append("\n**Limits.** Trained on one UK gift wholesaler's purchases only (no views, clicks or ages); it"
        + " knows nothing about other catalogs. Offline metrics: docs/evaluation.md.\n");
    return s.toString();
  }
}
