package io.streamrec.core.model;

/**
 * The trained parameters of the two-tower model, framework-neutral: what the trainer produces and the ONNX graph
 * builder consumes. Matrices are row-major {@code [rows][cols]}; a dense layer computes {@code x · w + b} with
 * {@code w} of shape {@code [in][out]}.
 *
 * <pre>
 *   item:  x = [ idEmb[item_id] | maskedMean(tokenEmb[title_tokens]) | categoryEmb[category] | priceEmb[price] ]
 *          item_vector = l2normalize( relu(x · itemW1 + itemB1) · itemW2 + itemB2 )
 *   user:  x = [ maskedMean(idEmb[recent_items]) | regionEmb[region] | ageEmb[age_bucket] ]
 *          user_vector = l2normalize( relu(x · userW1 + userB1) · userW2 + userB2 )
 * </pre>
 *
 * The id embedding table is shared: a user is, first of all, the items they touched (sequence as query). A masked
 * mean over an all-zero mask is the zero vector (divide by max(Σmask, 1)); l2normalize divides by
 * max(‖v‖, 1e-12).
 */
public record TwoTowerWeights(
    float[][] idEmb,
    float[][] tokenEmb,
    float[][] categoryEmb,
    float[][] priceEmb,
    float[][] regionEmb,
    float[][] ageEmb,
    float[][] itemW1,
    float[] itemB1,
    float[][] itemW2,
    float[] itemB2,
    float[][] userW1,
    float[] userB1,
    float[][] userW2,
    float[] userB2) {

  public int embeddingDim() {
    return idEmb[0].length;
  }

  public int outputDim() {
    return itemB2.length;
  }
}
