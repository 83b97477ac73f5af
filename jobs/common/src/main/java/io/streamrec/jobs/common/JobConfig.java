package io.streamrec.jobs.common;

import io.streamrec.core.contract.TopicSpec;
import io.streamrec.core.index.VectorIndexSpec;
import io.streamrec.core.store.FeatureStoreSpec;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.java.utils.ParameterTool;

/**
 * The arguments every job takes, parsed once into an immutable value and shown in the web UI (Job → Configuration)
 * through {@link #asGlobalParameters()}.
 *
 * <pre>
 *   --bootstrap-servers 127.0.0.1:9092   Kafka
 *   --topic-prefix ""                    prepended to every topic name (e.g. "staging.")
 *   --feature-store embedded             embedded | embedded:&lt;name&gt; | aerospike://...
 *   --vector-index embedded              embedded | embedded:&lt;name&gt; | vespa+http://host:8080/...
 *   --model-dir model-artifacts          the model registry (ONNX models, manifests, CURRENT pointers)
 *   --group-prefix streamrec             consumer group = &lt;prefix&gt;-&lt;job&gt;
 *   --starting-offsets committed         committed (falling back to earliest) | earliest | latest
 *   --buffer-timeout-ms -1               -1 = the job's own default (serving: 0)
 *   --kafka-properties FILE              Kafka client properties (TLS, SASL) for every Kafka client of the job
 *   --kafka.&lt;property&gt; VALUE            one Kafka client property; overrides the file's
 * </pre>
 *
 * <p>Kafka secrets are references, never values: see {@link KafkaClientProperties}.
 */
public final class JobConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  public enum StartingOffsets {
    COMMITTED,
    EARLIEST,
    LATEST
  }

  private final String bootstrapServers;
  private final String topicPrefix;
  private final FeatureStoreSpec featureStore;
  private final VectorIndexSpec vectorIndex;
  private final String modelDir;
  private final String groupPrefix;
  private final StartingOffsets startingOffsets;
  private final long bufferTimeoutMs;
  private final KafkaClientProperties kafka;

  private JobConfig(String bootstrapServers, String topicPrefix, FeatureStoreSpec featureStore,
      VectorIndexSpec vectorIndex, String modelDir, String groupPrefix, StartingOffsets startingOffsets,
      long bufferTimeoutMs, KafkaClientProperties kafka) {
    this.bootstrapServers = bootstrapServers;
    this.topicPrefix = topicPrefix;
    this.featureStore = featureStore;
    this.vectorIndex = vectorIndex;
    this.modelDir = modelDir;
    this.groupPrefix = groupPrefix;
    this.startingOffsets = startingOffsets;
    this.bufferTimeoutMs = bufferTimeoutMs;
    this.kafka = kafka;
  }

  public static JobConfig fromArgs(String... args) {
    ParameterTool p = ParameterTool.fromArgs(args);
    String offsets = p.get("starting-offsets", "committed");
    StartingOffsets starting;
    try {
      starting = StartingOffsets.valueOf(offsets.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--starting-offsets must be committed, earliest or latest, got '" + offsets + "'");
    }
    long bufferTimeout = p.getLong("buffer-timeout-ms", -1);
    if (bufferTimeout < -1) {
      throw new IllegalArgumentException("--buffer-timeout-ms must be >= -1, got " + bufferTimeout);
    }
    String bootstrap = p.get("bootstrap-servers", "127.0.0.1:9092");
    if (bootstrap.isBlank()) {
      throw new IllegalArgumentException("--bootstrap-servers must not be empty");
    }
    return new JobConfig(bootstrap, p.get("topic-prefix", ""),
        FeatureStoreSpec.parse(p.get("feature-store", "embedded")),
        VectorIndexSpec.parse(p.get("vector-index", "embedded")), modelDir(p.get("model-dir", "model-artifacts")),
        p.get("group-prefix", "streamrec"), starting, bufferTimeout,
        KafkaClientProperties.parse(p.get(KafkaClientProperties.FILE_OPTION, null), p.toMap()));
  }

  private static String modelDir(String dir) {
    if (dir.isBlank()) {
      throw new IllegalArgumentException("--model-dir must not be empty");
    }
    return dir;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public String topicPrefix() {
    return topicPrefix;
  }

  public String topic(TopicSpec spec) {
    return spec.nameWithPrefix(topicPrefix);
  }

  public FeatureStoreSpec featureStore() {
    return featureStore;
  }

  public VectorIndexSpec vectorIndex() {
    return vectorIndex;
  }

  /** The model registry root, as given (resolved against the task manager's working directory if relative). */
  public String modelDir() {
    return modelDir;
  }

  public String groupId(String jobName) {
    return groupPrefix + "-" + jobName;
  }

  public StartingOffsets startingOffsets() {
    return startingOffsets;
  }

  /** The buffer timeout to use, or {@code jobDefault} when none was given. */
  public long bufferTimeoutMs(long jobDefault) {
    return bufferTimeoutMs < 0 ? jobDefault : bufferTimeoutMs;
  }

  /** The Kafka client properties every Kafka client of the job gets (besides bootstrap.servers). */
  public KafkaClientProperties kafka() {
    return kafka;
  }

  /** The arguments that reproduce this config, e.g. to submit the same job to another cluster. */
  public String[] toArgs() {
    java.util.List<String> args = new java.util.ArrayList<>();
    basics().forEach((k, v) -> {
      args.add("--" + k);
      args.add(v);
    });
    args.addAll(kafka.toArgs());
    return args.toArray(String[]::new);
  }

  /** Every option and its value, as the web UI shows them; Kafka secrets appear as their references only. */
  public Map<String, String> toMap() {
    Map<String, String> m = basics();
    m.putAll(kafka.toMap());
    return m;
  }

  private Map<String, String> basics() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("bootstrap-servers", bootstrapServers);
    m.put("topic-prefix", topicPrefix);
    m.put("feature-store", featureStore.toString());
    m.put("vector-index", vectorIndex.toString());
    m.put("model-dir", modelDir);
    m.put("group-prefix", groupPrefix);
    m.put("starting-offsets", startingOffsets.name().toLowerCase(java.util.Locale.ROOT));
    m.put("buffer-timeout-ms", Long.toString(bufferTimeoutMs));
    return m;
  }

  public ExecutionConfig.GlobalJobParameters asGlobalParameters() {
    return ParameterTool.fromMap(toMap());
  }

  @Override
  public String toString() {
    return "JobConfig" + toMap();
  }
}
