package io.streamrec.trainer.twotower;

import static io.streamrec.trainer.twotower.TwoTowerTestSupport.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.core.model.TwoTowerInputs.ItemInput;
import io.streamrec.core.model.TwoTowerInputs.UserInput;
import io.streamrec.core.model.TwoTowerWeights;
import io.streamrec.trainer.TwoTowerReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The trained DJL model and the plain-Java reference agree (to 1e-5) on the exported weights. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoTowerParityTest {
  private static final double TOLERANCE = 1e-5;

  private SyntheticTwoTowerData data;
  private TwoTowerTrainer.Trained trained;
  private TwoTowerWeights weights;

  @BeforeAll
  void train() {
    data = SyntheticTwoTowerData.standard(7);
    trained = new TwoTowerTrainer().fit(data.train, data.validation,
        TwoTowerTestSupport.testConfig(7).withEpochs(2).withBatchSize(128));
    weights = trained.result().weights();
  }

  @AfterAll
  void close() {
    trained.close();
  }

  private List<ItemInput> items() {
    List<ItemInput> items = new ArrayList<>(data.items.subList(0, 30));
    items.add(new ItemInput(null, "w1x2 w1x3 gift", "category-1", 12.5)); // id bucket 0 (reserved)
    items.add(new ItemInput("never-seen-item", "w2x0 unknownword", "category-2", 3.0)); // untrained id bucket
    items.add(new ItemInput("no-title", null, null, null)); // all-zero title mask, unknown category and price
    items.add(new ItemInput("long-title", "a b c d e f g h i j k l", "category-3", 2_000_000.0)); // > MAX_TOKENS
    return items;
  }

  private List<UserInput> users() {
    List<UserInput> users = new ArrayList<>(data.users.subList(0, 30));
    users.add(new UserInput(List.of(), "GB", 30)); // all-zero recent mask
    users.add(new UserInput(List.of(), null, null)); // nothing known at all
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      many.add("item-" + i);
    }
    users.add(new UserInput(many, "DE", 70)); // longer than MAX_RECENT
    users.add(new UserInput(List.of("never-seen-item", "item-3"), "XX", 15)); // unseen item, region
    return users;
  }

  @Test
  void itemTowerMatchesReference() {
    TwoTowerInputs.ItemBatch batch = TwoTowerInputs.itemBatch(items());
    assertThat(batch.itemId()[30]).isZero();
    float[] noTitleMask = Arrays.copyOfRange(batch.titleMask(), 32 * TwoTowerInputs.MAX_TOKENS,
        33 * TwoTowerInputs.MAX_TOKENS);
    assertThat(noTitleMask).containsOnly(0f);

    float[][] djl = trained.model().itemVectors(batch);
    float[][] reference = TwoTowerReference.itemVectors(weights, batch);

    assertThat(maxAbsDiff(djl, reference)).isLessThanOrEqualTo(TOLERANCE);
    for (float[] v : djl) {
      assertThat(v).hasSize(weights.outputDim());
      assertThat(norm(v)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }
  }

  @Test
  void userTowerMatchesReference() {
    TwoTowerInputs.UserBatch batch = TwoTowerInputs.userBatch(users());
    float[] emptyMask = Arrays.copyOfRange(batch.recentMask(), 30 * TwoTowerInputs.MAX_RECENT,
        31 * TwoTowerInputs.MAX_RECENT);
    assertThat(emptyMask).containsOnly(0f);

    float[][] djl = trained.model().userVectors(batch);
    float[][] reference = TwoTowerReference.userVectors(weights, batch);

    assertThat(maxAbsDiff(djl, reference)).isLessThanOrEqualTo(TOLERANCE);
    for (float[] v : djl) {
      assertThat(norm(v)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }
  }

  @Test
  void blockForwardRunsBothTowers() {
    List<ItemInput> items = items().subList(0, 34);
    List<UserInput> users = users().subList(0, 34);
    TwoTowerInputs.ItemBatch itemBatch = TwoTowerInputs.itemBatch(items);
    TwoTowerInputs.UserBatch userBatch = TwoTowerInputs.userBatch(users);

    float[][][] both = trained.model().forward(itemBatch, userBatch);

    assertThat(maxAbsDiff(both[0], TwoTowerReference.userVectors(weights, userBatch))).isLessThanOrEqualTo(TOLERANCE);
    assertThat(maxAbsDiff(both[1], TwoTowerReference.itemVectors(weights, itemBatch))).isLessThanOrEqualTo(TOLERANCE);
  }

  @Test
  void exportedWeightsHaveTheContractShapesAndRoundTrip() {
    TwoTowerConfig config = TwoTowerConfig.defaults();
    assertThat(weights.idEmb()).hasNumberOfRows(TwoTowerInputs.ID_BUCKETS);
    assertThat(weights.tokenEmb()).hasNumberOfRows(TwoTowerInputs.TOKEN_BUCKETS);
    assertThat(weights.categoryEmb()).hasNumberOfRows(TwoTowerInputs.CATEGORY_BUCKETS);
    assertThat(weights.priceEmb()).hasNumberOfRows(TwoTowerInputs.PRICE_BUCKETS);
    assertThat(weights.regionEmb()).hasNumberOfRows(TwoTowerInputs.REGION_BUCKETS);
    assertThat(weights.ageEmb()).hasNumberOfRows(TwoTowerInputs.AGE_BUCKETS);
    assertThat(weights.embeddingDim()).isEqualTo(config.embeddingDim());
    assertThat(weights.itemW1()).hasNumberOfRows(4 * config.embeddingDim());
    assertThat(weights.itemW1()[0]).hasSize(config.hiddenDim());
    assertThat(weights.itemW2()).hasNumberOfRows(config.hiddenDim());
    assertThat(weights.userW1()).hasNumberOfRows(3 * config.embeddingDim());
    assertThat(weights.userW2()[0]).hasSize(config.outputDim());
    assertThat(weights.outputDim()).isEqualTo(config.outputDim());

    // weights -> a fresh DJL model -> weights is lossless, and it computes what the trained model computes
    try (TwoTowerDjlForward loaded = TwoTowerDjlForward.load(weights)) {
      TwoTowerWeights again = loaded.weights();
      Map<String, float[]> original = TwoTowerBlock.flatten(weights);
      assertThat(TwoTowerBlock.flatten(again)).allSatisfy((name, values) ->
          assertThat(Arrays.equals(values, original.get(name))).as(name).isTrue());
      TwoTowerInputs.ItemBatch itemBatch = TwoTowerInputs.itemBatch(items());
      TwoTowerInputs.UserBatch userBatch = TwoTowerInputs.userBatch(users());
      assertThat(maxAbsDiff(loaded.itemVectors(itemBatch), trained.model().itemVectors(itemBatch))).isZero();
      assertThat(maxAbsDiff(loaded.userVectors(userBatch), trained.model().userVectors(userBatch))).isZero();
    }
  }

  @Test
  void untrainedIdBucketsShareTheUnknownItemRow() {
    int unseen = TwoTowerInputs.itemBucket("never-seen-item");
    assertThat(unseen).isNotZero();
    assertThat(Arrays.equals(weights.idEmb()[unseen], weights.idEmb()[0])).isTrue();
    int seen = TwoTowerInputs.itemBucket(data.train.get(0).positive().itemId());
    assertThat(Arrays.equals(weights.idEmb()[seen], weights.idEmb()[0])).isFalse();
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }
}
