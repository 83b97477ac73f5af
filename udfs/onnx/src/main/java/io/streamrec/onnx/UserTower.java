package io.streamrec.onnx;

import io.streamrec.core.model.ModelManifest;
import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.model.TwoTowerInputs;
import java.util.List;
import java.util.Objects;

/**
 * The two-tower model's user tower (model {@value ModelRegistry#TWO_TOWER_USER}): a user's recent items, region
 * and age in, an L2-normalised query vector out. Serving embeds the requesting user with it.
 *
 * <p>{@link #open} checks the artifact against its manifest (see {@link ModelSession}) and the manifest against
 * what this class feeds: the {@link TwoTowerInputs} user tensors and one {@code float32[-1, D]} output, D being the
 * manifest's {@code embedding_dim}.
 *
 * <p>Thread-safe: concurrent {@link #embed} calls run concurrently on one ONNX Runtime session.
 */
public final class UserTower implements AutoCloseable {
  private final ModelSession model;
  private final int dimension;

  private UserTower(ModelSession model, int dimension) {
    this.model = model;
    this.dimension = dimension;
  }

  /** Opens the version CURRENT points at. */
  public static UserTower openCurrent(ModelRegistry registry) {
    return open(registry, registry.currentVersion(ModelRegistry.TWO_TOWER_USER));
  }

  public static UserTower open(ModelRegistry registry, String version) {
    return open(registry, version, OnnxModels.Options.scoring());
  }

  /**
   * Opens and checks {@code <registry>/two-tower-user/<version>}.
   *
   * @throws ModelArtifactException if the artifact is incomplete or its model and manifest disagree
   */
  public static UserTower open(ModelRegistry registry, String version, OnnxModels.Options options) {
    ModelSession model = ModelSession.open(registry, ModelRegistry.TWO_TOWER_USER, version, options);
    try {
      int dimension = Towers.dimension(model);
      long n = -1;
      model.requireTensors("the user tower", List.of(
          ModelSession.tensor(TwoTowerInputs.IN_RECENT_ITEMS, "int64", n, TwoTowerInputs.MAX_RECENT),
          ModelSession.tensor(TwoTowerInputs.IN_RECENT_MASK, "float32", n, TwoTowerInputs.MAX_RECENT),
          ModelSession.tensor(TwoTowerInputs.IN_REGION, "int64", n),
          ModelSession.tensor(TwoTowerInputs.IN_AGE_BUCKET, "int64", n)),
          List.of(ModelSession.tensor(TwoTowerInputs.OUT_USER_VECTOR, "float32", n, dimension)));
      return new UserTower(model, dimension);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  public String version() {
    return model.version();
  }

  public int dimension() {
    return dimension;
  }

  public ModelManifest manifest() {
    return model.manifest();
  }

  /**
   * Embeds a batch of users with one inference.
   *
   * @return {@code [users.size()][dimension()]}, in input order
   * @throws InferenceException if ONNX Runtime fails
   * @throws IllegalStateException after {@link #close()}
   */
  public float[][] embed(List<TwoTowerInputs.UserInput> users) {
    Objects.requireNonNull(users, "users");
    if (users.isEmpty()) {
      return new float[0][];
    }
    for (int i = 0; i < users.size(); i++) {
      TwoTowerInputs.UserInput u = Objects.requireNonNull(users.get(i), "user " + i);
      Objects.requireNonNull(u.recentItems(), "recent items of user " + i);
    }
    TwoTowerInputs.UserBatch batch = TwoTowerInputs.userBatch(users);
    float[][] vectors = model.run(s -> OnnxModels.userVectors(s, batch));
    return Towers.checked(model, vectors, users.size(), dimension);
  }

  /** Closes the session after the inferences in flight; later {@link #embed} calls fail. */
  @Override
  public void close() {
    model.close();
  }

  @Override
  public String toString() {
    return "UserTower[" + model.label() + ", dimension " + dimension + "]";
  }
}
