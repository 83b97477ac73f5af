package io.streamrec.trainer;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.streamrec.core.model.ModelManifest;
import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.model.RankerFeatures;
import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.datasets.OnlineRetailDataset;
import io.streamrec.datasets.eval.Baselines;
import io.streamrec.datasets.eval.Evaluator;
import io.streamrec.datasets.eval.InteractionLog;
import io.streamrec.datasets.eval.Replays;
import io.streamrec.datasets.eval.TemporalSplit;
import io.streamrec.onnx.OnnxModels;
import io.streamrec.trainer.ranker.RankedRecommender;
import io.streamrec.trainer.ranker.RankerTrainer;
import io.streamrec.trainer.twotower.TwoTowerConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streamrec-trainer}: trains the models from an interaction log and evaluates them offline. */
@Command(name = "streamrec-trainer", mixinStandardHelpOptions = true,
    subcommands = {TrainerMain.Train.class, TrainerMain.Evaluate.class},
    description = "Trains the two-tower retrieval model and the ranker, exports ONNX artifacts, evaluates.")
public final class TrainerMain {

  /** Options shared by the subcommands. */
  static final class DataOptions {
    @Option(names = "--dataset", description = "Online Retail II derivative directory (default: the bundled one).")
    Path dataset;

    @Option(names = "--max-events", defaultValue = "0", description = "Use only the first N events (0 = all).")
    int maxEvents;

    @Option(names = "--models", description = "Model artifacts root (default: model-artifacts/ of this checkout).")
    Path models;

    InteractionLog load() throws Exception {
      InteractionLog log = InteractionLog.of(OnlineRetailDataset.load(datasetDir()));
      return maxEvents > 0 ? log.head(maxEvents) : log;
    }

    Path datasetDir() {
      return dataset != null ? dataset : OnlineRetailDataset.defaultDir();
    }

    ModelRegistry registry() {
      // model-artifacts/datasets/online-retail-ii → model-artifacts
      return new ModelRegistry(models != null ? models : OnlineRetailDataset.defaultDir().getParent().getParent());
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Trains towers and ranker on everything before the last 14 days, exports them as the current"
          + " ONNX artifacts, then evaluates them.")
  static final class Train implements Callable<Integer> {
    @CommandLine.Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--version", required = true, description = "Version directory of the new artifacts, e.g. v1.")
    String version;

    @Option(names = "--epochs", defaultValue = "10")
    int epochs;

    @Option(names = "--max-seconds", defaultValue = "600", description = "Time budget per tower training.")
    double maxSeconds;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Override
    public Integer call() throws Exception {
      InteractionLog log = data.load();
      TrainingRun.Settings settings = TrainingRun.Settings.defaults(version);
      TwoTowerConfig towers = settings.towers().withEpochs(epochs).withMaxSeconds(maxSeconds).withSeed(seed);
      settings = settings.withTowers(towers);
      long start = System.nanoTime();
      new TrainingRun(log, settings, System.out).run(data.registry());
      System.out.printf("trained and exported in %.0f s%n", (System.nanoTime() - start) / 1e9);
      return evaluate(log, data.registry(), 20, System.out);
    }
  }

  @Command(name = "evaluate", mixinStandardHelpOptions = true,
      description = "Offline evaluation of the current artifacts and the baselines on a temporal split (last 14"
          + " days = test). Last lines: one EVAL line per model.")
  static final class Evaluate implements Callable<Integer> {
    @CommandLine.Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--k", defaultValue = "20")
    int k;

    @Override
    public Integer call() throws Exception {
      return evaluate(data.load(), data.registry(), k, System.out);
    }
  }

  /** Evaluates the baselines and the current ONNX artifacts (as serving runs them) on the test window. */
  static int evaluate(InteractionLog log, ModelRegistry registry, int k, PrintStream out) throws Exception {
    TemporalSplit split = TemporalSplit.lastDays(log, 14, 14);
    var train = split.trainAndValidation(log);
    Evaluator evaluator = new Evaluator("online-retail", TemporalSplit.itemsByUser(train),
        TemporalSplit.itemsByUser(split.test(log)), log.catalog().size());
    out.printf("%s%nevaluated users: %d (new purchases in the last 14 days)%n", log.fingerprint(),
        evaluator.users());
    List<Evaluator.Result> results = new ArrayList<>();
    results.add(evaluator.evaluate(Baselines.popularity(train), k));
    results.add(evaluator.evaluate(Baselines.regionPopularity(train, log.userRegions()), k));
    results.add(evaluator.evaluate(Baselines.itemKnn(train), k));

    try (OrtSession item = open(registry, ModelRegistry.TWO_TOWER_ITEM, out);
        OrtSession user = open(registry, ModelRegistry.TWO_TOWER_USER, out);
        OrtSession ranker = open(registry, ModelRegistry.RANKER, out)) {
      List<TwoTowerInputs.ItemInput> items = TwoTowerSource.sortedCatalog(log.catalog().values());
      float[][] itemVectors = OnnxModels.itemVectors(item, TwoTowerInputs.itemBatch(items));
      TwoTowerData.Histories histories = TwoTowerData.Histories.of(train);
      TwoTowerSource twoTower = new TwoTowerSource(items.stream().map(TwoTowerInputs.ItemInput::itemId).toList(),
          itemVectors, u -> {
            try {
              return OnnxModels.userVectors(user, TwoTowerInputs.userBatch(
                  List.of(TwoTowerSource.userInput(u, histories, log.userRegions()))))[0];
            } catch (OrtException e) {
              throw new IllegalStateException("user tower failed", e);
            }
          });
      results.add(evaluator.evaluate(twoTower, k));
      results.add(evaluator.evaluate(new RankedRecommender("two-tower+ranker", twoTower,
          (rows, n) -> OnnxModels.scoreRows(ranker, rows, n, RankerFeatures.SIZE),
          Replays.asOf(log, log.events(), split.testStart()), split.testStart(), 100), k));
    }
    results.forEach(r -> out.println(r.line()));
    return 0;
  }

  /** Opens the current version of a model, after checking the file is the one its manifest describes. */
  private static OrtSession open(ModelRegistry registry, String model, PrintStream out) throws Exception {
    Path dir = registry.currentDir(model);
    ModelManifest manifest = ModelManifest.read(dir.resolve(ModelManifest.MANIFEST_FILE));
    byte[] onnx = Files.readAllBytes(dir.resolve(ModelManifest.MODEL_FILE));
    if (!ArtifactWriter.sha256(onnx).equals(manifest.sha256())) {
      throw new IllegalStateException(dir + "/model.onnx does not match its manifest's sha256");
    }
    out.printf("model %s %s (%s)%n", model, manifest.version(), manifest.trainingData());
    return OnnxModels.load(onnx);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new TrainerMain()).execute(args));
  }
}
