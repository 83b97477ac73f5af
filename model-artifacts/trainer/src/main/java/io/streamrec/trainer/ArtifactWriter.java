package io.streamrec.trainer;

import io.streamrec.core.model.ModelManifest;
import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.model.RankerFeatures;
import io.streamrec.core.model.TwoTowerInputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Writes a trained model as an artifact: {@code model.onnx}, its {@code manifest.json} (tensors as declared here;
 * the manifest contract test checks them against what ONNX Runtime reads from the file) and a short model card,
 * then points the model's CURRENT at the new version.
 */
public final class ArtifactWriter {
  public static final int OPSET = 17;
  private static final long N = -1;

  private final ModelRegistry registry;

  public ArtifactWriter(ModelRegistry registry) {
    this.registry = registry;
  }

  private static ModelManifest.Tensor tensor(String name, String dtype, long... shape) {
    return new ModelManifest.Tensor(name, dtype, java.util.Arrays.stream(shape).boxed().toList());
  }

  public static List<ModelManifest.Tensor> itemTowerInputs() {
    return List.of(
        tensor(TwoTowerInputs.IN_ITEM_ID, "int64", N),
        tensor(TwoTowerInputs.IN_TITLE_TOKENS, "int64", N, TwoTowerInputs.MAX_TOKENS),
        tensor(TwoTowerInputs.IN_TITLE_MASK, "float32", N, TwoTowerInputs.MAX_TOKENS),
        tensor(TwoTowerInputs.IN_CATEGORY, "int64", N),
        tensor(TwoTowerInputs.IN_PRICE_BUCKET, "int64", N));
  }

  public static List<ModelManifest.Tensor> userTowerInputs() {
    return List.of(
        tensor(TwoTowerInputs.IN_RECENT_ITEMS, "int64", N, TwoTowerInputs.MAX_RECENT),
        tensor(TwoTowerInputs.IN_RECENT_MASK, "float32", N, TwoTowerInputs.MAX_RECENT),
        tensor(TwoTowerInputs.IN_REGION, "int64", N),
        tensor(TwoTowerInputs.IN_AGE_BUCKET, "int64", N));
  }

  /** The ranker's tensors: one float row per candidate, in {@link RankerFeatures#NAMES} order; the raw margin out. */
  public static final String RANKER_INPUT = "features";
  public static final String RANKER_OUTPUT = "score";

  public static List<ModelManifest.Tensor> rankerInputs() {
    return List.of(tensor(RANKER_INPUT, "float32", N, RankerFeatures.SIZE));
  }

  public static List<ModelManifest.Tensor> rankerOutputs() {
    return List.of(tensor(RANKER_OUTPUT, "float32", N, 1));
  }

  public static List<ModelManifest.Tensor> vectorOutput(String name, int dim) {
    return List.of(tensor(name, "float32", N, dim));
  }

  /** Writes one artifact and makes it current. */
  public ModelManifest write(String model, String version, byte[] onnx, List<ModelManifest.Tensor> inputs,
      List<ModelManifest.Tensor> outputs, List<String> features, Integer embeddingDim, String trainingData,
      Map<String, Double> metrics, String card) throws IOException {
    Path dir = registry.versionDir(model, version);
    Files.createDirectories(dir);
    Files.write(dir.resolve(ModelManifest.MODEL_FILE), onnx);
    ModelManifest manifest = new ModelManifest(model, version, Instant.now().toString(), "onnx", OPSET, inputs,
        outputs, features, embeddingDim, trainingData, metrics, sha256(onnx));
    manifest.write(dir.resolve(ModelManifest.MANIFEST_FILE));
    Files.writeString(dir.resolve("MODEL_CARD.md"), card);
    registry.setCurrent(model, version);
    return manifest;
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
