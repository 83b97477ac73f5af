package io.streamrec.trainer;

import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.core.model.TwoTowerWeights;

/**
 * The two-tower forward pass in plain Java, straight from the formula in {@link TwoTowerWeights}: the reference
 * that both the DJL model and the exported ONNX graphs are checked against (to 1e-5).
 */
public final class TwoTowerReference {
  private TwoTowerReference() {}

  public static float[][] itemVectors(TwoTowerWeights w, TwoTowerInputs.ItemBatch b) {
    int e = w.embeddingDim();
    int t = TwoTowerInputs.MAX_TOKENS;
    float[][] out = new float[b.n()][];
    for (int r = 0; r < b.n(); r++) {
      float[] x = new float[4 * e];
      System.arraycopy(w.idEmb()[(int) b.itemId()[r]], 0, x, 0, e);
      maskedMean(w.tokenEmb(), b.titleTokens(), b.titleMask(), r * t, t, x, e);
      System.arraycopy(w.categoryEmb()[(int) b.category()[r]], 0, x, 2 * e, e);
      System.arraycopy(w.priceEmb()[(int) b.priceBucket()[r]], 0, x, 3 * e, e);
      out[r] = normalize(dense(relu(dense(x, w.itemW1(), w.itemB1())), w.itemW2(), w.itemB2()));
    }
    return out;
  }

  public static float[][] userVectors(TwoTowerWeights w, TwoTowerInputs.UserBatch b) {
    int e = w.embeddingDim();
    int l = TwoTowerInputs.MAX_RECENT;
    float[][] out = new float[b.n()][];
    for (int r = 0; r < b.n(); r++) {
      float[] x = new float[3 * e];
      maskedMean(w.idEmb(), b.recentItems(), b.recentMask(), r * l, l, x, 0);
      System.arraycopy(w.regionEmb()[(int) b.region()[r]], 0, x, e, e);
      System.arraycopy(w.ageEmb()[(int) b.ageBucket()[r]], 0, x, 2 * e, e);
      out[r] = normalize(dense(relu(dense(x, w.userW1(), w.userB1())), w.userW2(), w.userB2()));
    }
    return out;
  }

  /** Writes the mask-weighted mean of the rows of {@code table} selected by {@code ids} into {@code x[at..]}. */
  private static void maskedMean(float[][] table, long[] ids, float[] mask, int from, int len, float[] x, int at) {
    int e = table[0].length;
    float count = 0;
    for (int k = 0; k < len; k++) {
      float m = mask[from + k];
      if (m == 0) {
        continue;
      }
      count += m;
      float[] row = table[(int) ids[from + k]];
      for (int j = 0; j < e; j++) {
        x[at + j] += m * row[j];
      }
    }
    float d = Math.max(count, 1f);
    for (int j = 0; j < e; j++) {
      x[at + j] /= d;
    }
  }

  private static float[] dense(float[] x, float[][] w, float[] b) {
    float[] y = b.clone();
    for (int i = 0; i < x.length; i++) {
      float xi = x[i];
      if (xi == 0) {
        continue;
      }
      float[] wi = w[i];
      for (int j = 0; j < y.length; j++) {
        y[j] += xi * wi[j];
      }
    }
    return y;
  }

  private static float[] relu(float[] x) {
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.max(0f, x[i]);
    }
    return x;
  }

  private static float[] normalize(float[] x) {
    double sum = 0;
    for (float v : x) {
      sum += (double) v * v;
    }
    float norm = (float) Math.max(Math.sqrt(sum), 1e-12);
    for (int i = 0; i < x.length; i++) {
      x[i] /= norm;
    }
    return x;
  }
}
