package io.streamrec.onnx;

import io.streamrec.core.model.TwoTowerInputs;
import java.util.List;

/**
 * Turns items into their retrieval vectors, a batch at a time: what {@link BatchingEmbedder} batches for. The
 * model-backed implementation is {@link ItemTower}.
 */
public interface ItemEncoder {

  /** One vector of {@link #dimension()} floats per item, in input order; an empty list gives an empty array. */
  float[][] embed(List<TwoTowerInputs.ItemInput> items);

  /** The length of every vector. */
  int dimension();
}
