package io.streamrec.trainer.twotower;

/** Shared test settings and helpers. */
final class TwoTowerTestSupport {
  private TwoTowerTestSupport() {}

  /**
   * The configuration the learning tests use on {@link SyntheticTwoTowerData#standard}: small batches (2,000
   * examples), 20 epochs, Adam 0.005, temperature 0.07, id dropout 0.3.
   */
  static TwoTowerConfig testConfig(long seed) {
    return TwoTowerConfig.defaults().withBatchSize(64).withEpochs(20).withLearningRate(0.005f)
        .withTemperature(0.07f).withIdDropout(0.3f).withSeed(seed).withMaxSeconds(120);
  }

  static double maxAbsDiff(float[][] a, float[][] b) {
    if (a.length != b.length) {
      throw new AssertionError("row counts differ: " + a.length + " vs " + b.length);
    }
    double max = 0;
    for (int r = 0; r < a.length; r++) {
      if (a[r].length != b[r].length) {
        throw new AssertionError("row " + r + " widths differ");
      }
      for (int c = 0; c < a[r].length; c++) {
        max = Math.max(max, Math.abs(a[r][c] - b[r][c]));
      }
    }
    return max;
  }
}
