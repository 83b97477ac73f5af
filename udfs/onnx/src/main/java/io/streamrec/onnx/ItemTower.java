package io.streamrec.onnx;

import io.streamrec.core.model.ModelManifest;
import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.model.TwoTowerInputs;
import java.util.List;
import java.util.Objects;

/**
 * The two-tower model's item tower (model {@value ModelRegistry#TWO_TOWER_ITEM}): raw item attributes in, an
 * L2-normalised retrieval vector out. The index job embeds catalog items with it, in batches.
 *
 * <p>{@link #open} checks the artifact against its manifest (see {@link ModelSession}) and the manifest against
 * what this class feeds: the {@link TwoTowerInputs} item tensors and one {@code float32[-1, D]} output, D being the
 * manifest's {@code embedding_dim}.
 *
 * <p>Thread-safe: concurrent {@link #embed} calls run concurrently on one ONNX Runtime session.
 */
public final class ItemTower implements ItemEncoder, AutoCloseable {
  private final ModelSession model;
  private final int dimension;

  private ItemTower(ModelSession model, int dimension) {
    this.model = model;
    this.dimension = dimension;
  }

  /** Opens the version CURRENT points at. */
  public static ItemTower openCurrent(ModelRegistry registry) {
    return open(registry, registry.currentVersion(ModelRegistry.TWO_TOWER_ITEM));
  }

  public static ItemTower open(ModelRegistry registry, String version) {
    return open(registry, version, OnnxModels.Options.scoring());
  }

  /**
   * Opens and checks {@code <registry>/two-tower-item/<version>}.
   *
   * @throws ModelArtifactException if the artifact is incomplete or its model and manifest disagree
   */
  public static ItemTower open(ModelRegistry registry, String version, OnnxModels.Options options) {
    ModelSession model = ModelSession.open(registry, ModelRegistry.TWO_TOWER_ITEM, version, options);
    try {
      int dimension = Towers.dimension(model);
      long n = -1;
      model.requireTensors("the item tower", List.of(
          ModelSession.tensor(TwoTowerInputs.IN_ITEM_ID, "int64", n),
          ModelSession.tensor(TwoTowerInputs.IN_TITLE_TOKENS, "int64", n, TwoTowerInputs.MAX_TOKENS),
          ModelSession.tensor(TwoTowerInputs.IN_TITLE_MASK, "float32", n, TwoTowerInputs.MAX_TOKENS),
          ModelSession.tensor(TwoTowerInputs.IN_CATEGORY, "int64", n),
          ModelSession.tensor(TwoTowerInputs.IN_PRICE_BUCKET, "int64", n)),
          List.of(ModelSession.tensor(TwoTowerInputs.OUT_ITEM_VECTOR, "float32", n, dimension)));
      return new ItemTower(model, dimension);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  public String version() {
    return model.version();
  }

  @Override
  public int dimension() {
    return dimension;
  }

  public ModelManifest manifest() {
    return model.manifest();
  }

  /**
   * Embeds a batch with one inference.
   *
   * @return {@code [items.size()][dimension()]}, in input order
   * @throws InferenceException if ONNX Runtime fails
   * @throws IllegalStateException after {@link #close()}
   */
  @Override
  public float[][] embed(List<TwoTowerInputs.ItemInput> items) {
    Objects.requireNonNull(items, "items");
    if (items.isEmpty()) {
      return new float[0][];
    }
    for (int i = 0; i < items.size(); i++) {
      Objects.requireNonNull(items.get(i), "item " + i);
    }
    TwoTowerInputs.ItemBatch batch = TwoTowerInputs.itemBatch(items);
    float[][] vectors = model.run(s -> OnnxModels.itemVectors(s, batch));
    return Towers.checked(model, vectors, items.size(), dimension);
  }

  /** Closes the session after the inferences in flight; later {@link #embed} calls fail. */
  @Override
  public void close() {
    model.close();
  }

  @Override
  public String toString() {
    return "ItemTower[" + model.label() + ", dimension " + dimension + "]";
  }
}
