package io.streamrec.trainer.ranker;

import io.streamrec.core.model.RankerFeatures;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
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

  /** A trained ranker. */
  public record Result(Booster booster, String modelJson, double trainAuc, double validationAuc) {}

  private RankerTrainer() {}

  public static Result train(RankerData train, RankerData validation, Config config) throws XGBoostError {
    DMatrix dtrain = matrix(train);
    DMatrix dval = matrix(validation);
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
    Map<String, DMatrix> watches = new HashMap<>();
    watches.put("train", dtrain);
    watches.put("validation", dval);
    Booster booster = XGBoost.train(dtrain, params, config.trees(), watches, null, null);
    String json = new String(booster.toByteArray("json"), StandardCharsets.UTF_8);
    return new Result(booster, json, auc(booster, train), auc(booster, validation));
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
