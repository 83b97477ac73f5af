package io.streamrec.trainer.twotower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.streamrec.core.model.TwoTowerInputs;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The loss equals the formula computed by hand, including the logQ correction and duplicate masking. */
class InBatchSoftmaxLossTest {

  @Test
  void matchesTheFormulaWithLogQAndDuplicateMasking() {
    // four examples, rows 0 and 2 share a positive: q(a) = 2/4, q(b) = q(c) = 1/4
    List<TwoTowerExample> examples = List.of(example("a"), example("b"), example("a"), example("c"));
    EncodedExamples data = new EncodedExamples(examples);
    int[] rows = {0, 1, 2, 3};
    float temperature = 0.1f;
    Random random = new Random(3);
    float[][] user = unitRows(4, 3, random);
    float[][] item = unitRows(4, 3, random);

    float loss;
    DjlPyTorch.engine();
    try (NDManager m = NDManager.newBaseManager(DjlPyTorch.ENGINE)) {
      NDList labels = new NDList(data.lossBias(m, rows));
      NDList predictions = new NDList(m.create(flat(user), new Shape(4, 3)), m.create(flat(item), new Shape(4, 3)));
      loss = new InBatchSoftmaxLoss(temperature).evaluate(labels, predictions).getFloat();
    }

    double[] logQ = {Math.log(0.5), Math.log(0.25), Math.log(0.5), Math.log(0.25)};
    String[] ids = {"a", "b", "a", "c"};
    double expected = 0;
    for (int i = 0; i < 4; i++) {
      double max = Double.NEGATIVE_INFINITY;
      double[] logits = new double[4];
      for (int j = 0; j < 4; j++) {
        logits[j] = j != i && ids[j].equals(ids[i])
            ? Double.NEGATIVE_INFINITY
            : TwoTowerTrainer.dot(user[i], item[j]) / temperature - logQ[j];
        max = Math.max(max, logits[j]);
      }
      double sum = 0;
      for (double l : logits) {
        sum += Math.exp(l - max);
      }
      expected += -(logits[i] - max - Math.log(sum));
    }
    expected /= 4;
    assertThat((double) loss).isCloseTo(expected, within(1e-5));
  }

  private static TwoTowerExample example(String itemId) {
    return new TwoTowerExample(new TwoTowerInputs.UserInput(List.of(), "GB", 30),
        new TwoTowerInputs.ItemInput(itemId, "title", "cat", 1.0));
  }

  private static float[][] unitRows(int n, int d, Random random) {
    float[][] out = new float[n][d];
    for (int r = 0; r < n; r++) {
      double s = 0;
      for (int c = 0; c < d; c++) {
        out[r][c] = (float) random.nextGaussian();
        s += out[r][c] * out[r][c];
      }
      for (int c = 0; c < d; c++) {
        out[r][c] /= (float) Math.sqrt(s);
      }
    }
    return out;
  }

  private static float[] flat(float[][] m) {
    float[] out = new float[m.length * m[0].length];
    for (int r = 0; r < m.length; r++) {
      System.arraycopy(m[r], 0, out, r * m[0].length, m[0].length);
    }
    return out;
  }
}
