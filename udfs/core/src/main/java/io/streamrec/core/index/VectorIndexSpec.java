package io.streamrec.core.index;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Which vector index a job talks to, as given on the command line ({@code --vector-index}):
 *
 * <ul>
 *   <li>{@code embedded} or {@code embedded:<name>} — the in-process Lucene index, shared by name inside one JVM
 *       (default);
 *   <li>{@code <scheme>://...} — a networked backend whose module provides a {@link VectorIndexFactory}, e.g.
 *       {@code vespa+http://localhost:8080/?namespace=streamrec}.
 * </ul>
 *
 * Serializable so Flink functions carry the spec and open the index on the task manager.
 */
public record VectorIndexSpec(String backend, String name, String uri) implements Serializable {

  public static final String DEFAULT_NAME = "default";

  public static VectorIndexSpec parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException(
          "vector index spec is empty; expected 'embedded', 'embedded:<name>' or '<scheme>://...'");
    }
    String s = spec.trim();
    if (s.equals("embedded")) {
      return new VectorIndexSpec("embedded", DEFAULT_NAME, null);
    }
    if (s.startsWith("embedded:") && s.length() > "embedded:".length() && !s.startsWith("embedded://")) {
      return new VectorIndexSpec("embedded", s.substring("embedded:".length()), null);
    }
    int sep = s.indexOf("://");
    if (sep > 0) {
      try {
        new URI(s);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("vector index '" + spec + "' is not a valid URI: " + e.getMessage());
      }
      return new VectorIndexSpec(s.substring(0, sep), null, s);
    }
    throw new IllegalArgumentException("unknown vector index '" + spec
        + "': expected 'embedded', 'embedded:<name>' or '<scheme>://...' (e.g. vespa+http://host:8080/)");
  }

  /** Opens the index through the factory registered for its backend. */
  public VectorIndex open() {
    List<String> known = new ArrayList<>();
    for (VectorIndexFactory factory : ServiceLoader.load(VectorIndexFactory.class, classLoader())) {
      if (factory.supports(backend)) {
        return factory.open(this);
      }
      known.add(factory.getClass().getSimpleName());
    }
    throw new IllegalStateException("no vector index backend for '" + backend + "' on the classpath (found: "
        + (known.isEmpty() ? "none" : known) + "); add its module (streamrec-udfs-index-lucene for 'embedded', "
        + "streamrec-udfs-vespa for 'vespa+http') to the job");
  }

  private static ClassLoader classLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : VectorIndexSpec.class.getClassLoader();
  }

  @Override
  public String toString() {
    return uri != null ? uri : backend + ":" + name;
  }
}
