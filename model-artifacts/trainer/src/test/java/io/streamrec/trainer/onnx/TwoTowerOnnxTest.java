package io.streamrec.trainer.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtSession;
import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.core.model.TwoTowerWeights;
import io.streamrec.onnx.OnnxModels;
import io.streamrec.trainer.TwoTowerReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TwoTowerOnnxTest {
  static final int E = 16;
  static final int H = 32;
  static final int D = 16;
  static final float TOLERANCE = 1e-5f;

  static TwoTowerWeights weights;
  static OrtSession itemTower;
  static OrtSession userTower;

  @BeforeAll
  static void buildModels() throws Exception {
    weights = randomWeights(new Random(42), E, H, D);
    itemTower = OnnxModels.load(TwoTowerOnnx.itemTower(weights,
        OnnxModelInfo.of("test-1.0").withModel("item_tower", "v-test").withModelVersion(7)));
    userTower = OnnxModels.load(TwoTowerOnnx.userTower(weights, "test-1.0"));
  }

  @AfterAll
  static void close() throws Exception {
    itemTower.close();
    userTower.close();
  }

  static TwoTowerWeights randomWeights(Random r, int e, int h, int d) {
    return new TwoTowerWeights(
        matrix(r, TwoTowerInputs.ID_BUCKETS, e, 0.5f),
        matrix(r, TwoTowerInputs.TOKEN_BUCKETS, e, 0.5f),
        matrix(r, TwoTowerInputs.CATEGORY_BUCKETS, e, 0.5f),
        matrix(r, TwoTowerInputs.PRICE_BUCKETS, e, 0.5f),
        matrix(r, TwoTowerInputs.REGION_BUCKETS, e, 0.5f),
        matrix(r, TwoTowerInputs.AGE_BUCKETS, e, 0.5f),
        matrix(r, 4 * e, h, 0.3f), vector(r, h, 0.1f), matrix(r, h, d, 0.3f), vector(r, d, 0.1f),
        matrix(r, 3 * e, h, 0.3f), vector(r, h, 0.1f), matrix(r, h, d, 0.3f), vector(r, d, 0.1f));
  }

  static float[][] matrix(Random r, int rows, int cols, float scale) {
    float[][] m = new float[rows][];
    for (int i = 0; i < rows; i++) {
      m[i] = vector(r, cols, scale);
    }
    return m;
  }

  static float[] vector(Random r, int n, float scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian() * scale;
    }
    return v;
  }

  /** Random ids over the whole table (0 included), masks: all zero, all one, prefixes, holes, fractions. */
  static TwoTowerInputs.ItemBatch randomItems(Random r, int n) {
    int t = TwoTowerInputs.MAX_TOKENS;
    long[] ids = new long[n];
    long[] tokens = new long[n * t];
    float[] mask = new float[n * t];
    long[] cat = new long[n];
    long[] price = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = i == 0 ? 0 : i == 1 ? TwoTowerInputs.ID_BUCKETS - 1 : r.nextInt(TwoTowerInputs.ID_BUCKETS);
      cat[i] = r.nextInt(TwoTowerInputs.CATEGORY_BUCKETS);
      price[i] = r.nextInt(TwoTowerInputs.PRICE_BUCKETS);
      fillSequence(r, i, t, TwoTowerInputs.TOKEN_BUCKETS, tokens, mask);
    }
    return new TwoTowerInputs.ItemBatch(n, ids, tokens, mask, cat, price);
  }

  static TwoTowerInputs.UserBatch randomUsers(Random r, int n) {
    int l = TwoTowerInputs.MAX_RECENT;
    long[] recent = new long[n * l];
    float[] mask = new float[n * l];
    long[] region = new long[n];
    long[] age = new long[n];
    for (int i = 0; i < n; i++) {
      region[i] = r.nextInt(TwoTowerInputs.REGION_BUCKETS);
      age[i] = r.nextInt(TwoTowerInputs.AGE_BUCKETS);
      fillSequence(r, i, l, TwoTowerInputs.ID_BUCKETS, recent, mask);
    }
    return new TwoTowerInputs.UserBatch(n, recent, mask, region, age);
  }

  private static void fillSequence(Random r, int row, int len, int buckets, long[] ids, float[] mask) {
    int kind = row % 5;
    int valid = switch (kind) {
      case 0 -> 0; // cold: all-zero mask (ids may still be non-zero garbage: they must be ignored)
      case 1 -> len;
      default -> 1 + r.nextInt(len);
    };
    for (int k = 0; k < len; k++) {
      ids[row * len + k] = r.nextInt(buckets);
      if (k < valid) {
        mask[row * len + k] = kind == 4 ? (r.nextBoolean() ? 1f : 0f) : kind == 3 ? 0.25f + r.nextFloat() : 1f;
      }
    }
  }

  static void assertClose(float[][] actual, float[][] expected) {
    assertThat(actual).hasNumberOfRows(expected.length);
    for (int r = 0; r < expected.length; r++) {
      assertThat(actual[r]).hasSize(D);
      for (int j = 0; j < D; j++) {
        assertThat(actual[r][j]).as("row %d, dim %d", r, j).isCloseTo(expected[r][j], within(TOLERANCE));
      }
    }
  }

  @Test
  void itemTowerMatchesReference() throws Exception {
    Random r = new Random(7);
    for (int n : new int[] {1, 5, 64}) {
      TwoTowerInputs.ItemBatch b = randomItems(r, n);
      assertClose(OnnxModels.itemVectors(itemTower, b), TwoTowerReference.itemVectors(weights, b));
    }
  }

  @Test
  void userTowerMatchesReferenceIncludingColdUsers() throws Exception {
    Random r = new Random(8);
    for (int n : new int[] {1, 5, 64}) {
      TwoTowerInputs.UserBatch b = randomUsers(r, n);
      float[][] onnx = OnnxModels.userVectors(userTower, b);
      assertClose(onnx, TwoTowerReference.userVectors(weights, b));
      for (float[] v : onnx) {
        double norm = 0;
        for (float x : v) {
          norm += x * x;
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-5));
      }
    }
  }

  @Test
  void towersMatchReferenceOnRealInputs() throws Exception {
    List<TwoTowerInputs.ItemInput> items = List.of(
        new TwoTowerInputs.ItemInput("85123A", "WHITE HANGING HEART T-LIGHT HOLDER", "home", 2.55),
        new TwoTowerInputs.ItemInput("", "", null, null),
        new TwoTowerInputs.ItemInput("22423", null, "kitchen", 12.75));
    TwoTowerInputs.ItemBatch ib = TwoTowerInputs.itemBatch(items);
    assertClose(OnnxModels.itemVectors(itemTower, ib), TwoTowerReference.itemVectors(weights, ib));

    List<String> many = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      many.add("item-" + i);
    }
    List<TwoTowerInputs.UserInput> users = List.of(
        new TwoTowerInputs.UserInput(List.of(), null, null),
        new TwoTowerInputs.UserInput(List.of("85123A", "22423"), "United Kingdom", 34),
        new TwoTowerInputs.UserInput(many, "France", 71));
    TwoTowerInputs.UserBatch ub = TwoTowerInputs.userBatch(users);
    assertClose(OnnxModels.userVectors(userTower, ub), TwoTowerReference.userVectors(weights, ub));
  }

  @Test
  void zeroOutputIsZeroNotNaN() throws Exception {
    Random r = new Random(3);
    TwoTowerWeights w = randomWeights(r, 4, 8, 4);
    TwoTowerWeights zero = new TwoTowerWeights(w.idEmb(), w.tokenEmb(), w.categoryEmb(), w.priceEmb(),
        w.regionEmb(), w.ageEmb(), w.itemW1(), w.itemB1(), new float[8][4], new float[4], w.userW1(), w.userB1(),
        new float[8][4], new float[4]);
    try (OrtSession s = OnnxModels.load(TwoTowerOnnx.itemTower(zero, "t"))) {
      float[][] v = OnnxModels.itemVectors(s, randomItems(r, 3));
      for (float[] row : v) {
        assertThat(row).containsOnly(0f);
      }
    }
  }

  @Test
  void itemTowerContract() throws Exception {
    OnnxModels.Description d = OnnxModels.describe(itemTower);
    assertThat(d.inputs()).extracting(OnnxModels.TensorSpec::toString).containsExactly(
        "item_id: int64[N]", "title_tokens: int64[N,8]", "title_mask: float[N,8]", "category: int64[N]",
        "price_bucket: int64[N]");
    assertThat(d.outputs()).extracting(OnnxModels.TensorSpec::toString).containsExactly("item_vector: float[N,16]");
    assertThat(d.input(TwoTowerInputs.IN_TITLE_TOKENS).shape()).containsExactly(-1L, TwoTowerInputs.MAX_TOKENS);
    assertThat(d.producerName()).isEqualTo("streamrec-trainer");
    assertThat(d.domain()).isEqualTo("io.streamrec");
    assertThat(d.modelVersion()).isEqualTo(7);
    assertThat(d.graphName()).isEqualTo("item_tower");
    assertThat(d.docString()).startsWith("streamrec item tower:");
    assertThat(d.metadata()).containsEntry("model_name", "item_tower").containsEntry("model_version", "v-test");
  }

  @Test
  void userTowerContract() throws Exception {
    OnnxModels.Description d = OnnxModels.describe(userTower);
    assertThat(d.inputs()).extracting(OnnxModels.TensorSpec::toString).containsExactly(
        "recent_items: int64[N,20]", "recent_mask: float[N,20]", "region: int64[N]", "age_bucket: int64[N]");
    assertThat(d.outputs()).extracting(OnnxModels.TensorSpec::toString).containsExactly("user_vector: float[N,16]");
    assertThat(d.metadata()).containsEntry("model_name", "user_tower").containsEntry("model_version", "test-1.0");
  }

  @Test
  void rejectsWeightsWithWrongTableSizes() {
    TwoTowerWeights w = randomWeights(new Random(1), 4, 8, 4);
    TwoTowerWeights bad = new TwoTowerWeights(w.idEmb(), w.tokenEmb(), new float[10][4], w.priceEmb(),
        w.regionEmb(), w.ageEmb(), w.itemW1(), w.itemB1(), w.itemW2(), w.itemB2(), w.userW1(), w.userB1(),
        w.userW2(), w.userB2());
    assertThatThrownBy(() -> TwoTowerOnnx.itemTower(bad, "t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("categoryEmb must have 64 rows, has 10");
  }
}
