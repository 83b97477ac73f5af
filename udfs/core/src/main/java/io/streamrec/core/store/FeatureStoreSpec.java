package io.streamrec.core.store;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Which feature store a job talks to, as given on the command line ({@code --feature-store}):
 *
 * <ul>
 *   <li>{@code embedded} or {@code embedded:<name>} — the in-process store (default);
 *   <li>{@code <scheme>://...} — a networked backend whose module provides a {@link FeatureStoreFactory} for that
 *       scheme, e.g. {@code aerospike://host1:3000,host2:3000/streamrec?tls=true}.
 * </ul>
 *
 * Serializable so Flink functions carry the spec and open the store on the task manager.
 */
public record FeatureStoreSpec(String backend, String name, String uri) implements Serializable {

  public static final String DEFAULT_NAME = "default";

  public static FeatureStoreSpec parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException(
          "feature store spec is empty; expected 'embedded', 'embedded:<name>' or '<scheme>://...'");
    }
    String s = spec.trim();
    if (s.equals("embedded")) {
      return new FeatureStoreSpec("embedded", DEFAULT_NAME, null);
    }
    if (s.startsWith("embedded:") && s.length() > "embedded:".length() && !s.startsWith("embedded://")) {
      return new FeatureStoreSpec("embedded", s.substring("embedded:".length()), null);
    }
    int sep = s.indexOf("://");
    if (sep > 0) {
      String scheme = s.substring(0, sep);
      try {
        // Syntax check only; factories parse the rest. Not URI(scheme, host, path, fragment): that one also parses
        // the authority as one host[:port] and so rejects a seed list (aerospike://h1:3000,h2:3000/ns).
        new URI(scheme, "//" + s.substring(sep + 3), null);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("feature store '" + spec + "' is not a valid URI: " + e.getMessage());
      }
      return new FeatureStoreSpec(scheme, null, s);
    }
    throw new IllegalArgumentException("unknown feature store '" + spec
        + "': expected 'embedded', 'embedded:<name>' or '<scheme>://...' (e.g. aerospike://host:3000/namespace)");
  }

  public FeatureStore open() {
    if (backend.equals("embedded")) {
      return EmbeddedFeatureStore.shared(name);
    }
    List<String> known = new ArrayList<>();
    for (FeatureStoreFactory factory : ServiceLoader.load(FeatureStoreFactory.class, classLoader())) {
      if (factory.scheme().equals(backend)) {
        return factory.open(this);
      }
      known.add(factory.scheme());
    }
    throw new IllegalStateException("no feature store backend for '" + backend + "://' on the classpath (found: "
        + (known.isEmpty() ? "none" : known) + "); add its module (e.g. streamrec-udfs-aerospike) to the job");
  }

  private static ClassLoader classLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : FeatureStoreSpec.class.getClassLoader();
  }

  @Override
  public String toString() {
    return uri != null ? uri : backend + ":" + name;
  }
}
