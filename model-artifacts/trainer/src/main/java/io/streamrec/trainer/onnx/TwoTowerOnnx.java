package io.streamrec.trainer.onnx;

import static io.streamrec.trainer.onnx.OnnxGraphBuilder.BATCH_DIM;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.core.model.TwoTowerWeights;
import java.util.List;
import java.util.Map;

/**
 * Writes the two towers of {@link TwoTowerWeights} as ONNX graphs (opset 17, IR 8), one model per tower, with the
 * input and output names, dtypes and shapes of {@link TwoTowerInputs} and a symbolic batch dimension "N". The
 * weights are float32 initializers. The graphs compute exactly the formula in {@link TwoTowerWeights} (checked
 * against {@code TwoTowerReference} to 1e-5 by the tests):
 *
 * <pre>
 *   lookup(table, ids)          = Gather(table, ids)                       [.., E]
 *   maskedMean(table, ids, m)   = ReduceSum(Gather(table, ids) * Unsqueeze(m, 2), axis 1)
 *                                 / Max(ReduceSum(m, axis 1, keepdims), 1)  [N, E]
 *   dense(x, W, b)              = Gemm(x, W, b)                            (W is [in][out], no transpose)
 *   l2normalize(v)              = v / Max(ReduceL2(v, axis 1, keepdims), 1e-12)
 *
 *   item: item_vector = l2normalize(dense(relu(dense(concat(lookup(idEmb, item_id),
 *             maskedMean(tokenEmb, title_tokens, title_mask), lookup(categoryEmb, category),
 *             lookup(priceEmb, price_bucket)), itemW1, itemB1)), itemW2, itemB2))
 *   user: user_vector = l2normalize(dense(relu(dense(concat(maskedMean(idEmb, recent_items, recent_mask),
 *             lookup(regionEmb, region), lookup(ageEmb, age_bucket)), userW1, userB1)), userW2, userB2))
 * </pre>
 *
 * The id table is written into both models (the user tower needs it for the recent items). Ids must lie in
 * {@code [0, rows)} of their table: ONNX Runtime's Gather rejects out-of-range indices with an error (and, per the
 * ONNX spec, reads negative ones from the end) — {@link TwoTowerInputs} always produces valid buckets.
 */
public final class TwoTowerOnnx {
  private TwoTowerOnnx() {}

  /** The item tower with default metadata (producer "streamrec-trainer" at {@code producerVersion}). */
  public static byte[] itemTower(TwoTowerWeights w, String producerVersion) {
    return itemTower(w, OnnxModelInfo.of(producerVersion).withModel("item_tower", producerVersion));
  }

  /** The user tower with default metadata (producer "streamrec-trainer" at {@code producerVersion}). */
  public static byte[] userTower(TwoTowerWeights w, String producerVersion) {
    return userTower(w, OnnxModelInfo.of(producerVersion).withModel("user_tower", producerVersion));
  }

  /** The item tower, serialized {@code ModelProto}, stamped with {@code info}. */
  public static byte[] itemTower(TwoTowerWeights w, OnnxModelInfo info) {
    Dims d = Dims.check(w);
    int t = TwoTowerInputs.MAX_TOKENS;
    OnnxGraphBuilder g = new OnnxGraphBuilder("item_tower");
    String itemId = g.input(TwoTowerInputs.IN_ITEM_ID, DataType.INT64, BATCH_DIM);
    String tokens = g.input(TwoTowerInputs.IN_TITLE_TOKENS, DataType.INT64, BATCH_DIM, t);
    String mask = g.input(TwoTowerInputs.IN_TITLE_MASK, DataType.FLOAT, BATCH_DIM, t);
    String category = g.input(TwoTowerInputs.IN_CATEGORY, DataType.INT64, BATCH_DIM);
    String price = g.input(TwoTowerInputs.IN_PRICE_BUCKET, DataType.INT64, BATCH_DIM);
    addSharedConstants(g);

    String idEmb = g.floatInitializer("id_emb", w.idEmb());
    String tokenEmb = g.floatInitializer("token_emb", w.tokenEmb());
    String categoryEmb = g.floatInitializer("category_emb", w.categoryEmb());
    String priceEmb = g.floatInitializer("price_emb", w.priceEmb());

    String x = g.node("Concat", List.of(
            g.node("Gather", List.of(idEmb, itemId), "item_id_vec", Map.of("axis", 0L)),
            maskedMean(g, "title", tokenEmb, tokens, mask),
            g.node("Gather", List.of(categoryEmb, category), "category_vec", Map.of("axis", 0L)),
            g.node("Gather", List.of(priceEmb, price), "price_vec", Map.of("axis", 0L))),
        "item_x", Map.of("axis", 1L));
    mlpAndNormalize(g, "item", x, w.itemW1(), w.itemB1(), w.itemW2(), w.itemB2(), TwoTowerInputs.OUT_ITEM_VECTOR);
    g.output(TwoTowerInputs.OUT_ITEM_VECTOR, DataType.FLOAT, BATCH_DIM, d.out);

    return g.model(info.withDefaultDocString(String.format(
            "streamrec item tower: item_id int64[N], title_tokens int64[N,%d], title_mask float[N,%d], "
                + "category int64[N], price_bucket int64[N] -> item_vector float[N,%d] (L2-normalized). "
                + "E=%d, H=%d.", t, t, d.out, d.emb, d.hidden)))
        .toByteArray();
  }

  /** The user tower, serialized {@code ModelProto}, stamped with {@code info}. */
  public static byte[] userTower(TwoTowerWeights w, OnnxModelInfo info) {
    Dims d = Dims.check(w);
    int l = TwoTowerInputs.MAX_RECENT;
    OnnxGraphBuilder g = new OnnxGraphBuilder("user_tower");
    String recent = g.input(TwoTowerInputs.IN_RECENT_ITEMS, DataType.INT64, BATCH_DIM, l);
    String mask = g.input(TwoTowerInputs.IN_RECENT_MASK, DataType.FLOAT, BATCH_DIM, l);
    String region = g.input(TwoTowerInputs.IN_REGION, DataType.INT64, BATCH_DIM);
    String age = g.input(TwoTowerInputs.IN_AGE_BUCKET, DataType.INT64, BATCH_DIM);
    addSharedConstants(g);

    String idEmb = g.floatInitializer("id_emb", w.idEmb());
    String regionEmb = g.floatInitializer("region_emb", w.regionEmb());
    String ageEmb = g.floatInitializer("age_emb", w.ageEmb());

    String x = g.node("Concat", List.of(
            maskedMean(g, "recent", idEmb, recent, mask),
            g.node("Gather", List.of(regionEmb, region), "region_vec", Map.of("axis", 0L)),
            g.node("Gather", List.of(ageEmb, age), "age_vec", Map.of("axis", 0L))),
        "user_x", Map.of("axis", 1L));
    mlpAndNormalize(g, "user", x, w.userW1(), w.userB1(), w.userW2(), w.userB2(), TwoTowerInputs.OUT_USER_VECTOR);
    g.output(TwoTowerInputs.OUT_USER_VECTOR, DataType.FLOAT, BATCH_DIM, d.out);

    return g.model(info.withDefaultDocString(String.format(
            "streamrec user tower: recent_items int64[N,%d] (newest first), recent_mask float[N,%d], "
                + "region int64[N], age_bucket int64[N] -> user_vector float[N,%d] (L2-normalized). "
                + "E=%d, H=%d.", l, l, d.out, d.emb, d.hidden)))
        .toByteArray();
  }

  private static final String AXIS_1 = "axis_1";
  private static final String ONE = "one";
  private static final String EPSILON = "l2_epsilon";

  private static void addSharedConstants(OnnxGraphBuilder g) {
    g.longInitializer(AXIS_1, new long[] {1}, 1);
    g.floatInitializer(ONE, new float[] {1f});
    g.floatInitializer(EPSILON, new float[] {1e-12f});
  }

  /** {@code Σ_k m[n,k]·table[ids[n,k]] / max(Σ_k m[n,k], 1)}: [N, E]. */
  private static String maskedMean(OnnxGraphBuilder g, String prefix, String table, String ids, String mask) {
    String rows = g.node("Gather", List.of(table, ids), prefix + "_rows", Map.of("axis", 0L)); // [N,K,E]
    String m3 = g.node("Unsqueeze", List.of(mask, g.longInitializer(prefix + "_axes_2", new long[] {2}, 1)),
        prefix + "_mask3", Map.of()); // [N,K,1]
    String weighted = g.node("Mul", List.of(rows, m3), prefix + "_weighted", Map.of());
    String sum = g.node("ReduceSum", List.of(weighted, AXIS_1), prefix + "_sum", Map.of("keepdims", 0L)); // [N,E]
    String count = g.node("ReduceSum", List.of(mask, AXIS_1), prefix + "_count", Map.of("keepdims", 1L)); // [N,1]
    String denom = g.node("Max", List.of(count, ONE), prefix + "_denom", Map.of());
    return g.node("Div", List.of(sum, denom), prefix + "_mean", Map.of());
  }

  /** {@code l2normalize(relu(x·W1 + b1)·W2 + b2)} named {@code output}. */
  private static void mlpAndNormalize(OnnxGraphBuilder g, String prefix, String x, float[][] w1, float[] b1,
      float[][] w2, float[] b2, String output) {
    String w1n = g.floatInitializer(prefix + "_w1", w1);
    String b1n = g.floatInitializer(prefix + "_b1", b1, b1.length);
    String w2n = g.floatInitializer(prefix + "_w2", w2);
    String b2n = g.floatInitializer(prefix + "_b2", b2, b2.length);
    String h = g.node("Gemm", List.of(x, w1n, b1n), prefix + "_h_pre", Map.of());
    String hr = g.node("Relu", List.of(h), prefix + "_h", Map.of());
    String v = g.node("Gemm", List.of(hr, w2n, b2n), prefix + "_v", Map.of());
    // ReduceL2 still takes axes as an attribute in opset 17 (an input only from opset 18).
    String norm = g.node("ReduceL2", List.of(v), prefix + "_norm", Map.of("axes", new long[] {1}, "keepdims", 1L));
    String denom = g.node("Max", List.of(norm, EPSILON), prefix + "_norm_clamped", Map.of());
    g.node("Div", List.of(v, denom), output, Map.of());
  }

  /** The dimensions of the weights, checked for consistency before anything is written. */
  private record Dims(int emb, int hidden, int out) {
    static Dims check(TwoTowerWeights w) {
      int e = w.embeddingDim();
      table("idEmb", w.idEmb(), TwoTowerInputs.ID_BUCKETS, e);
      table("tokenEmb", w.tokenEmb(), TwoTowerInputs.TOKEN_BUCKETS, e);
      table("categoryEmb", w.categoryEmb(), TwoTowerInputs.CATEGORY_BUCKETS, e);
      table("priceEmb", w.priceEmb(), TwoTowerInputs.PRICE_BUCKETS, e);
      table("regionEmb", w.regionEmb(), TwoTowerInputs.REGION_BUCKETS, e);
      table("ageEmb", w.ageEmb(), TwoTowerInputs.AGE_BUCKETS, e);
      int h = w.itemB1().length;
      int out = w.itemB2().length;
      table("itemW1", w.itemW1(), 4 * e, h);
      table("itemW2", w.itemW2(), h, out);
      int uh = w.userB1().length;
      table("userW1", w.userW1(), 3 * e, uh);
      table("userW2", w.userW2(), uh, out);
      if (w.userB2().length != out) {
        throw new IllegalArgumentException(
            "userB2 has " + w.userB2().length + " values, itemB2 " + out + ": both towers must output D values");
      }
      return new Dims(e, h, out);
    }

    private static void table(String name, float[][] m, int rows, int cols) {
      if (m == null || m.length != rows) {
        throw new IllegalArgumentException(
            name + " must have " + rows + " rows, has " + (m == null ? "none" : m.length));
      }
      for (int r = 0; r < m.length; r++) {
        if (m[r].length != cols) {
          throw new IllegalArgumentException(
              name + " row " + r + " has " + m[r].length + " columns, expected " + cols);
        }
      }
    }
  }
}
