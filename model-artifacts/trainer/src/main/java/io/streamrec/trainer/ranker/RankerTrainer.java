package io.streamrec.trainer.ranker;

import io.streamrec.core.model.RankerFeatures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Trains the ranker with XGBoost: gradient-boosted trees over {@link RankerFeatures}.
 *
 * <p>Objective {@code binary:logistic} (will the user buy this candidate?) rather than {@code rank:ndcg}: the
 * scores are then comparable across requests and read as probabilities, which the final stage needs to mix
 * sources, apply business rules and run an exploration slot; and with one request per user the per-group signal
 * that {@code rank:*} exploits is thin. Serving ranks by the raw margin, which orders candidates the same way.
 */
public final class RankerTrainer {

  /** Boosting settings; the defaults are the model size DESIGN §6 budgets for (300 trees, depth 6). */
  public record Config(int trees, int maxDepth, double eta, double subsample, double colsample,
      double minChildWeight, long seed, int threads) {
    public static Config defaults() {
      return new Config(300, 6, 0.05, 0.8, 0.8, 1, 42, 2);
    }

    /**
     * The first ranking stage (DESIGN §6): 40 trees of depth 3, about 1/50 of the heavy ranker's nodes, so that
     * scoring every merged candidate costs little more than assembling its features.
     */
    public static Config firstStage() {
      return new Config(40, 3, 0.2, 0.8, 0.8, 1, 42, 2);
    }

    public Config with(int trees, int maxDepth, double minChildWeight) {
      return new Config(trees, maxDepth, eta, subsample, colsample, minChildWeight, seed, threads);
    }
  }

  /**
   * Model sizes to try, chosen on the validation rows only: each depth in {@code depths} is grown to at most
   * {@code maxTrees} trees (stopping once {@code patience} rounds in a row did not improve the validation AUC), and
   * keeps the number of trees at its best validation AUC. Among the depths, the one with the best AUC wins, unless
   * a cheaper one (fewer tree levels to walk per row: trees × depth) is within {@code tolerance} of it: then the
   * cheapest of those. Serving walks every tree of the model for every candidate, so a model that is no better on
   * validation should not cost more.
   */
  public record SizeSearch(List<Integer> depths, int maxTrees, int patience, double tolerance) {
    public SizeSearch {
      depths = List.copyOf(depths);
      if (depths.isEmpty() || depths.stream().anyMatch(d -> d < 1) || maxTrees < 1 || patience < 1
          || !(tolerance >= 0)) {
        throw new IllegalArgumentException("bad size search: depths " + depths + ", maxTrees " + maxTrees
            + ", patience " + patience + ", tolerance " + tolerance);
      }
    }

    /** The heavy ranker: depths 3 to 6, up to 300 trees (DESIGN §6's budget), AUC ties within 0.002. */
    public static SizeSearch ranker() {
      return new SizeSearch(List.of(3, 4, 5, 6), 300, 40, 0.002);
    }

    /** The first stage, which scores every merged candidate: depths 2 and 3, up to 40 trees. */
    public static SizeSearch firstStage() {
      return new SizeSearch(List.of(2, 3), 40, 10, 0.002);
    }
  }

  /** One size tried: its depth, the trees at its best validation AUC, and that AUC. */
  public record Trial(int depth, int trees, double validationAuc) {
    long cost() {
      return (long) trees * depth;
    }
  }

  /**
   * A trained ranker, the settings it was trained with, and the sizes tried to choose them (empty when the size was
   * given).
   */
  public record Result(Booster booster, String modelJson, double trainAuc, double validationAuc, Config config,
      List<Trial> trials) {
    public Result {
      trials = List.copyOf(trials);
    }
  }

  private RankerTrainer() {}

  /** Trains with {@code config}'s size as given. */
  public static Result train(RankerData train, RankerData validation, Config config) throws XGBoostError {
    return train(train, validation, matrix(train), matrix(validation), config);
  }

  private static Result train(RankerData train, RankerData validation, DMatrix dtrain, DMatrix dval, Config config)
      throws XGBoostError {
    Map<String, Object> params = params(config);
    Map<String, DMatrix> watches = new HashMap<>();
    watches.put("train", dtrain);
    watches.put("validation", dval);
    Booster booster = XGBoost.train(dtrain, params, config.trees(), watches, null, null);
    String json = new String(booster.toByteArray("json"), StandardCharsets.UTF_8);
    return new Result(booster, json, auc(booster, train), auc(booster, validation), config, List.of());
  }

  /**
   * Chooses the size on the validation rows ({@link SizeSearch}), then trains that size with {@code config}'s other
   * settings. The validation rows choose; they are never fitted on.
   */
  public static Result trainSized(RankerData train, RankerData validation, Config config, SizeSearch search)
      throws XGBoostError {
    if (validation.rows() == 0) {
      throw new IllegalArgumentException("choosing a ranker's size needs validation rows");
    }
    DMatrix dtrain = matrix(train);
    DMatrix dval = matrix(validation);
    List<Trial> trials = new ArrayList<>();
    for (int depth : search.depths()) {
      Config c = config.with(search.maxTrees(), depth, config.minChildWeight());
      Map<String, DMatrix> watches = new LinkedHashMap<>();
      watches.put("validation", dval); // the last watch decides early stopping
      float[][] perRound = new float[1][search.maxTrees()];
      XGBoost.train(dtrain, params(c), search.maxTrees(), watches, perRound, null, null, search.patience());
      trials.add(best(depth, perRound[0]));
    }
    Trial chosen = choose(trials, search.tolerance());
    Result r = train(train, validation, dtrain, dval,
        config.with(chosen.trees(), chosen.depth(), config.minChildWeight()));
    return new Result(r.booster(), r.modelJson(), r.trainAuc(), r.validationAuc(), r.config(), trials);
  }

  /** The round with the best validation AUC (rounds never run are zero, below any AUC). */
  static Trial best(int depth, float[] aucByRound) {
    int best = 0;
    for (int r = 1; r < aucByRound.length; r++) {
      if (aucByRound[r] > aucByRound[best]) {
        best = r;
      }
    }
    return new Trial(depth, best + 1, aucByRound[best]);
  }

  /** The best AUC's trial, or the cheapest within {@code tolerance} of it. */
  static Trial choose(List<Trial> trials, double tolerance) {
    double top = trials.stream().mapToDouble(Trial::validationAuc).max().orElseThrow();
    return trials.stream().filter(t -> t.validationAuc() >= top - tolerance)
        .min(Comparator.comparingLong(Trial::cost).thenComparing(t -> -t.validationAuc())).orElseThrow();
  }

  private static Map<String, Object> params(Config config) {
    Map<String, Object> params = new HashMap<>();
    params.put("objective", "binary:logistic");
    params.put("eval_metric", "auc");
    params.put("max_depth", config.maxDepth());
    params.put("eta", config.eta());
    params.put("subsample", config.subsample());
    params.put("colsample_bytree", config.colsample());
    params.put("min_child_weight", config.minChildWeight());
    params.put("seed", config.seed());
    params.put("nthread", config.threads());
    params.put("tree_method", "hist");
    params.put("verbosity", 0);
    return params;
  }

  public static DMatrix matrix(RankerData data) throws XGBoostError {
    DMatrix m = new DMatrix(data.features(), data.rows(), RankerFeatures.SIZE, Float.NaN);
    m.setLabel(data.labels());
    return m;
  }

  /** Raw margins of every row. */
  public static float[] margins(Booster booster, float[] features, int rows) throws XGBoostError {
    float[][] out = booster.predict(new DMatrix(features, rows, RankerFeatures.SIZE, Float.NaN), true, 0);
    float[] flat = new float[rows];
    for (int r = 0; r < rows; r++) {
      flat[r] = out[r][0];
    }
    return flat;
  }

  /** Area under the ROC curve (the probability that a positive outranks a negative), ties counted half. */
  public static double auc(Booster booster, RankerData data) throws XGBoostError {
    if (data.rows() == 0) {
      return Double.NaN;
    }
    float[] scores = margins(booster, data.features(), data.rows());
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Float.compare(scores[a], scores[b]));
    double rankSum = 0;
    long pos = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double avgRank = (i + j) / 2.0 + 1;
      for (int t = i; t <= j; t++) {
        if (data.labels()[order[t]] > 0) {
          rankSum += avgRank;
          pos++;
        }
      }
      i = j + 1;
    }
    long neg = scores.length - pos;
    return pos == 0 || neg == 0 ? Double.NaN : (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
  }
}
