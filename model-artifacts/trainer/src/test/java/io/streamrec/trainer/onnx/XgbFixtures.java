package io.streamrec.trainer.onnx;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/** Generated ranking-like data and small XGBoost models for the converter tests. */
final class XgbFixtures {
  private XgbFixtures() {}

  /**
   * Row-major {@code rows × features} with {@code missingRate} NaNs. Features 0-2 are small integers (0..3), so
   * many values sit exactly on split thresholds: that is where strict {@code <} versus {@code <=} shows.
   */
  static float[] features(Random r, int rows, int features, double missingRate) {
    float[] x = new float[rows * features];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < features; j++) {
        float v = j < 3 ? r.nextInt(4) : (float) r.nextGaussian();
        x[i * features + j] = r.nextDouble() < missingRate ? Float.NaN : v;
      }
    }
    return x;
  }

  static float get(float[] x, int features, int row, int col) {
    float v = x[row * features + col];
    return Float.isNaN(v) ? 0f : v;
  }

  /** A nonlinear score with interactions and a missing-value effect, plus noise. */
  static float[] score(Random r, float[] x, int rows, int features) {
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      double s = 0.8 * get(x, features, i, 0) - 0.5 * get(x, features, i, 1) * get(x, features, i, 3)
          + Math.sin(2 * get(x, features, i, 4)) + (Float.isNaN(x[i * features + 5]) ? 0.7 : get(x, features, i, 5))
          + 0.3 * get(x, features, i, 2) * get(x, features, i, 6);
      y[i] = (float) (s + 0.5 * r.nextGaussian());
    }
    return y;
  }

  static float[] binaryLabels(float[] score, double threshold) {
    float[] y = new float[score.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = score[i] > threshold ? 1f : 0f;
    }
    return y;
  }

  static DMatrix matrix(float[] x, int rows, int features) throws XGBoostError {
    return new DMatrix(x, rows, features, Float.NaN);
  }

  static Booster train(DMatrix train, String objective, int rounds, int depth, Map<String, Object> extra)
      throws XGBoostError {
    Map<String, Object> p = new HashMap<>();
    p.put("objective", objective);
    p.put("max_depth", depth);
    p.put("eta", 0.2);
    p.put("nthread", 1);
    p.put("seed", 7);
    p.put("verbosity", 0);
    p.putAll(extra);
    return XGBoost.train(train, p, rounds, new HashMap<>(), null, null);
  }

  static String json(Booster b) throws XGBoostError {
    return new String(b.toByteArray("json"), StandardCharsets.UTF_8);
  }
}
