package io.streamrec.trainer;

import io.streamrec.datasets.OnlineRetailDataset;
import io.streamrec.trainer.eval.Baselines;
import io.streamrec.trainer.eval.Evaluator;
import io.streamrec.trainer.eval.InteractionLog;
import io.streamrec.trainer.eval.Replays;
import io.streamrec.trainer.eval.TemporalSplit;
import io.streamrec.trainer.ranker.RankedRecommender;
import io.streamrec.trainer.ranker.RankerPipeline;
import io.streamrec.trainer.ranker.RankerTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streamrec-trainer}: trains the models from an interaction log and evaluates them offline. */
@Command(name = "streamrec-trainer", mixinStandardHelpOptions = true,
    subcommands = {TrainerMain.Evaluate.class},
    description = "Trains the two-tower retrieval model and the ranker, exports ONNX artifacts, evaluates.")
public final class TrainerMain {

  /** Options shared by the subcommands. */
  static final class DataOptions {
    @Option(names = "--dataset", description = "Online Retail II derivative directory (default: the bundled one).")
    Path dataset;

    @Option(names = "--max-events", defaultValue = "0", description = "Use only the first N events (0 = all).")
    int maxEvents;

    InteractionLog load() throws Exception {
      Path dir = dataset != null ? dataset : OnlineRetailDataset.defaultDir();
      InteractionLog log = InteractionLog.of(OnlineRetailDataset.load(dir));
      return maxEvents > 0 ? log.head(maxEvents) : log;
    }
  }

  @Command(name = "evaluate", mixinStandardHelpOptions = true,
      description = "Offline evaluation on a temporal split (last 14 days = test). Last lines: one EVAL line per model.")
  static final class Evaluate implements Callable<Integer> {
    @CommandLine.Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--k", defaultValue = "20")
    int k;

    @Override
    public Integer call() throws Exception {
      InteractionLog log = data.load();
      TemporalSplit split = TemporalSplit.lastDays(log, 14, 14);
      var history = TemporalSplit.itemsByUser(split.trainAndValidation(log));
      var test = TemporalSplit.itemsByUser(split.test(log));
      Evaluator evaluator = new Evaluator("online-retail", history, test, log.catalog().size());
      System.out.printf("%s%nevaluated users: %d%n", log.fingerprint(), evaluator.users());
      List<Evaluator.Result> results = new ArrayList<>();
      var train = split.trainAndValidation(log);
      results.add(evaluator.evaluate(Baselines.popularity(train), k));
      results.add(evaluator.evaluate(Baselines.regionPopularity(train, log.userRegions()), k));
      results.add(evaluator.evaluate(Baselines.itemKnn(train), k));

      RankerTrainer.Config config = RankerTrainer.Config.defaults();
      RankerTrainer.Result ranker = RankerPipeline.train(log, split, Baselines::itemKnn, 100, config);
      System.out.printf("ranker (item-knn candidates): train AUC %.4f, validation AUC %.4f%n", ranker.trainAuc(),
          ranker.validationAuc());
      results.add(evaluator.evaluate(new RankedRecommender("item-knn+ranker", Baselines.itemKnn(train),
          ranker.booster(), Replays.asOf(log, log.events(), split.testStart()), split.testStart(), 100), k));
      results.forEach(r -> System.out.println(r.line()));
      return 0;
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new TrainerMain()).execute(args));
  }
}
