package io.streamrec.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.streamrec.core.model.ModelManifest;
import io.streamrec.core.model.ModelRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One version of a committed model, loaded into ONNX Runtime after checking it against its manifest:
 *
 * <ul>
 *   <li>{@code manifest.json} names this model and version and declares framework {@code onnx};
 *   <li>the sha256 of {@code model.onnx} is the one the manifest records;
 *   <li>every input and output the manifest declares exists in the model with the same element type
 *       ({@code float32}, {@code int64}, ...) and shape (-1 = dynamic), and the model has no tensor the manifest
 *       does not declare.
 * </ul>
 *
 * Every problem found is reported at once, in a {@link ModelArtifactException} that names the files.
 *
 * <p>Thread-safe: ONNX Runtime sessions may be run concurrently; {@link #close()} waits for runs in flight (a
 * read/write lock), after which {@link #run} fails instead of touching a freed native session.
 */
public final class ModelSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelSession.class);

  /** A call on the session, run by {@link #run}. */
  @FunctionalInterface
  public interface Call<T> {
    T run(OrtSession session) throws OrtException;
  }

  private final String model;
  private final String version;
  private final Path dir;
  private final ModelManifest manifest;
  private final OrtSession session;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  private ModelSession(String model, String version, Path dir, ModelManifest manifest, OrtSession session) {
    this.model = model;
    this.version = version;
    this.dir = dir;
    this.manifest = manifest;
    this.session = session;
  }

  /** Opens {@code <registry>/<model>/<version>} with {@link OnnxModels.Options#scoring()}. */
  public static ModelSession open(ModelRegistry registry, String model, String version) {
    return open(registry, model, version, OnnxModels.Options.scoring());
  }

  /**
   * Opens and checks {@code <registry>/<model>/<version>/{model.onnx, manifest.json}}.
   *
   * @throws ModelArtifactException if a file is missing or unreadable, or the model and its manifest disagree
   */
  public static ModelSession open(ModelRegistry registry, String model, String version,
      OnnxModels.Options options) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(options, "options");
    Path dir = registry.versionDir(model, version);
    if (!Files.isDirectory(dir)) {
      throw new ModelArtifactException("no version '" + version + "' of model '" + model + "': " + dir
          + " is not a directory");
    }
    Path manifestFile = dir.resolve(ModelManifest.MANIFEST_FILE);
    Path modelFile = dir.resolve(ModelManifest.MODEL_FILE);
    if (!Files.isRegularFile(manifestFile)) {
      throw new ModelArtifactException("model '" + model + "' " + version + " has no manifest: " + manifestFile
          + " does not exist");
    }
    if (!Files.isRegularFile(modelFile)) {
      throw new ModelArtifactException("model '" + model + "' " + version + " has no model file: " + modelFile
          + " does not exist");
    }
    ModelManifest manifest;
    try {
      manifest = ModelManifest.read(manifestFile);
    } catch (UncheckedIOException | IllegalArgumentException | NullPointerException e) {
      throw new ModelArtifactException("cannot read model manifest " + manifestFile + ": " + e.getMessage(), e);
    }
    byte[] onnx;
    try {
      onnx = Files.readAllBytes(modelFile);
    } catch (IOException e) {
      throw new ModelArtifactException("cannot read model file " + modelFile + ": " + e, e);
    }

    List<String> problems = new ArrayList<>();
    if (!model.equals(manifest.name())) {
      problems.add("name is '" + manifest.name() + "', expected '" + model + "'");
    }
    if (!version.equals(manifest.version())) {
      problems.add("version is '" + manifest.version() + "', expected '" + version + "' (the directory's name)");
    }
    if (manifest.framework() != null && !"onnx".equals(manifest.framework())) {
      problems.add("framework is '" + manifest.framework() + "', expected 'onnx'");
    }
    if (!problems.isEmpty()) {
      throw new ModelArtifactException(manifestFile + " does not describe " + model + " " + version + ": "
          + String.join("; ", problems));
    }
    String sha256 = sha256(onnx);
    if (manifest.sha256() == null || !sha256.equalsIgnoreCase(manifest.sha256())) {
      throw new ModelArtifactException(modelFile + " is not the file its manifest describes: its sha256 is "
          + sha256 + " but " + manifestFile + " declares sha256 " + manifest.sha256());
    }

    OrtSession session;
    try {
      session = OnnxModels.load(onnx, options);
    } catch (OrtException | RuntimeException e) {
      throw new ModelArtifactException("ONNX Runtime cannot load " + modelFile + ": " + e.getMessage(), e);
    }
    try {
      compare("input", manifest.inputs(), tensors(session.getInputInfo()), problems);
      compare("output", manifest.outputs(), tensors(session.getOutputInfo()), problems);
    } catch (OrtException | RuntimeException e) {
      closeQuietly(session);
      throw new ModelArtifactException("cannot read the inputs and outputs of " + modelFile + ": " + e, e);
    }
    if (!problems.isEmpty()) {
      closeQuietly(session);
      throw new ModelArtifactException(manifestFile + " does not match " + modelFile + ": "
          + String.join("; ", problems));
    }
    LOG.info("Opened model {} {} ({}, sha256 {})", model, version, modelFile, sha256);
    return new ModelSession(model, version, dir, manifest, session);
  }

  public String model() {
    return model;
  }

  public String version() {
    return version;
  }

  /** The version directory the model was loaded from. */
  public Path dir() {
    return dir;
  }

  public Path manifestFile() {
    return dir.resolve(ModelManifest.MANIFEST_FILE);
  }

  public ModelManifest manifest() {
    return manifest;
  }

  /** {@code <model> <version>}, for messages. */
  public String label() {
    return model + " " + version;
  }

  /**
   * Runs {@code call} on the session; concurrent calls run concurrently.
   *
   * @throws IllegalStateException after {@link #close()}
   * @throws InferenceException if ONNX Runtime fails
   */
  public <T> T run(Call<T> call) {
    lock.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException(label() + " is closed");
      }
      return call.run(session);
    } catch (OrtException e) {
      throw new InferenceException(label() + ": inference failed: " + e.getMessage(), e);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Checks what the scoring code feeds and reads against the (already verified) manifest: exactly these inputs and
   * outputs, by name, element type and shape.
   *
   * @param who what feeds the model, for the message ("the item tower")
   * @throws ModelArtifactException naming the manifest file and every difference
   */
  public void requireTensors(String who, List<ModelManifest.Tensor> inputs, List<ModelManifest.Tensor> outputs) {
    List<String> problems = new ArrayList<>();
    compare("input", inputs, byName(manifest.inputs()), problems, who, "the manifest");
    compare("output", outputs, byName(manifest.outputs()), problems, who, "the manifest");
    if (!problems.isEmpty()) {
      throw new ModelArtifactException(manifestFile() + " does not declare what " + who + " feeds and reads: "
          + String.join("; ", problems));
    }
  }

  /** Closes the session after the runs in flight; idempotent. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      closeQuietly(session);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "ModelSession[" + label() + ", " + dir + "]";
  }

  // ------------------------------------------------------------------------------------------------- checking

  /** A tensor as the manifest writes it: dtype such as {@code float32}, shape with -1 for dynamic dimensions. */
  static ModelManifest.Tensor tensor(String name, String dtype, long... shape) {
    List<Long> dims = new ArrayList<>(shape.length);
    for (long d : shape) {
      dims.add(d);
    }
    return new ModelManifest.Tensor(name, dtype, dims);
  }

  private static Map<String, ModelManifest.Tensor> tensors(Map<String, NodeInfo> infos) {
    Map<String, ModelManifest.Tensor> out = new LinkedHashMap<>();
    infos.forEach((name, info) -> {
      if (info.getInfo() instanceof TensorInfo t) {
        long[] shape = t.getShape().clone();
        for (int i = 0; i < shape.length; i++) {
          shape[i] = shape[i] < 0 ? -1 : shape[i];
        }
        out.put(name, tensor(name, dtype(t), shape));
      } else {
        out.put(name, new ModelManifest.Tensor(name, "non-tensor " + info.getInfo(), List.of()));
      }
    });
    return out;
  }

  /** The manifest's (numpy-style) name of a tensor element type. */
  static String dtype(TensorInfo t) {
    return switch (t.onnxType) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> "float32";
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> "float64";
      default -> t.onnxType.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "").toLowerCase(Locale.ROOT);
    };
  }

  private static Map<String, ModelManifest.Tensor> byName(List<ModelManifest.Tensor> tensors) {
    Map<String, ModelManifest.Tensor> out = new LinkedHashMap<>();
    tensors.forEach(t -> out.putIfAbsent(t.name(), t));
    return out;
  }

  private static void compare(String kind, List<ModelManifest.Tensor> declared,
      Map<String, ModelManifest.Tensor> actual, List<String> problems) {
    compare(kind, declared, actual, problems, "the manifest", "the model");
  }

  /** Appends every difference between {@code declared} (by {@code who}) and {@code actual} (in {@code where}). */
  private static void compare(String kind, List<ModelManifest.Tensor> declared,
      Map<String, ModelManifest.Tensor> actual, List<String> problems, String who, String where) {
    Map<String, ModelManifest.Tensor> seen = new LinkedHashMap<>();
    for (ModelManifest.Tensor d : declared) {
      if (seen.put(d.name(), d) != null) {
        problems.add(who + " declares " + kind + " '" + d.name() + "' twice");
        continue;
      }
      ModelManifest.Tensor a = actual.get(d.name());
      if (a == null) {
        problems.add(who + " declares " + kind + " '" + d.name() + "' but " + where + " has no such " + kind + " ("
            + where + "'s " + kind + "s: " + signatures(actual.values()) + ")");
        continue;
      }
      if (!Objects.equals(d.dtype(), a.dtype())) {
        problems.add(kind + " '" + d.name() + "' is " + d.dtype() + " in " + who + " but " + a.dtype() + " in "
            + where);
      }
      if (!Objects.equals(d.shape(), a.shape())) {
        problems.add(kind + " '" + d.name() + "' has shape " + d.shape() + " in " + who + " but " + a.shape()
            + " in " + where);
      }
    }
    for (ModelManifest.Tensor a : actual.values()) {
      if (!seen.containsKey(a.name())) {
        problems.add(where + " has " + kind + " '" + a.name() + "' (" + signature(a) + ") that " + who
            + " does not declare");
      }
    }
  }

  static String signature(ModelManifest.Tensor t) {
    return t.dtype() + t.shape();
  }

  private static String signatures(java.util.Collection<ModelManifest.Tensor> tensors) {
    return tensors.stream().map(t -> t.name() + " " + signature(t)).collect(Collectors.joining(", ", "[", "]"));
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException | RuntimeException e) {
      LOG.warn("Closing an ONNX Runtime session failed", e);
    }
  }
}
