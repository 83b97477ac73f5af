package io.streamrec.trainer.twotower;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * In-batch sampled softmax with a popularity (logQ) correction.
 *
 * <p>Predictions {@code (user [B,D], item [B,D])}, both L2-normalised; label {@code bias [B,B]} with
 * {@code bias[i][j] = -log q(item_j)}, plus {@link #MASKED} where {@code j != i} is the same item as the positive of
 * row {@code i} (a duplicate positive is not a negative). Then
 *
 * <pre>
 *   logits = (user · itemᵀ) / temperature + bias
 *   loss   = mean_i( -log_softmax(logits)[i][i] )
 * </pre>
 *
 * <p>q is the item's share of the training examples, i.e. the probability that an in-batch negative is that item;
 * subtracting log q from every column (the positive too) corrects the sampled softmax towards the full softmax, so
 * popular items are not over-penalised as negatives (Yi et al., RecSys 2019).
 */
public final class InBatchSoftmaxLoss extends Loss {
  /** Added to the logit of an off-diagonal duplicate of the row's positive. */
  public static final float MASKED = -1e9f;

  private final float temperature;

  public InBatchSoftmaxLoss(float temperature) {
    super("in_batch_softmax");
    this.temperature = temperature;
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray user = predictions.get(0);
    NDArray item = predictions.get(1);
    NDArray bias = labels.get(0);
    long b = user.getShape().get(0);
    NDArray logits = user.matMul(item.transpose()).div(temperature).add(bias);
    NDArray diagonal = logits.logSoftmax(1).mul(user.getManager().eye((int) b)).sum(new int[] {1});
    return diagonal.neg().mean();
  }
}
