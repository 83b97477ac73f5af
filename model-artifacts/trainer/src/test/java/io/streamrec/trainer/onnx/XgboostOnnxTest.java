package io.streamrec.trainer.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.onnx.OnnxModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XgboostOnnxTest {
  static final int F = 20;
  static final int TRAIN_ROWS = 2_000;
  static final int TEST_ROWS = 500;
  static final double TOLERANCE = 1e-5;
  static final ObjectMapper JSON = new ObjectMapper();

  static float[] trainX;
  static float[] trainScore;
  static float[] testX;
  /** A small binary:logistic model shared by the error tests. */
  static String smallModelJson;

  @BeforeAll
  static void data() throws Exception {
    Random r = new Random(2024);
    trainX = XgbFixtures.features(r, TRAIN_ROWS, F, 0.2);
    trainScore = XgbFixtures.score(r, trainX, TRAIN_ROWS, F);
    testX = XgbFixtures.features(r, TEST_ROWS, F, 0.3);
    // all-missing rows, and a row of exact integer values that sit on thresholds of features 0-2
    for (int row : new int[] {0, 1, 250}) {
      Arrays.fill(testX, row * F, (row + 1) * F, Float.NaN);
    }
    for (int j = 0; j < F; j++) {
      testX[2 * F + j] = j < 3 ? 2f : 0f;
    }
    DMatrix d = XgbFixtures.matrix(trainX, TRAIN_ROWS, F);
    d.setLabel(XgbFixtures.binaryLabels(trainScore, 0.5));
    smallModelJson = XgbFixtures.json(XgbFixtures.train(d, "binary:logistic", 3, 3, Map.of()));
  }

  /** Trains, converts, and checks ORT's output against xgboost's margin on the held-out rows. */
  static XgboostOnnx.XgboostModel assertParity(String objective, float[] labels, int[] groups, int rounds,
      int depth, Map<String, Object> extra, Path saveTo) throws Exception {
    DMatrix train = XgbFixtures.matrix(trainX, TRAIN_ROWS, F);
    train.setLabel(labels);
    if (groups != null) {
      train.setGroup(groups);
    }
    Booster booster = XgbFixtures.train(train, objective, rounds, depth, extra);
    String json;
    if (saveTo != null) {
      booster.saveModel(saveTo.toString());
      json = Files.readString(saveTo);
    } else {
      json = XgbFixtures.json(booster);
    }
    float[][] expected = booster.predict(XgbFixtures.matrix(testX, TEST_ROWS, F), true);

    XgboostOnnx.XgboostModel parsed = XgboostOnnx.parse(json);
    assertThat(parsed.trees()).hasSize(rounds);
    byte[] onnx = XgboostOnnx.convert(json, F, "features", "margin");
    try (OrtSession s = OnnxModels.load(onnx)) {
      float[] actual = OnnxModels.scoreRows(s, testX, TEST_ROWS, F);
      double maxDiff = 0;
      double min = Double.MAX_VALUE;
      double max = -Double.MAX_VALUE;
      for (int i = 0; i < TEST_ROWS; i++) {
        assertThat((double) actual[i]).as("%s row %d", objective, i)
            .isCloseTo(expected[i][0], within(TOLERANCE));
        maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i][0]));
        min = Math.min(min, expected[i][0]);
        max = Math.max(max, expected[i][0]);
      }
      assertThat(max - min).as("the model must have learned something for the parity to mean anything")
          .isGreaterThan(0.5);
      System.out.printf("%s: %d trees, base_score %s -> margin %s, max |onnx - xgboost| = %.2e%n", objective,
          rounds, parsed.baseScoreRaw(), parsed.baseMargin(), maxDiff);
    }
    booster.dispose();
    return parsed;
  }

  @Test
  void binaryLogisticMarginMatches(@TempDir Path dir) throws Exception {
    // threshold 1.2 leaves ~30 % positives, so XGBoost estimates a base_score far from 0.5
    XgboostOnnx.XgboostModel m = assertParity("binary:logistic", XgbFixtures.binaryLabels(trainScore, 1.2), null,
        80, 6, Map.of(), dir.resolve("model.json"));
    assertThat(m.link()).isEqualTo(XgboostOnnx.BaseScoreLink.LOGIT);
    assertThat(m.baseScore()).isBetween(0.05, 0.6);
    assertThat((double) m.baseMargin()).isCloseTo(Math.log(m.baseScore() / (1 - m.baseScore())), within(1e-6));
    assertThat(m.version()).startsWith(3);
  }

  @Test
  void squaredErrorMatches() throws Exception {
    XgboostOnnx.XgboostModel m = assertParity("reg:squarederror", trainScore, null, 60, 5, Map.of(), null);
    assertThat(m.link()).isEqualTo(XgboostOnnx.BaseScoreLink.IDENTITY);
    assertThat((double) m.baseMargin()).isCloseTo(m.baseScore(), within(1e-7));
  }

  @Test
  void pairwiseRankingMatches() throws Exception {
    float[] relevance = new float[TRAIN_ROWS];
    for (int i = 0; i < TRAIN_ROWS; i++) {
      relevance[i] = Math.max(0, Math.min(3, Math.round(trainScore[i])));
    }
    int[] groups = new int[TRAIN_ROWS / 50];
    Arrays.fill(groups, 50);
    assertParity("rank:pairwise", relevance, groups, 50, 4, Map.of(), null);
  }

  @Test
  void poissonAndDartMatch() throws Exception {
    float[] counts = new float[TRAIN_ROWS];
    for (int i = 0; i < TRAIN_ROWS; i++) {
      counts[i] = (float) Math.floor(Math.exp(Math.min(trainScore[i], 3) / 2));
    }
    XgboostOnnx.XgboostModel poisson = assertParity("count:poisson", counts, null, 30, 4, Map.of(), null);
    assertThat(poisson.link()).isEqualTo(XgboostOnnx.BaseScoreLink.LOG);
    XgboostOnnx.XgboostModel dart = assertParity("binary:logistic", XgbFixtures.binaryLabels(trainScore, 0.5),
        null, 30, 4, Map.of("booster", "dart", "rate_drop", 0.3, "skip_drop", 0.0), null);
    assertThat(dart.booster()).isEqualTo("dart");
  }

  @Test
  void contractAndMetadata() throws Exception {
    byte[] onnx = XgboostOnnx.convert(smallModelJson, F, "ranker_features", "ranker_margin",
        OnnxModelInfo.of("1.2.3").withModel("ranker", "r-42"));
    try (OrtSession s = OnnxModels.load(onnx)) {
      OnnxModels.Description d = OnnxModels.describe(s);
      assertThat(d.inputs()).extracting(OnnxModels.TensorSpec::toString).containsExactly("ranker_features: float[N,20]");
      assertThat(d.outputs()).extracting(OnnxModels.TensorSpec::toString).containsExactly("ranker_margin: float[N,1]");
      assertThat(d.metadata()).containsEntry("model_name", "ranker").containsEntry("model_version", "r-42")
          .containsEntry("xgboost_objective", "binary:logistic").containsEntry("num_trees", "3")
          .containsKey("xgboost_base_score");
      assertThat(d.docString()).contains("raw margin").contains("sigmoid");
    }
  }

  @Test
  void baseScoreForms() {
    assertThat(XgboostOnnx.parseBaseScore("5E-1")).isEqualTo(0.5);
    assertThat(XgboostOnnx.parseBaseScore("[5.42E-1]")).isEqualTo(0.542);
    assertThat(XgboostOnnx.parseBaseScore(" 0.25 ")).isEqualTo(0.25);
    assertThatThrownBy(() -> XgboostOnnx.parseBaseScore("[1E-1,2E-1]")).hasMessageContaining("exactly one value");
    assertThatThrownBy(() -> XgboostOnnx.parseBaseScore("NaN")).hasMessageContaining("not a finite number");
  }

  // ------------------------------------------------------------------------------------------- malformed input

  static ObjectNode small() throws Exception {
    return (ObjectNode) JSON.readTree(smallModelJson);
  }

  static ObjectNode tree0(ObjectNode root) {
    return (ObjectNode) root.at("/learner/gradient_booster/model/trees/0");
  }

  static void assertRejected(ObjectNode json, String message) {
    assertThatThrownBy(() -> XgboostOnnx.convert(json.toString(), F, "x", "y"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  @Test
  void rejectsNonJsonAndNonModels() {
    assertThatThrownBy(() -> XgboostOnnx.convert("{not json", F, "x", "y"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid JSON");
    assertThatThrownBy(() -> XgboostOnnx.convert("[1,2]", F, "x", "y")).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> XgboostOnnx.convert("{\"foo\":1}", F, "x", "y")).hasMessageContaining("missing learner");
  }

  @Test
  void rejectsUnsupportedObjectivesAndBoosters() throws Exception {
    ObjectNode j = small();
    ((ObjectNode) j.at("/learner/objective")).put("name", "multi:softprob");
    assertRejected(j, "unsupported XGBoost objective 'multi:softprob'");

    j = small();
    ((ObjectNode) j.at("/learner/learner_model_param")).put("num_class", "3");
    assertRejected(j, "num_class=3");

    j = small();
    ((ObjectNode) j.at("/learner/gradient_booster")).put("name", "gblinear");
    assertRejected(j, "unsupported XGBoost booster 'gblinear'");

    j = small();
    ((ObjectNode) j.at("/learner/learner_model_param")).put("base_score", "1E0");
    assertRejected(j, "must lie strictly between 0 and 1");

    j = small();
    ((ObjectNode) j.at("/learner/learner_model_param")).remove("base_score");
    assertRejected(j, "base_score is missing");
  }

  @Test
  void rejectsBrokenTrees() throws Exception {
    ObjectNode j = small();
    int n = tree0(j).get("left_children").size();
    ((ArrayNode) tree0(j).get("split_conditions")).remove(0);
    assertRejected(j, "trees[0].split_conditions has " + (n - 1) + " entries, left_children has " + n);

    j = small();
    ((ArrayNode) tree0(j).get("left_children")).set(0, 99);
    assertRejected(j, "trees[0].left_children[0] = 99 is not a node of this tree");

    j = small();
    ((ArrayNode) tree0(j).get("right_children")).set(0, -1);
    assertRejected(j, "node 0 has only one child");

    j = small();
    ArrayNode splitType = (ArrayNode) tree0(j).get("split_type");
    splitType.set(0, 1);
    assertRejected(j, "categorical split");

    j = small();
    tree0(j).remove("default_left");
    assertRejected(j, "learner.gradient_booster.model.trees[0].default_left is missing");

    j = small();
    ((ObjectNode) j.at("/learner/gradient_booster/model")).putArray("trees");
    assertRejected(j, "the model has no trees");
  }

  @Test
  void rejectsFeatureCountMismatch() {
    assertThatThrownBy(() -> XgboostOnnx.convert(smallModelJson, F + 1, "x", "y"))
        .hasMessageContaining("num_feature=20").hasMessageContaining("numFeatures=21");
  }
}
