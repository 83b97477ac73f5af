package io.streamrec.trainer.twotower;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.core.model.TwoTowerWeights;

/**
 * Runs a two-tower DJL model forward (inference mode): either the live model a {@link TwoTowerTrainer} just
 * trained ({@link TwoTowerTrainer.Trained#model()}) or one loaded from exported weights ({@link #load}). Owns native
 * memory: close it.
 */
public final class TwoTowerDjlForward implements AutoCloseable {
  private final Model model;
  private final TwoTowerBlock block;

  /** Takes ownership of {@code model}, whose block is {@code block}. */
  TwoTowerDjlForward(Model model, TwoTowerBlock block) {
    this.model = model;
    this.block = block;
  }

  /** A DJL model holding {@code weights} (for checks, or to evaluate exported weights with the engine). */
  public static TwoTowerDjlForward load(TwoTowerWeights weights) {
    DjlPyTorch.engine();
    int e = weights.embeddingDim();
    int h = weights.itemB1().length;
    int d = weights.outputDim();
    TwoTowerBlock block = new TwoTowerBlock(e, h, d, TwoTowerBlock.initializersFrom(weights));
    Model model = Model.newInstance("two-tower", Device.cpu(), DjlPyTorch.ENGINE);
    model.setBlock(block);
    block.initialize(model.getNDManager(), DataType.FLOAT32, TwoTowerBlock.inputShapes(1));
    return new TwoTowerDjlForward(model, block);
  }

  public TwoTowerBlock block() {
    return block;
  }

  /** Item vectors {@code [n][outputDim]}. */
  public float[][] itemVectors(TwoTowerInputs.ItemBatch batch) {
    if (batch.n() == 0) {
      return new float[0][];
    }
    try (NDManager m = model.getNDManager().newSubManager()) {
      NDArray v = block.itemVectors(new ParameterStore(m, false), TwoTowerBlock.itemInputs(m, batch), false);
      return rows(v);
    }
  }

  /** User vectors {@code [n][outputDim]}. */
  public float[][] userVectors(TwoTowerInputs.UserBatch batch) {
    if (batch.n() == 0) {
      return new float[0][];
    }
    try (NDManager m = model.getNDManager().newSubManager()) {
      NDArray v = block.userVectors(new ParameterStore(m, false), TwoTowerBlock.userInputs(m, batch), false);
      return rows(v);
    }
  }

  /** Both towers in one call, through {@link TwoTowerBlock#forward} (returns {@code {user, item}}). */
  public float[][][] forward(TwoTowerInputs.ItemBatch items, TwoTowerInputs.UserBatch users) {
    try (NDManager m = model.getNDManager().newSubManager()) {
      NDList in = TwoTowerBlock.itemInputs(m, items);
      in.addAll(TwoTowerBlock.userInputs(m, users));
      NDList out = block.forward(new ParameterStore(m, false), in, false);
      return new float[][][] {rows(out.get(0)), rows(out.get(1))};
    }
  }

  /** The current parameters as framework-neutral weights. */
  public TwoTowerWeights weights() {
    return block.exportWeights();
  }

  static float[][] rows(NDArray v) {
    Shape s = v.getShape();
    int n = Math.toIntExact(s.get(0));
    int d = Math.toIntExact(s.get(1));
    float[] flat = v.toFloatArray();
    float[][] out = new float[n][d];
    for (int r = 0; r < n; r++) {
      System.arraycopy(flat, r * d, out[r], 0, d);
    }
    return out;
  }

  @Override
  public void close() {
    model.close();
  }
}
