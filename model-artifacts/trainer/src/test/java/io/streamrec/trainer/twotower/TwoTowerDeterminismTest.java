package io.streamrec.trainer.twotower;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.model.TwoTowerWeights;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Same data and seed give bitwise-identical weights: init, shuffling and id dropout come from seeded Java
 * {@link java.util.Random}s, and PyTorch's CPU kernels used here (embedding, matmul, log-softmax and their
 * backward passes, Adam) are deterministic for a fixed thread count.
 */
class TwoTowerDeterminismTest {

  @Test
  void sameSeedSameWeightsOtherSeedOtherWeights() {
    SyntheticTwoTowerData data = SyntheticTwoTowerData.standard(3);
    TwoTowerConfig config = TwoTowerTestSupport.testConfig(5).withEpochs(2).withBatchSize(128);
    TwoTowerTrainer trainer = new TwoTowerTrainer();

    TwoTowerTrainer.Result a = trainer.train(data.train, data.validation, config);
    TwoTowerTrainer.Result b = trainer.train(data.train, data.validation, config);
    TwoTowerTrainer.Result c = trainer.train(data.train, data.validation, config.withSeed(6));

    assertThat(a.epochLosses()).isEqualTo(b.epochLosses());
    assertThat(a.recallAt10()).isEqualTo(b.recallAt10());
    assertThat(differingParameters(a.weights(), b.weights())).isEmpty();
    assertThat(differingParameters(a.weights(), c.weights())).isNotEmpty();
  }

  @Test
  void timeBudgetStopsTraining() {
    SyntheticTwoTowerData data = SyntheticTwoTowerData.standard(3);
    TwoTowerConfig config = TwoTowerTestSupport.testConfig(5).withEpochs(1_000).withMaxSeconds(0.5);

    TwoTowerTrainer.Result r = new TwoTowerTrainer().train(data.train, data.validation, config);

    assertThat(r.stoppedByTimeBudget()).isTrue();
    assertThat(r.epochsCompleted()).isLessThan(1_000);
    assertThat(r.steps()).isPositive();
    assertThat(r.epochLosses()).isNotEmpty().hasSizeLessThanOrEqualTo(r.epochsCompleted() + 1);
    assertThat(r.recallAt10()).isBetween(0.0, 1.0);
  }

  private static java.util.List<String> differingParameters(TwoTowerWeights x, TwoTowerWeights y) {
    Map<String, float[]> fx = TwoTowerBlock.flatten(x);
    Map<String, float[]> fy = TwoTowerBlock.flatten(y);
    return fx.keySet().stream().filter(k -> !Arrays.equals(fx.get(k), fy.get(k))).toList();
  }
}
