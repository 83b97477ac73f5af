package io.streamrec.trainer.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a written ONNX model says about itself, so that a model file can be traced back to the run that made it.
 * ONNX Runtime reads every field back ({@code OrtSession.getMetadata()}; see
 * {@link io.streamrec.onnx.OnnxModels#describe}):
 *
 * <ul>
 *   <li>{@code producerName}/{@code producerVersion} → {@code ModelProto.producer_name/producer_version}
 *       (e.g. "streamrec-trainer" / the trainer's build version);
 *   <li>{@code domain} → {@code ModelProto.domain} (reverse-DNS namespace of the model, "io.streamrec");
 *   <li>{@code modelVersion} → {@code ModelProto.model_version} (an int64; 0 = unset);
 *   <li>{@code docString} → {@code ModelProto.doc_string} (free text: what the model is, how to feed it);
 *   <li>{@code graphDocString} → {@code GraphProto.doc_string};
 *   <li>{@code metadata} → {@code ModelProto.metadata_props}, e.g. {@code model_name}, {@code model_version}
 *       (the artifact's version string such as "2026-11-23T02-00Z"), {@code training_run}, {@code features}.
 * </ul>
 */
public record OnnxModelInfo(
    String producerName,
    String producerVersion,
    String domain,
    long modelVersion,
    String docString,
    String graphDocString,
    Map<String, String> metadata) {

  public static final String DEFAULT_PRODUCER = "streamrec-trainer";
  public static final String DEFAULT_DOMAIN = "io.streamrec";
  /** Conventional metadata keys (free-form keys are allowed too). */
  public static final String KEY_MODEL_NAME = "model_name";
  public static final String KEY_MODEL_VERSION = "model_version";

  public OnnxModelInfo {
    Objects.requireNonNull(producerName, "producerName");
    Objects.requireNonNull(producerVersion, "producerVersion");
    Objects.requireNonNull(domain, "domain");
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata == null ? Map.of() : metadata));
  }

  /** Producer "streamrec-trainer" at the given version, domain "io.streamrec", nothing else set. */
  public static OnnxModelInfo of(String producerVersion) {
    return new OnnxModelInfo(DEFAULT_PRODUCER, producerVersion, DEFAULT_DOMAIN, 0, null, null, Map.of());
  }

  /** A copy with {@code metadata_props} {@code model_name} and {@code model_version} set. */
  public OnnxModelInfo withModel(String modelName, String modelVersionString) {
    return withMetadata(KEY_MODEL_NAME, modelName).withMetadata(KEY_MODEL_VERSION, modelVersionString);
  }

  /** A copy with one more (or a replaced) {@code metadata_props} entry. */
  public OnnxModelInfo withMetadata(String key, String value) {
    Map<String, String> m = new LinkedHashMap<>(metadata);
    m.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return new OnnxModelInfo(producerName, producerVersion, domain, modelVersion, docString, graphDocString, m);
  }

  public OnnxModelInfo withDocString(String doc) {
    return new OnnxModelInfo(producerName, producerVersion, domain, modelVersion, doc, graphDocString, metadata);
  }

  public OnnxModelInfo withModelVersion(long version) {
    return new OnnxModelInfo(producerName, producerVersion, domain, version, docString, graphDocString, metadata);
  }

  /** Fills in a doc string only if none was given (used for the built-in descriptions of each graph). */
  OnnxModelInfo withDefaultDocString(String doc) {
    return docString == null ? withDocString(doc) : this;
  }
}
