package io.streamrec.core.store;

import java.io.Serializable;

/**
 * Which feature store a job talks to, as given on the command line: {@code embedded} or {@code embedded:<name>}.
 * Serializable so Flink functions carry the spec and open the store on the task manager.
 */
public record FeatureStoreSpec(String backend, String name) implements Serializable {

  public static final String DEFAULT_NAME = "default";

  public static FeatureStoreSpec parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("feature store spec is empty; expected 'embedded' or 'embedded:<name>'");
    }
    String s = spec.trim();
    if (s.equals("embedded")) {
      return new FeatureStoreSpec("embedded", DEFAULT_NAME);
    }
    if (s.startsWith("embedded:") && s.length() > "embedded:".length()) {
      return new FeatureStoreSpec("embedded", s.substring("embedded:".length()));
    }
    throw new IllegalArgumentException(
        "unknown feature store '" + spec + "': this version supports 'embedded' or 'embedded:<name>'");
  }

  public FeatureStore open() {
    return switch (backend) {
      case "embedded" -> EmbeddedFeatureStore.shared(name);
      default -> throw new IllegalStateException("unknown backend " + backend);
    };
  }

  @Override
  public String toString() {
    return backend + ":" + name;
  }
}
