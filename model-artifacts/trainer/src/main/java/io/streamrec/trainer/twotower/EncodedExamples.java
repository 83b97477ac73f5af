package io.streamrec.trainer.twotower;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.streamrec.core.model.TwoTowerInputs;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Training examples featurised once with {@link TwoTowerInputs} (the serving definition) and stored compactly
 * (ints and byte masks), from which each step's input arrays and in-batch loss bias are gathered.
 */
final class EncodedExamples {
  private static final int T = TwoTowerInputs.MAX_TOKENS;
  private static final int L = TwoTowerInputs.MAX_RECENT;
  private static final int CHUNK = 4096;

  final int n;
  final int[] itemId;
  final int[] tokens;
  final byte[] tokenMask;
  final int[] category;
  final int[] price;
  final int[] recent;
  final byte[] recentMask;
  final int[] region;
  final int[] age;
  /** Dense index of the positive's item id (to find duplicate positives in a batch). */
  final int[] itemKey;
  /** log q of the positive's item: its share of all examples. */
  final float[] logQ;
  final int distinctItems;

  EncodedExamples(List<TwoTowerExample> examples) {
    n = examples.size();
    itemId = new int[n];
    tokens = new int[n * T];
    tokenMask = new byte[n * T];
    category = new int[n];
    price = new int[n];
    recent = new int[n * L];
    recentMask = new byte[n * L];
    region = new int[n];
    age = new int[n];
    itemKey = new int[n];
    logQ = new float[n];
    for (int from = 0; from < n; from += CHUNK) {
      List<TwoTowerExample> chunk = examples.subList(from, Math.min(n, from + CHUNK));
      TwoTowerInputs.ItemBatch ib = TwoTowerInputs.itemBatch(chunk.stream().map(TwoTowerExample::positive).toList());
      TwoTowerInputs.UserBatch ub = TwoTowerInputs.userBatch(chunk.stream().map(TwoTowerExample::user).toList());
      for (int r = 0; r < chunk.size(); r++) {
        int row = from + r;
        itemId[row] = (int) ib.itemId()[r];
        category[row] = (int) ib.category()[r];
        price[row] = (int) ib.priceBucket()[r];
        for (int k = 0; k < T; k++) {
          tokens[row * T + k] = (int) ib.titleTokens()[r * T + k];
          tokenMask[row * T + k] = (byte) (ib.titleMask()[r * T + k] != 0 ? 1 : 0);
        }
        for (int k = 0; k < L; k++) {
          recent[row * L + k] = (int) ub.recentItems()[r * L + k];
          recentMask[row * L + k] = (byte) (ub.recentMask()[r * L + k] != 0 ? 1 : 0);
        }
        region[row] = (int) ub.region()[r];
        age[row] = (int) ub.ageBucket()[r];
      }
    }
    Map<String, Integer> keys = new HashMap<>();
    int[] counts = new int[n];
    for (int i = 0; i < n; i++) {
      int key = keys.computeIfAbsent(examples.get(i).positive().itemId(), k -> keys.size());
      itemKey[i] = key;
      counts[key]++;
    }
    distinctItems = keys.size();
    for (int i = 0; i < n; i++) {
      logQ[i] = (float) Math.log((double) counts[itemKey[i]] / n);
    }
  }

  /**
   * The nine block inputs of {@code rows} (item then user), with each item-id bucket replaced by the reserved 0
   * with probability {@code idDropout}.
   */
  NDList inputs(NDManager m, int[] rows, float idDropout, Random random) {
    int b = rows.length;
    long[] ids = new long[b];
    long[] tok = new long[b * T];
    float[] tokM = new float[b * T];
    long[] cat = new long[b];
    long[] pr = new long[b];
    long[] rec = new long[b * L];
    float[] recM = new float[b * L];
    long[] reg = new long[b];
    long[] ag = new long[b];
    for (int r = 0; r < b; r++) {
      int row = rows[r];
      ids[r] = idDropout > 0 && random.nextFloat() < idDropout ? 0 : itemId[row];
      for (int k = 0; k < T; k++) {
        tok[r * T + k] = tokens[row * T + k];
        tokM[r * T + k] = tokenMask[row * T + k];
      }
      cat[r] = category[row];
      pr[r] = price[row];
      for (int k = 0; k < L; k++) {
        rec[r * L + k] = recent[row * L + k];
        recM[r * L + k] = recentMask[row * L + k];
      }
      reg[r] = region[row];
      ag[r] = age[row];
    }
    return new NDList(
        m.create(ids, new Shape(b)), m.create(tok, new Shape(b, T)), m.create(tokM, new Shape(b, T)),
        m.create(cat, new Shape(b)), m.create(pr, new Shape(b)),
        m.create(rec, new Shape(b, L)), m.create(recM, new Shape(b, L)),
        m.create(reg, new Shape(b)), m.create(ag, new Shape(b)));
  }

  /** The loss bias of {@link InBatchSoftmaxLoss} for {@code rows}. */
  NDArray lossBias(NDManager m, int[] rows) {
    int b = rows.length;
    float[] bias = new float[b * b];
    for (int i = 0; i < b; i++) {
      int key = itemKey[rows[i]];
      for (int j = 0; j < b; j++) {
        bias[i * b + j] = j != i && itemKey[rows[j]] == key ? InBatchSoftmaxLoss.MASKED : -logQ[rows[j]];
      }
    }
    return m.create(bias, new Shape(b, b));
  }

  /** Which rows of each embedding table the examples reference (with a non-zero mask). */
  Map<String, boolean[]> usedRows(boolean idRowZeroTrained) {
    boolean[] id = new boolean[TwoTowerInputs.ID_BUCKETS];
    boolean[] tok = new boolean[TwoTowerInputs.TOKEN_BUCKETS];
    boolean[] cat = new boolean[TwoTowerInputs.CATEGORY_BUCKETS];
    boolean[] pr = new boolean[TwoTowerInputs.PRICE_BUCKETS];
    boolean[] reg = new boolean[TwoTowerInputs.REGION_BUCKETS];
    boolean[] ag = new boolean[TwoTowerInputs.AGE_BUCKETS];
    id[0] = idRowZeroTrained;
    for (int i = 0; i < n; i++) {
      id[itemId[i]] = true;
      cat[category[i]] = true;
      pr[price[i]] = true;
      reg[region[i]] = true;
      ag[age[i]] = true;
      for (int k = 0; k < T; k++) {
        if (tokenMask[i * T + k] != 0) {
          tok[tokens[i * T + k]] = true;
        }
      }
      for (int k = 0; k < L; k++) {
        if (recentMask[i * L + k] != 0) {
          id[recent[i * L + k]] = true;
        }
      }
    }
    return Map.of("idEmb", id, "tokenEmb", tok, "categoryEmb", cat, "priceEmb", pr, "regionEmb", reg,
        "ageEmb", ag);
  }
}
