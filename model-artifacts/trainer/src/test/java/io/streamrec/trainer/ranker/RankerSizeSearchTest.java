package io.streamrec.trainer.ranker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.core.model.RankerFeatures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Choosing a ranking stage's trees and depth on the validation rows. */
class RankerSizeSearchTest {

  @Test
  void theBestRoundIsTheFirstWithTheHighestAucAndRoundsNeverRunDoNotCount() {
    RankerTrainer.Trial t = RankerTrainer.best(4, new float[] {0.60f, 0.64f, 0.66f, 0.66f, 0.65f, 0f, 0f});
    assertThat(t.depth()).isEqualTo(4);
    assertThat(t.trees()).isEqualTo(3);
    assertThat(t.validationAuc()).isCloseTo(0.66, within(1e-6));
  }

  @Test
  void theCheapestSizeWithinTheToleranceOfTheBestWins() {
    List<RankerTrainer.Trial> trials = List.of(new RankerTrainer.Trial(3, 200, 0.650),
        new RankerTrainer.Trial(4, 60, 0.6505), new RankerTrainer.Trial(6, 300, 0.652));
    // 4 × 60 = 240 tree levels per row against 600 and 1,800: within 0.002 of the best, so it wins
    assertThat(RankerTrainer.choose(trials, 0.002)).isEqualTo(trials.get(1));
    // no tolerance: the best AUC
    assertThat(RankerTrainer.choose(trials, 0)).isEqualTo(trials.get(2));
  }

  @Test
  void aSimpleSignalGetsASmallModelAndTheTrainedModelIsTheChosenSize() throws Exception {
    // the label depends on one feature through a threshold, plus label noise: shallow trees find it in a few
    // rounds, and more or deeper trees only fit the noise
    RankerData train = data(4_000, 1);
    RankerData validation = data(2_000, 2);
    RankerTrainer.Config base = new RankerTrainer.Config(1, 1, 0.3, 0.8, 0.8, 1, 7, 2);
    RankerTrainer.SizeSearch search = new RankerTrainer.SizeSearch(List.of(2, 6), 120, 15, 0.002);

    RankerTrainer.Result r = RankerTrainer.trainSized(train, validation, base, search);

    assertThat(r.trials()).extracting(RankerTrainer.Trial::depth).containsExactly(2, 6);
    RankerTrainer.Trial chosen = RankerTrainer.choose(r.trials(), 0.002);
    assertThat(r.config().maxDepth()).isEqualTo(chosen.depth()).isEqualTo(2);
    assertThat(r.config().trees()).isEqualTo(chosen.trees()).isLessThan(120);
    assertThat(r.config().eta()).isEqualTo(base.eta()); // the rest of the config as given
    assertThat(r.validationAuc()).isCloseTo(chosen.validationAuc(), within(0.01)).isGreaterThan(0.75);
    assertThat(r.booster().getNumBoostedRound()).isEqualTo(chosen.trees());
  }

  @Test
  void aSearchNeedsValidationRows() {
    RankerData empty = new RankerData(new float[0], new float[0], List.of(), List.of());
    assertThatThrownBy(() -> RankerTrainer.trainSized(data(100, 3), empty,
        RankerTrainer.Config.firstStage(), RankerTrainer.SizeSearch.firstStage()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("validation rows");
    assertThatThrownBy(() -> new RankerTrainer.SizeSearch(List.of(), 10, 5, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static RankerData data(int rows, long seed) {
    Random random = new Random(seed);
    float[] x = new float[rows * RankerFeatures.SIZE];
    float[] y = new float[rows];
    List<String> ids = new ArrayList<>(Collections.nCopies(rows, "u"));
    for (int r = 0; r < rows; r++) {
      for (int f = 0; f < RankerFeatures.SIZE; f++) {
        x[r * RankerFeatures.SIZE + f] = random.nextFloat();
      }
      boolean signal = x[r * RankerFeatures.SIZE] > 0.6f;
      y[r] = (random.nextFloat() < 0.15f) != signal ? 1f : 0f;
    }
    return new RankerData(x, y, ids, ids);
  }
}
