package io.streamrec.trainer.twotower;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.core.model.TwoTowerWeights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the two-tower retrieval model ({@link TwoTowerBlock}: the architecture of {@link TwoTowerWeights}) with
 * DJL on the PyTorch engine (CPU).
 *
 * <ul>
 *   <li>Loss: {@link InBatchSoftmaxLoss}, in-batch sampled softmax over cosine / temperature with a logQ
 *       popularity correction; an off-diagonal duplicate of a row's positive is masked out.
 *   <li>Item cold start: each training positive's item-id bucket is replaced by the reserved bucket 0 with
 *       probability {@link TwoTowerConfig#idDropout()}, so bucket 0 learns "an item known only by its content" and
 *       the MLP learns to place items from content. After training, every embedding row the training data never
 *       touched is set to that "unknown" row (id table; zeros for the content and user-feature tables) instead of
 *       keeping its random initialisation, so an item whose hashed id was never trained (a new item) gets exactly
 *       the content-only vector the dropout trained for, not random noise.
 *   <li>Optimiser: Adam (fixed learning rate). Parameter init, shuffling and dropout come from Java
 *       {@link Random}s seeded by {@link TwoTowerConfig#seed()}; the engine seed is set too. On this CPU build the
 *       same seed gives bitwise-identical weights (tested).
 *   <li>Stops after {@link TwoTowerConfig#epochs()} epochs, or before the first step that would start past
 *       {@link TwoTowerConfig#maxSeconds()}.
 *   <li>Validation metric: full-catalog Recall@10. The catalog is every distinct item of the training and
 *       validation examples (attributes from its first occurrence); for each validation example the user vector
 *       scores the whole catalog and the example is a hit when fewer than 10 items score strictly higher than its
 *       positive. Nothing is excluded (items in the user's history stay in the catalog). The same number for
 *       "recommend the 10 most frequent training items" is reported as the popularity baseline.
 * </ul>
 *
 * <p>DJL's PyTorch gradient collector is a JVM-wide singleton: train one model at a time per JVM.
 */
public final class TwoTowerTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(TwoTowerTrainer.class);
  public static final int RECALL_K = 10;
  private static final List<String> EMBEDDING_TABLES =
      List.of("idEmb", "tokenEmb", "categoryEmb", "priceEmb", "regionEmb", "ageEmb");

  /**
   * What a training run produced.
   *
   * @param weights the trained parameters
   * @param epochLosses mean training loss of each epoch (the last entry covers a partial epoch if the time budget
   *     stopped training mid-epoch)
   * @param recallAt10 full-catalog Recall@10 on the validation examples (NaN without validation examples)
   * @param popularityRecallAt10 Recall@10 of the 10 most frequent training items on the same examples
   * @param catalogSize items ranked by the validation metric
   * @param validationSize validation examples
   * @param epochsCompleted full epochs
   * @param steps optimiser steps
   * @param stoppedByTimeBudget whether {@link TwoTowerConfig#maxSeconds()} ended training
   * @param trainSeconds wall time of the training loop
   * @param examplesPerSecond training throughput (examples through forward + backward + Adam)
   */
  public record Result(
      TwoTowerWeights weights,
      List<Double> epochLosses,
      double recallAt10,
      double popularityRecallAt10,
      int catalogSize,
      int validationSize,
      int epochsCompleted,
      long steps,
      boolean stoppedByTimeBudget,
      double trainSeconds,
      double examplesPerSecond) {}

  /** A result together with the live DJL model it came from. Close it to free native memory. */
  public static final class Trained implements AutoCloseable {
    private final Result result;
    private final TwoTowerDjlForward model;

    Trained(Result result, TwoTowerDjlForward model) {
      this.result = result;
      this.model = model;
    }

    public Result result() {
      return result;
    }

    /** The trained DJL model (its parameters are exactly {@code result().weights()}). */
    public TwoTowerDjlForward model() {
      return model;
    }

    @Override
    public void close() {
      model.close();
    }
  }

  /** Trains and returns the weights and metrics; the DJL model is released. */
  public Result train(List<TwoTowerExample> train, List<TwoTowerExample> validation, TwoTowerConfig config) {
    try (Trained trained = fit(train, validation, config)) {
      return trained.result();
    }
  }

  /** Trains and keeps the DJL model open (for parity checks or further evaluation). */
  public Trained fit(List<TwoTowerExample> train, List<TwoTowerExample> validation, TwoTowerConfig config) {
    if (train.size() < 2) {
      throw new IllegalArgumentException("need at least 2 training examples, got " + train.size());
    }
    DjlPyTorch.engine().setRandomSeed((int) config.seed());
    long t0 = System.nanoTime();
    EncodedExamples data = new EncodedExamples(train);
    LOG.info("two-tower: {} training examples ({} distinct items), {} validation; featurised in {} ms",
        data.n, data.distinctItems, validation.size(), (System.nanoTime() - t0) / 1_000_000);

    TwoTowerBlock block = new TwoTowerBlock(config.embeddingDim(), config.hiddenDim(), config.outputDim(),
        TwoTowerBlock.seededInitializers(config.seed()));
    Model model = Model.newInstance("two-tower", Device.cpu(), DjlPyTorch.ENGINE);
    model.setBlock(block);
    TwoTowerDjlForward forward = new TwoTowerDjlForward(model, block);
    try {
      int batch = Math.min(config.batchSize(), data.n);
      Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(config.learningRate())).build();
      DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(new InBatchSoftmaxLoss(config.temperature()))
          .optOptimizer(adam)
          .optDevices(new Device[] {Device.cpu()});
      List<Double> epochLosses = new ArrayList<>();
      int epochsCompleted = 0;
      long steps = 0;
      long examplesSeen = 0;
      boolean outOfTime = false;
      long start = System.nanoTime();
      try (Trainer trainer = model.newTrainer(trainingConfig)) {
        trainer.initialize(TwoTowerBlock.inputShapes(batch));
        Random random = new Random(config.seed());
        int[] order = new int[data.n];
        for (int i = 0; i < order.length; i++) {
          order[i] = i;
        }
        for (int epoch = 0; epoch < config.epochs() && !outOfTime; epoch++) {
          shuffle(order, random);
          double lossSum = 0;
          long lossRows = 0;
          for (int from = 0; from + 1 < data.n; from += batch) {
            if (config.maxSeconds() > 0 && (System.nanoTime() - start) / 1e9 > config.maxSeconds()) {
              outOfTime = true;
              break;
            }
            // a last batch of one row has no in-batch negative: skipped (it is shuffled into another next epoch)
            int[] rows = Arrays.copyOfRange(order, from, Math.min(data.n, from + batch));
            try (NDManager m = trainer.getManager().newSubManager()) {
              NDList inputs = data.inputs(m, rows, config.idDropout(), random);
              NDList labels = new NDList(data.lossBias(m, rows));
              float loss;
              try (GradientCollector collector = trainer.newGradientCollector()) {
                NDList predictions = trainer.forward(inputs, labels);
                NDArray lossArray = trainer.getLoss().evaluate(labels, predictions);
                collector.backward(lossArray);
                loss = lossArray.getFloat();
              }
              trainer.step();
              lossSum += (double) loss * rows.length;
              lossRows += rows.length;
            }
            steps++;
            examplesSeen += rows.length;
          }
          if (lossRows > 0) {
            double epochLoss = lossSum / lossRows;
            epochLosses.add(epochLoss);
            double elapsed = (System.nanoTime() - start) / 1e9;
            LOG.info("two-tower epoch {}/{}: loss {} ({} steps, {} s, {} examples/s){}", epoch + 1,
                config.epochs(), String.format("%.4f", epochLoss), steps, String.format("%.1f", elapsed),
                Math.round(examplesSeen / elapsed), outOfTime ? " - time budget reached" : "");
          }
          if (!outOfTime) {
            epochsCompleted++;
          }
        }
      }
      double trainSeconds = (System.nanoTime() - start) / 1e9;
      fillUntrainedRows(block, data, config);
      TwoTowerWeights weights = block.exportWeights();

      double recall = Double.NaN;
      double popularity = Double.NaN;
      List<TwoTowerInputs.ItemInput> catalog = catalog(train, validation);
      if (!validation.isEmpty()) {
        recall = recallAtK(forward, validation, catalog, RECALL_K);
        popularity = popularityRecallAtK(train, validation, RECALL_K);
        LOG.info("two-tower validation: full-catalog recall@{} {} over {} items (popularity baseline {})",
            RECALL_K, String.format("%.4f", recall), catalog.size(), String.format("%.4f", popularity));
      }
      Result result = new Result(weights, List.copyOf(epochLosses), recall, popularity, catalog.size(),
          validation.size(), epochsCompleted, steps, outOfTime, trainSeconds,
          trainSeconds > 0 ? examplesSeen / trainSeconds : 0);
      return new Trained(result, forward);
    } catch (RuntimeException | Error e) {
      forward.close();
      throw e;
    }
  }

  /** See the class comment: untouched rows become the "unknown" row (id table) or zeros. */
  private static void fillUntrainedRows(TwoTowerBlock block, EncodedExamples data, TwoTowerConfig config) {
    Map<String, boolean[]> used = data.usedRows(config.idDropout() > 0 && config.epochs() > 0);
    for (String table : EMBEDDING_TABLES) {
      boolean[] u = used.get(table);
      float[] fill = table.equals("idEmb") && u[0] ? block.row("idEmb", 0) : null;
      block.fillUnusedRows(table, u, fill);
    }
  }

  /** Every distinct item of the examples (by id), attributes from its first occurrence. */
  public static List<TwoTowerInputs.ItemInput> catalog(List<TwoTowerExample> train,
      List<TwoTowerExample> validation) {
    Map<String, TwoTowerInputs.ItemInput> items = new LinkedHashMap<>();
    for (TwoTowerExample e : train) {
      items.putIfAbsent(e.positive().itemId(), e.positive());
    }
    for (TwoTowerExample e : validation) {
      items.putIfAbsent(e.positive().itemId(), e.positive());
    }
    return new ArrayList<>(items.values());
  }

  /**
   * Full-catalog Recall@k: the share of examples whose positive has fewer than {@code k} catalog items scoring
   * strictly higher (dot product of the user and item vectors). A positive missing from the catalog is a miss.
   */
  public static double recallAtK(TwoTowerDjlForward model, List<TwoTowerExample> examples,
      List<TwoTowerInputs.ItemInput> catalog, int k) {
    if (examples.isEmpty()) {
      return Double.NaN;
    }
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < catalog.size(); i++) {
      index.putIfAbsent(catalog.get(i).itemId(), i);
    }
    float[][] items = new float[catalog.size()][];
    for (int from = 0; from < catalog.size(); from += 4096) {
      List<TwoTowerInputs.ItemInput> chunk = catalog.subList(from, Math.min(catalog.size(), from + 4096));
      float[][] v = model.itemVectors(TwoTowerInputs.itemBatch(chunk));
      System.arraycopy(v, 0, items, from, v.length);
    }
    int hits = 0;
    for (int from = 0; from < examples.size(); from += 1024) {
      List<TwoTowerExample> chunk = examples.subList(from, Math.min(examples.size(), from + 1024));
      float[][] users = model.userVectors(
          TwoTowerInputs.userBatch(chunk.stream().map(TwoTowerExample::user).toList()));
      for (int r = 0; r < chunk.size(); r++) {
        Integer pos = index.get(chunk.get(r).positive().itemId());
        if (pos == null) {
          continue;
        }
        float[] u = users[r];
        float target = dot(u, items[pos]);
        int higher = 0;
        for (int c = 0; c < items.length && higher < k; c++) {
          if (dot(u, items[c]) > target) {
            higher++;
          }
        }
        if (higher < k) {
          hits++;
        }
      }
    }
    return (double) hits / examples.size();
  }

  /** Recall@k of recommending the k most frequent training positives to everyone. */
  public static double popularityRecallAtK(List<TwoTowerExample> train, List<TwoTowerExample> examples, int k) {
    if (examples.isEmpty()) {
      return Double.NaN;
    }
    Map<String, Integer> counts = new HashMap<>();
    for (TwoTowerExample e : train) {
      counts.merge(e.positive().itemId(), 1, Integer::sum);
    }
    List<String> top = counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()))
        .limit(k)
        .map(Map.Entry::getKey)
        .toList();
    long hits = examples.stream().filter(e -> top.contains(e.positive().itemId())).count();
    return (double) hits / examples.size();
  }

  static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static void shuffle(int[] a, Random random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
