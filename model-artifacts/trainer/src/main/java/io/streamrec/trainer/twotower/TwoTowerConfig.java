package io.streamrec.trainer.twotower;

/**
 * Hyper-parameters of the two-tower trainer.
 *
 * @param embeddingDim width of every embedding table (id, token, category, price, region, age)
 * @param hiddenDim width of the hidden ReLU layer of each tower
 * @param outputDim width of the L2-normalised item and user vectors
 * @param batchSize examples per step; the in-batch softmax uses the other positives of the batch as negatives
 * @param epochs passes over the training examples (fewer if {@code maxSeconds} runs out)
 * @param learningRate Adam step size
 * @param temperature softmax temperature on the cosine similarity (0.05 … 0.1 is usual)
 * @param idDropout probability of replacing a training positive's item-id bucket by the reserved bucket 0, so the
 *     item tower learns to embed an item from its content alone (cold start)
 * @param seed seeds parameter initialisation, shuffling and id dropout (all done in Java) and the engine's RNG
 * @param maxSeconds wall-clock budget for the training loop (validation excluded): no step starts after it has
 *     run out (so the overshoot is at most one step). {@code <= 0} means no budget
 */
public record TwoTowerConfig(
    int embeddingDim,
    int hiddenDim,
    int outputDim,
    int batchSize,
    int epochs,
    float learningRate,
    float temperature,
    float idDropout,
    long seed,
    double maxSeconds) {

  public TwoTowerConfig {
    require(embeddingDim > 0, "embeddingDim must be > 0");
    require(hiddenDim > 0, "hiddenDim must be > 0");
    require(outputDim > 0, "outputDim must be > 0");
    require(batchSize >= 2, "batchSize must be >= 2 (in-batch negatives)");
    require(epochs >= 0, "epochs must be >= 0");
    require(learningRate > 0, "learningRate must be > 0");
    require(temperature > 0, "temperature must be > 0");
    require(idDropout >= 0 && idDropout <= 1, "idDropout must be in [0, 1]");
  }

  /** embedding 32, hidden 64, output 32, batch 512, 10 epochs, Adam 0.003, temperature 0.07, id dropout 0.3. */
  public static TwoTowerConfig defaults() {
    return new TwoTowerConfig(32, 64, 32, 512, 10, 0.003f, 0.07f, 0.3f, 42L, 600);
  }

  public TwoTowerConfig withEpochs(int value) {
    return new TwoTowerConfig(embeddingDim, hiddenDim, outputDim, batchSize, value, learningRate, temperature,
        idDropout, seed, maxSeconds);
  }

  public TwoTowerConfig withBatchSize(int value) {
    return new TwoTowerConfig(embeddingDim, hiddenDim, outputDim, value, epochs, learningRate, temperature,
        idDropout, seed, maxSeconds);
  }

  public TwoTowerConfig withLearningRate(float value) {
    return new TwoTowerConfig(embeddingDim, hiddenDim, outputDim, batchSize, epochs, value, temperature,
        idDropout, seed, maxSeconds);
  }

  public TwoTowerConfig withTemperature(float value) {
    return new TwoTowerConfig(embeddingDim, hiddenDim, outputDim, batchSize, epochs, learningRate, value,
        idDropout, seed, maxSeconds);
  }

  public TwoTowerConfig withIdDropout(float value) {
    return new TwoTowerConfig(embeddingDim, hiddenDim, outputDim, batchSize, epochs, learningRate, temperature,
        value, seed, maxSeconds);
  }

  public TwoTowerConfig withSeed(long value) {
    return new TwoTowerConfig(embeddingDim, hiddenDim, outputDim, batchSize, epochs, learningRate, temperature,
        idDropout, value, maxSeconds);
  }

  public TwoTowerConfig withMaxSeconds(double value) {
    return new TwoTowerConfig(embeddingDim, hiddenDim, outputDim, batchSize, epochs, learningRate, temperature,
        idDropout, seed, value);
  }

  public TwoTowerConfig withDims(int embedding, int hidden, int output) {
    return new TwoTowerConfig(embedding, hidden, output, batchSize, epochs, learningRate, temperature, idDropout,
        seed, maxSeconds);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
