package io.streamrec.core.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.streamrec.core.contract.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a model artifact is, next to its {@code model.onnx}: its tensors, the ordered feature list (for a ranker),
 * the embedding dimension (for a tower), where its training data came from, how it scored, and the file's sha256.
 * Serving and the index job read it to feed the model correctly; a test fails if a committed model and its
 * manifest disagree.
 */
public record ModelManifest(
    @JsonProperty("name") String name,
    @JsonProperty("version") String version,
    @JsonProperty("created") String created,
    @JsonProperty("framework") String framework,
    @JsonProperty("opset") int opset,
    @JsonProperty("inputs") List<Tensor> inputs,
    @JsonProperty("outputs") List<Tensor> outputs,
    @JsonProperty("features") List<String> features,
    @JsonProperty("embedding_dim") Integer embeddingDim,
    @JsonProperty("training_data") String trainingData,
    @JsonProperty("metrics") Map<String, Double> metrics,
    @JsonProperty("sha256") String sha256) {

  public static final String MANIFEST_FILE = "manifest.json";
  public static final String MODEL_FILE = "model.onnx";

  public ModelManifest {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    features = features == null ? List.of() : List.copyOf(features);
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
  }

  /** A tensor: name, element type ({@code float32}, {@code int64}) and shape (-1 = dynamic). */
  public record Tensor(
      @JsonProperty("name") String name,
      @JsonProperty("dtype") String dtype,
      @JsonProperty("shape") List<Long> shape) {}

  public static ModelManifest read(Path file) {
    try {
      return Json.MAPPER.readValue(file.toFile(), ModelManifest.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model manifest " + file, e);
    }
  }

  public void write(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write model manifest " + file, e);
    }
  }
}
