package io.streamrec.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.model.RankerFeatures;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RankerTest {
  private static final int F = RankerFeatures.SIZE;
  private static Ranker ranker;

  @BeforeAll
  static void open() {
    ranker = Ranker.open(TestModels.committed(), "v1");
  }

  @AfterAll
  static void close() {
    ranker.close();
  }

  /** Plausible feature rows: counts, rates, prices, ages, with some values missing (NaN). */
  static float[] rows(long seed, int rows) {
    Random r = new Random(seed);
    float[] x = new float[rows * F];
    for (int i = 0; i < x.length; i++) {
      int f = i % F;
      x[i] = r.nextInt(12) == 0 && f > 0 ? Float.NaN
          : switch (RankerFeatures.NAMES.get(f)) {
            case "retrieval_score", "item_ctr", "item_conversion", "cross_category_affinity" -> r.nextFloat();
            case "item_in_stock", "cross_in_recent_items" -> r.nextInt(2);
            case "item_price", "user_price_preference" -> r.nextFloat() * 30;
            default -> r.nextInt(50);
          };
    }
    return x;
  }

  @Test
  void theFeatureListIsRankerFeatures() {
    assertThat(ranker.version()).isEqualTo("v1");
    assertThat(ranker.features()).isEqualTo(RankerFeatures.NAMES);
    assertThat(ranker.width()).isEqualTo(25);
  }

  @Test
  void aBatchScoresEqualToRowByRow() {
    int rows = 300;
    float[] x = rows(21, rows);
    float[] batch = ranker.score(x, rows);
    assertThat(batch).hasSize(rows);
    for (int r = 0; r < rows; r++) {
      float[] one = ranker.score(Arrays.copyOfRange(x, r * F, (r + 1) * F), 1);
      assertThat(batch[r]).as("row %d", r).isCloseTo(one[0], within(1e-5f));
      assertThat(Float.isFinite(batch[r])).isTrue();
    }
  }

  @Test
  void scoresDependOnTheFeatures() {
    float[] x = rows(22, 100);
    float[] s = ranker.score(x, 100);
    assertThat(s).as("not one constant").matches(a -> {
      for (float v : a) {
        if (v != a[0]) {
          return true;
        }
      }
      return false;
    });
  }

  @Test
  void zeroRowsGiveNoScores() {
    assertThat(ranker.score(new float[0], 0)).isEmpty();
  }

  @Test
  void aMatrixOfTheWrongSizeIsRefused() {
    assertThatThrownBy(() -> ranker.score(new float[F * 2 - 1], 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("49 values are not 2 rows of 25 features");
  }

  @Test
  void openCurrentOpensTheVersionCurrentPointsAt() {
    ModelRegistry registry = TestModels.committed();
    try (Ranker current = Ranker.openCurrent(registry)) {
      assertThat(current.version()).isEqualTo(registry.currentVersion(ModelRegistry.RANKER));
    }
  }
}
