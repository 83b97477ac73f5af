package io.streamrec.onnx;

import io.streamrec.core.model.ModelManifest;
import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.model.RankerFeatures;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A ranking stage — the ranker (model {@value ModelRegistry#RANKER}) or the light first stage (model
 * {@value ModelRegistry#FIRST_STAGE}), which take the same rows: one row of {@link RankerFeatures} per (user, candidate) pair
 * in, one score (the raw margin; higher ranks first) out.
 *
 * <p>{@link #open} checks the artifact against its manifest (see {@link ModelSession}), that the manifest's ordered
 * feature list is exactly {@link RankerFeatures#NAMES} (a model trained on another order would score garbage
 * without failing), and that the model takes one {@code float32[-1, }{@link RankerFeatures#SIZE}{@code ]} input and
 * gives one {@code float32[-1, 1]} output.
 *
 * <p>Thread-safe: concurrent {@link #score} calls run concurrently on one ONNX Runtime session.
 */
public final class Ranker implements AutoCloseable {
  private final ModelSession model;
  private final String input;
  private final String output;

  private Ranker(ModelSession model, String input, String output) {
    this.model = model;
    this.input = input;
    this.output = output;
  }

  /** Opens the version CURRENT points at. */
  public static Ranker openCurrent(ModelRegistry registry) {
    return open(registry, registry.currentVersion(ModelRegistry.RANKER));
  }

  public static Ranker open(ModelRegistry registry, String version) {
    return open(registry, version, OnnxModels.Options.scoring());
  }

  /**
   * Opens and checks {@code <registry>/ranker/<version>}.
   *
   * @throws ModelArtifactException if the artifact is incomplete, its model and manifest disagree, or its feature
   *     list is not {@link RankerFeatures#NAMES}
   */
  public static Ranker open(ModelRegistry registry, String version, OnnxModels.Options options) {
    return open(registry, ModelRegistry.RANKER, version, options);
  }

  /**
   * Opens and checks {@code <registry>/<model>/<version>} of a ranking stage ({@link ModelRegistry#RANKER} or
   * {@link ModelRegistry#FIRST_STAGE}).
   *
   * @throws ModelArtifactException as {@link #open(ModelRegistry, String, OnnxModels.Options)}
   */
  public static Ranker open(ModelRegistry registry, String modelName, String version, OnnxModels.Options options) {
    ModelSession model = ModelSession.open(registry, modelName, version, options);
    try {
      ModelManifest m = model.manifest();
      String problem = featureListProblem(m.features(), RankerFeatures.NAMES);
      if (problem != null) {
        throw new ModelArtifactException(model.manifestFile() + ": the " + modelName + "'s feature list is not the one "
            + "RankerFeatures writes: " + problem);
      }
      if (m.inputs().size() != 1 || m.outputs().size() != 1) {
        throw new ModelArtifactException(model.manifestFile() + ": a ranking stage has one input and one output, the "
            + "manifest declares inputs " + names(m.inputs()) + " and outputs " + names(m.outputs()));
      }
      String in = m.inputs().get(0).name();
      String out = m.outputs().get(0).name();
      model.requireTensors("the ranker", List.of(ModelSession.tensor(in, "float32", -1, RankerFeatures.SIZE)),
          List.of(ModelSession.tensor(out, "float32", -1, 1)));
      return new Ranker(model, in, out);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** How {@code declared} differs from {@code expected} (both ordered), or null if they are equal. */
  static String featureListProblem(List<String> declared, List<String> expected) {
    if (declared.equals(expected)) {
      return null;
    }
    List<String> details = new ArrayList<>();
    Set<String> declaredSet = new HashSet<>(declared);
    Set<String> expectedSet = new HashSet<>(expected);
    List<String> missing = expected.stream().filter(f -> !declaredSet.contains(f)).toList();
    List<String> unknown = declared.stream().filter(f -> !expectedSet.contains(f)).toList();
    if (declared.size() != expected.size()) {
      details.add("the manifest lists " + declared.size() + " features, RankerFeatures has " + expected.size());
    }
    if (!missing.isEmpty()) {
      details.add("missing " + missing);
    }
    if (!unknown.isEmpty()) {
      details.add("unknown " + unknown);
    }
    if (declaredSet.size() != declared.size()) {
      details.add("a feature is listed twice");
    }
    for (int i = 0; i < Math.min(declared.size(), expected.size()); i++) {
      if (!declared.get(i).equals(expected.get(i))) {
        details.add("first difference at position " + i + ": '" + declared.get(i) + "' in the manifest, '"
            + expected.get(i) + "' in RankerFeatures");
        break;
      }
    }
    return String.join("; ", details);
  }

  private static List<String> names(List<ModelManifest.Tensor> tensors) {
    return tensors.stream().map(ModelManifest.Tensor::name).toList();
  }

  public String version() {
    return model.version();
  }

  /** The model's name in the registry ({@link ModelRegistry#RANKER} or {@link ModelRegistry#FIRST_STAGE}). */
  public String modelName() {
    return model.manifest().name();
  }

  /** "name-version", as responses name the models that scored them. */
  public String label() {
    return modelName() + "-" + version();
  }

  /**
   * Runs a few inferences on rows of missing values, so that the first real request does not pay for ONNX
   * Runtime's first-run allocations and the JIT of the call path.
   */
  public void warmUp(int rows, int runs) {
    float[] missing = new float[rows * RankerFeatures.SIZE];
    java.util.Arrays.fill(missing, Float.NaN);
    for (int i = 0; i < runs; i++) {
      score(missing, rows);
    }
  }

  /** The ordered feature names of a row (equal to {@link RankerFeatures#NAMES}). */
  public List<String> features() {
    return model.manifest().features();
  }

  /** Values per row: {@link RankerFeatures#SIZE}. */
  public int width() {
    return RankerFeatures.SIZE;
  }

  public ModelManifest manifest() {
    return model.manifest();
  }

  /**
   * Scores {@code rows} rows with one inference.
   *
   * @param rowMajor {@code rows × RankerFeatures.SIZE} values, row after row, as {@link RankerFeatures#write} lays
   *     them out ({@code NaN} = missing)
   * @return one score per row, in row order
   * @throws IllegalArgumentException if {@code rowMajor} does not hold exactly {@code rows} rows
   * @throws InferenceException if ONNX Runtime fails
   * @throws IllegalStateException after {@link #close()}
   */
  public float[] score(float[] rowMajor, int rows) {
    Objects.requireNonNull(rowMajor, "rowMajor");
    if (rows < 0 || (long) rows * RankerFeatures.SIZE != rowMajor.length) {
      throw new IllegalArgumentException(rowMajor.length + " values are not " + rows + " rows of "
          + RankerFeatures.SIZE + " features");
    }
    if (rows == 0) {
      return new float[0];
    }
    float[][] m = model.run(s -> OnnxModels.runFloatMatrix(s,
        Map.of(input, OnnxModels.floats(rowMajor, rows, RankerFeatures.SIZE)), output));
    if (m.length != rows) {
      throw new InferenceException(model.label() + " returned " + m.length + " scores for " + rows + " rows");
    }
    float[] scores = new float[rows];
    for (int r = 0; r < rows; r++) {
      if (m[r].length != 1) {
        throw new InferenceException(model.label() + " returned " + m[r].length + " values for row " + r);
      }
      scores[r] = m[r][0];
    }
    return scores;
  }

  /** Closes the session after the inferences in flight; later {@link #score} calls fail. */
  @Override
  public void close() {
    model.close();
  }

  @Override
  public String toString() {
    return "Ranker[" + model.label() + ", " + RankerFeatures.SIZE + " features]";
  }
}
