package io.streamrec.onnx;

import io.streamrec.core.model.ModelManifest;
import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.model.TwoTowerInputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** Finds the committed model artifacts, copies them into scratch registries, and makes test inputs. */
final class TestModels {
  private static final String[] WORDS = {"white", "hanging", "heart", "t-light", "holder", "regency", "cakestand",
      "3", "tier", "jumbo", "bag", "red", "retrospot", "lunch", "box", "vintage", "paisley", "set", "of", "6",
      "glass", "candle", "pink", "polkadot", "cup", "mug", "ceramic", "tin", "sign", "wooden", "frame", "party"};
  private static final String[] CATEGORIES = {"home", "kitchen", "bags", "candles", "party", "garden", null};
  private static final String[] REGIONS = {"United Kingdom", "France", "Germany", "EIRE", "Spain", null, ""};

  private TestModels() {}

  /**
   * The repository's {@code model-artifacts} directory: the first one found walking up from {@code user.dir} that
   * holds {@code two-tower-item/CURRENT}.
   */
  static Path modelArtifacts() {
    return ModelRegistry.findAbove(Path.of(System.getProperty("user.dir"))).root();
  }

  /** The committed models. */
  static ModelRegistry committed() {
    return new ModelRegistry(modelArtifacts());
  }

  /** Copies {@code <model>/<version>} of the committed registry into {@code root} and points CURRENT at it. */
  static ModelRegistry copy(Path root, String model, String version) {
    Path from = committed().versionDir(model, version);
    ModelRegistry registry = new ModelRegistry(root);
    Path to = registry.versionDir(model, version);
    try (Stream<Path> files = Files.list(from)) {
      Files.createDirectories(to);
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    registry.setCurrent(model, version);
    return registry;
  }

  /** Rewrites the manifest of {@code <model>/<version>} in {@code registry}. */
  static Path editManifest(ModelRegistry registry, String model, String version, UnaryOperator<ModelManifest> edit) {
    Path file = registry.versionDir(model, version).resolve(ModelManifest.MANIFEST_FILE);
    edit.apply(ModelManifest.read(file)).write(file);
    return file;
  }

  static ModelManifest withInputs(ModelManifest m, List<ModelManifest.Tensor> inputs) {
    return new ModelManifest(m.name(), m.version(), m.created(), m.framework(), m.opset(), inputs, m.outputs(),
        m.features(), m.embeddingDim(), m.trainingData(), m.metrics(), m.sha256());
  }

  static ModelManifest withOutputs(ModelManifest m, List<ModelManifest.Tensor> outputs) {
    return new ModelManifest(m.name(), m.version(), m.created(), m.framework(), m.opset(), m.inputs(), outputs,
        m.features(), m.embeddingDim(), m.trainingData(), m.metrics(), m.sha256());
  }

  static ModelManifest withFeatures(ModelManifest m, List<String> features) {
    return new ModelManifest(m.name(), m.version(), m.created(), m.framework(), m.opset(), m.inputs(), m.outputs(),
        features, m.embeddingDim(), m.trainingData(), m.metrics(), m.sha256());
  }

  static ModelManifest withEmbeddingDim(ModelManifest m, Integer dim) {
    return new ModelManifest(m.name(), m.version(), m.created(), m.framework(), m.opset(), m.inputs(), m.outputs(),
        m.features(), dim, m.trainingData(), m.metrics(), m.sha256());
  }

  static ModelManifest withSha256(ModelManifest m, String sha256) {
    return new ModelManifest(m.name(), m.version(), m.created(), m.framework(), m.opset(), m.inputs(), m.outputs(),
        m.features(), m.embeddingDim(), m.trainingData(), m.metrics(), sha256);
  }

  /** {@code tensors} with the one named {@code name} replaced by {@code edit}. */
  static List<ModelManifest.Tensor> replace(List<ModelManifest.Tensor> tensors, String name,
      UnaryOperator<ModelManifest.Tensor> edit) {
    List<ModelManifest.Tensor> out = new ArrayList<>();
    boolean found = false;
    for (ModelManifest.Tensor t : tensors) {
      if (t.name().equals(name)) {
        out.add(edit.apply(t));
        found = true;
      } else {
        out.add(t);
      }
    }
    if (!found) {
      throw new IllegalArgumentException("no tensor " + name + " in " + tensors);
    }
    return out;
  }

  /** Items with varied ids, titles (some empty or missing), categories and prices (some missing). */
  static List<TwoTowerInputs.ItemInput> items(long seed, int n) {
    Random r = new Random(seed);
    List<TwoTowerInputs.ItemInput> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String id = Integer.toString(10_000 + r.nextInt(90_000)) + (r.nextInt(4) == 0 ? "A" : "");
      StringBuilder title = new StringBuilder();
      int words = r.nextInt(12);
      for (int w = 0; w < words; w++) {
        title.append(w == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)].toUpperCase());
      }
      String t = r.nextInt(10) == 0 ? null : title.toString();
      Double price = r.nextInt(8) == 0 ? null : Math.round(r.nextDouble() * 5_000) / 100.0;
      out.add(new TwoTowerInputs.ItemInput(id, t, CATEGORIES[r.nextInt(CATEGORIES.length)], price));
    }
    return out;
  }

  /** Users with histories of 0 … 30 items (longer than the tower's 20), some without region or age. */
  static List<TwoTowerInputs.UserInput> users(long seed, int n) {
    Random r = new Random(seed);
    List<TwoTowerInputs.UserInput> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      List<String> recent = items(r.nextLong(), r.nextInt(31)).stream().map(TwoTowerInputs.ItemInput::itemId)
          .toList();
      Integer age = r.nextInt(5) == 0 ? null : 12 + r.nextInt(70);
      out.add(new TwoTowerInputs.UserInput(recent, REGIONS[r.nextInt(REGIONS.length)], age));
    }
    return out;
  }

  static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }
}
