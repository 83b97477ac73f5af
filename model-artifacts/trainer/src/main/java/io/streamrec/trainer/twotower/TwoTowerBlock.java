package io.streamrec.trainer.twotower;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.core.model.TwoTowerWeights;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * The two-tower model as a DJL block, parameter for parameter the layout of {@link TwoTowerWeights} (same names,
 * same shapes; dense weights are stored {@code [in][out]} and applied as {@code x · W + b}, so export is a plain copy
 * with no transpose, unlike DJL's {@code Linear}, which stores {@code [out][in]}).
 *
 * <pre>
 *   item:  x = [ idEmb[item_id] | maskedMean(tokenEmb[title_tokens]) | categoryEmb[category] | priceEmb[price] ]
 *          item_vector = l2normalize( relu(x · itemW1 + itemB1) · itemW2 + itemB2 )
 *   user:  x = [ maskedMean(idEmb[recent_items]) | regionEmb[region] | ageEmb[age_bucket] ]
 *          user_vector = l2normalize( relu(x · userW1 + userB1) · userW2 + userB2 )
 * </pre>
 *
 * <p>{@link #forward} takes the nine input arrays {@link #ITEM_INPUTS} then {@link #USER_INPUTS} (the ONNX input
 * names of {@link TwoTowerInputs}) and returns {@code (user_vector, item_vector)}; {@link #itemVectors} and
 * {@link #userVectors} run one tower. Every intermediate array is created by an operation whose first operand is an
 * input, so it lives in the caller's (per-batch) manager, not in the model's.
 */
public final class TwoTowerBlock extends AbstractBlock {
  public static final List<String> ITEM_INPUTS = List.of(TwoTowerInputs.IN_ITEM_ID, TwoTowerInputs.IN_TITLE_TOKENS,
      TwoTowerInputs.IN_TITLE_MASK, TwoTowerInputs.IN_CATEGORY, TwoTowerInputs.IN_PRICE_BUCKET);
  public static final List<String> USER_INPUTS = List.of(TwoTowerInputs.IN_RECENT_ITEMS,
      TwoTowerInputs.IN_RECENT_MASK, TwoTowerInputs.IN_REGION, TwoTowerInputs.IN_AGE_BUCKET);

  /** Parameter names, in {@link TwoTowerWeights} component order. */
  public static final List<String> PARAMETERS = List.of("idEmb", "tokenEmb", "categoryEmb", "priceEmb",
      "regionEmb", "ageEmb", "itemW1", "itemB1", "itemW2", "itemB2", "userW1", "userB1", "userW2", "userB2");

  private static final float MIN_NORM = 1e-12f;

  private final int embeddingDim;
  private final int hiddenDim;
  private final int outputDim;
  private final Map<String, Parameter> params = new LinkedHashMap<>();

  /**
   * @param initializers the initializer of each parameter by name (see {@link #seededInitializers} and
   *     {@link #initializersFrom})
   */
  public TwoTowerBlock(int embeddingDim, int hiddenDim, int outputDim, Function<String, Initializer> initializers) {
    this.embeddingDim = embeddingDim;
    this.hiddenDim = hiddenDim;
    this.outputDim = outputDim;
    for (Map.Entry<String, Shape> e : shapes(embeddingDim, hiddenDim, outputDim).entrySet()) {
      String name = e.getKey();
      Parameter p = addParameter(Parameter.builder()
          .setName(name)
          .setType(name.matches("(item|user)B\\d") ? Parameter.Type.BIAS : Parameter.Type.WEIGHT)
          .optShape(e.getValue())
          .optInitializer(initializers.apply(name))
          .build());
      params.put(name, p);
    }
  }

  /** The shape of every parameter, in {@link #PARAMETERS} order. */
  public static Map<String, Shape> shapes(int e, int h, int d) {
    Map<String, Shape> s = new LinkedHashMap<>();
    s.put("idEmb", new Shape(TwoTowerInputs.ID_BUCKETS, e));
    s.put("tokenEmb", new Shape(TwoTowerInputs.TOKEN_BUCKETS, e));
    s.put("categoryEmb", new Shape(TwoTowerInputs.CATEGORY_BUCKETS, e));
    s.put("priceEmb", new Shape(TwoTowerInputs.PRICE_BUCKETS, e));
    s.put("regionEmb", new Shape(TwoTowerInputs.REGION_BUCKETS, e));
    s.put("ageEmb", new Shape(TwoTowerInputs.AGE_BUCKETS, e));
    s.put("itemW1", new Shape(4L * e, h));
    s.put("itemB1", new Shape(h));
    s.put("itemW2", new Shape(h, d));
    s.put("itemB2", new Shape(d));
    s.put("userW1", new Shape(3L * e, h));
    s.put("userB1", new Shape(h));
    s.put("userW2", new Shape(h, d));
    s.put("userB2", new Shape(d));
    return s;
  }

  /**
   * Initialisation from a seeded {@link Random} (one stream per parameter, derived from the seed and the name), so
   * it is reproducible whatever the engine's RNG and the initialisation order: embeddings N(0, 0.1²), dense
   * weights Xavier-uniform, biases 0.
   */
  public static Function<String, Initializer> seededInitializers(long seed) {
    return name -> (manager, shape, dataType) -> {
      Random random = new Random(seed * 1_000_003L + name.hashCode());
      int size = Math.toIntExact(shape.size());
      float[] data = new float[size];
      if (name.endsWith("Emb")) {
        for (int i = 0; i < size; i++) {
          data[i] = (float) (0.1 * random.nextGaussian());
        }
      } else if (name.matches("(item|user)W\\d")) {
        double limit = Math.sqrt(6.0 / (shape.get(0) + shape.get(1)));
        for (int i = 0; i < size; i++) {
          data[i] = (float) ((2 * random.nextDouble() - 1) * limit);
        }
      }
      return manager.create(data, shape).toType(dataType, false);
    };
  }

  /** Initialisation that loads the given weights (for running exported weights through DJL). */
  public static Function<String, Initializer> initializersFrom(TwoTowerWeights w) {
    Map<String, float[]> flat = flatten(w);
    return name -> (manager, shape, dataType) -> {
      float[] data = flat.get(name);
      if (data.length != shape.size()) {
        throw new IllegalArgumentException(name + ": " + data.length + " values for shape " + shape);
      }
      return manager.create(data, shape).toType(dataType, false);
    };
  }

  public int embeddingDim() {
    return embeddingDim;
  }

  public int hiddenDim() {
    return hiddenDim;
  }

  public int outputDim() {
    return outputDim;
  }

  /** Input shapes for {@code initialize} with a batch of {@code n}: item inputs then user inputs. */
  public static Shape[] inputShapes(long n) {
    return new Shape[] {
      new Shape(n), new Shape(n, TwoTowerInputs.MAX_TOKENS), new Shape(n, TwoTowerInputs.MAX_TOKENS),
      new Shape(n), new Shape(n),
      new Shape(n, TwoTowerInputs.MAX_RECENT), new Shape(n, TwoTowerInputs.MAX_RECENT), new Shape(n), new Shape(n)
    };
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    if (inputs.size() != 9) {
      throw new IllegalArgumentException("expected 9 inputs (5 item, 4 user), got " + inputs.size());
    }
    NDArray item = itemVectors(ps, new NDList(inputs.subList(0, 5)), training);
    NDArray user = userVectors(ps, new NDList(inputs.subList(5, 9)), training);
    return new NDList(user, item);
  }

  /** Item tower: inputs {@code item_id, title_tokens, title_mask, category, price_bucket} → {@code [N, D]}. */
  public NDArray itemVectors(ParameterStore ps, NDList in, boolean training) {
    NDArray x = NDArrays.concat(new NDList(
        lookup(in.get(0), value(ps, "idEmb", in.get(0), training)),
        maskedMean(in.get(1), in.get(2), value(ps, "tokenEmb", in.get(0), training)),
        lookup(in.get(3), value(ps, "categoryEmb", in.get(0), training)),
        lookup(in.get(4), value(ps, "priceEmb", in.get(0), training))), 1);
    return mlp(ps, x, "item", training);
  }

  /** User tower: inputs {@code recent_items, recent_mask, region, age_bucket} → {@code [N, D]}. */
  public NDArray userVectors(ParameterStore ps, NDList in, boolean training) {
    NDArray x = NDArrays.concat(new NDList(
        maskedMean(in.get(0), in.get(1), value(ps, "idEmb", in.get(0), training)),
        lookup(in.get(2), value(ps, "regionEmb", in.get(0), training)),
        lookup(in.get(3), value(ps, "ageEmb", in.get(0), training))), 1);
    return mlp(ps, x, "user", training);
  }

  private NDArray mlp(ParameterStore ps, NDArray x, String tower, boolean training) {
    NDArray h = x.matMul(value(ps, tower + "W1", x, training)).add(value(ps, tower + "B1", x, training));
    h = h.maximum(0f);
    NDArray v = h.matMul(value(ps, tower + "W2", x, training)).add(value(ps, tower + "B2", x, training));
    NDArray norm = v.norm(new int[] {1}, true).maximum(MIN_NORM);
    return v.div(norm);
  }

  private static NDArray lookup(NDArray ids, NDArray table) {
    return Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
  }

  /** Σ mask·emb / max(Σ mask, 1) over axis 1: {@code [N, L]} ids and mask → {@code [N, E]}. */
  private static NDArray maskedMean(NDArray ids, NDArray mask, NDArray table) {
    NDArray emb = lookup(ids, table); // [N, L, E]
    NDArray sum = emb.mul(mask.expandDims(2)).sum(new int[] {1}); // [N, E]
    NDArray count = mask.sum(new int[] {1}, true).maximum(1f); // [N, 1]
    return sum.div(count);
  }

  private NDArray value(ParameterStore ps, String name, NDArray like, boolean training) {
    return ps.getValue(params.get(name), like.getDevice(), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long n = inputShapes[0].get(0);
    return new Shape[] {new Shape(n, outputDim), new Shape(n, outputDim)};
  }

  /**
   * Overwrites every row of embedding table {@code name} whose {@code used[row]} is false with {@code fill} (or
   * zeros when {@code fill} is null).
   */
  void fillUnusedRows(String name, boolean[] used, float[] fill) {
    NDArray a = params.get(name).getArray();
    int cols = Math.toIntExact(a.getShape().get(1));
    float[] flat = a.toFloatArray();
    for (int r = 0; r < used.length; r++) {
      if (!used[r]) {
        if (fill == null) {
          Arrays.fill(flat, r * cols, (r + 1) * cols, 0f);
        } else {
          System.arraycopy(fill, 0, flat, r * cols, cols);
        }
      }
    }
    a.set(flat);
  }

  /** One row of embedding table {@code name}. */
  float[] row(String name, int row) {
    NDArray a = params.get(name).getArray();
    int cols = Math.toIntExact(a.getShape().get(1));
    float[] out = new float[cols];
    System.arraycopy(a.toFloatArray(), row * cols, out, 0, cols);
    return out;
  }

  /** The parameter arrays, copied out as a {@link TwoTowerWeights}. */
  public TwoTowerWeights exportWeights() {
    return new TwoTowerWeights(
        matrix("idEmb"), matrix("tokenEmb"), matrix("categoryEmb"), matrix("priceEmb"), matrix("regionEmb"),
        matrix("ageEmb"),
        matrix("itemW1"), vector("itemB1"), matrix("itemW2"), vector("itemB2"),
        matrix("userW1"), vector("userB1"), matrix("userW2"), vector("userB2"));
  }

  private float[] vector(String name) {
    return params.get(name).getArray().toType(DataType.FLOAT32, false).toFloatArray();
  }

  private float[][] matrix(String name) {
    NDArray a = params.get(name).getArray();
    Shape s = a.getShape();
    int rows = Math.toIntExact(s.get(0));
    int cols = Math.toIntExact(s.get(1));
    float[] flat = a.toType(DataType.FLOAT32, false).toFloatArray();
    float[][] out = new float[rows][cols];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(flat, r * cols, out[r], 0, cols);
    }
    return out;
  }

  static Map<String, float[]> flatten(TwoTowerWeights w) {
    Map<String, float[]> m = new LinkedHashMap<>();
    m.put("idEmb", flat(w.idEmb()));
    m.put("tokenEmb", flat(w.tokenEmb()));
    m.put("categoryEmb", flat(w.categoryEmb()));
    m.put("priceEmb", flat(w.priceEmb()));
    m.put("regionEmb", flat(w.regionEmb()));
    m.put("ageEmb", flat(w.ageEmb()));
    m.put("itemW1", flat(w.itemW1()));
    m.put("itemB1", w.itemB1());
    m.put("itemW2", flat(w.itemW2()));
    m.put("itemB2", w.itemB2());
    m.put("userW1", flat(w.userW1()));
    m.put("userB1", w.userB1());
    m.put("userW2", flat(w.userW2()));
    m.put("userB2", w.userB2());
    return m;
  }

  private static float[] flat(float[][] m) {
    int cols = m.length == 0 ? 0 : m[0].length;
    float[] out = new float[m.length * cols];
    for (int r = 0; r < m.length; r++) {
      System.arraycopy(m[r], 0, out, r * cols, cols);
    }
    return out;
  }

  /** Creates the manager-owned input arrays of an item batch. */
  public static NDList itemInputs(NDManager m, TwoTowerInputs.ItemBatch b) {
    int n = b.n();
    return new NDList(
        m.create(b.itemId(), new Shape(n)),
        m.create(b.titleTokens(), new Shape(n, TwoTowerInputs.MAX_TOKENS)),
        m.create(b.titleMask(), new Shape(n, TwoTowerInputs.MAX_TOKENS)),
        m.create(b.category(), new Shape(n)),
        m.create(b.priceBucket(), new Shape(n)));
  }

  /** Creates the manager-owned input arrays of a user batch. */
  public static NDList userInputs(NDManager m, TwoTowerInputs.UserBatch b) {
    int n = b.n();
    return new NDList(
        m.create(b.recentItems(), new Shape(n, TwoTowerInputs.MAX_RECENT)),
        m.create(b.recentMask(), new Shape(n, TwoTowerInputs.MAX_RECENT)),
        m.create(b.region(), new Shape(n)),
        m.create(b.ageBucket(), new Shape(n)));
  }
}
