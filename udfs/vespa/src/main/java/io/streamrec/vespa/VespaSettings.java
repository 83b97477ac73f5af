package io.streamrec.vespa;

import static io.streamrec.core.config.SpecParameters.integer;
import static io.streamrec.core.config.SpecParameters.nonEmpty;
import static io.streamrec.core.config.SpecParameters.requirePositive;

import io.streamrec.core.config.SpecParameters;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * How to reach a Vespa application and how the index talks to it. Parsed from the vector index spec:
 *
 * <pre>
 * vespa+http://host:8080/?namespace=streamrec&amp;dimension=32&amp;maxInflight=256&amp;timeoutMs=10000
 * vespa+https://host:443/?cert=/etc/vespa/data-plane-cert.pem&amp;key=/etc/vespa/data-plane-key.pem&amp;ca=/etc/vespa/ca.pem
 * </pre>
 *
 * {@code vespa+http} is HTTP/2 over clear text with prior knowledge (h2c), which is what vespa-feed-client speaks to
 * an {@code http://} endpoint; {@code vespa+https} is HTTP/2 over TLS, optionally with a client certificate (mTLS, as
 * Vespa Cloud's data plane wants). Secrets never go into the spec (it ends up in job arguments, logs and the web UI):
 * {@code cert}/{@code key}/{@code ca} name files, {@code tokenEnv} names the environment variable holding a bearer
 * token.
 *
 * @param endpoint the container's base URI, {@code http://host:port} or {@code https://host:port}
 * @param namespace the document id namespace; also stored in every item (field {@code ns}) so queries of two
 *     namespaces sharing one application never see each other's items
 * @param dimension the embedding length the deployed schema declares ({@code tensor<float>(x[dimension])}); a
 *     generation of another dimension is refused, because changing it is a schema change, not a feed
 * @param cluster the content cluster id in services.xml, needed to delete an old generation by selection
 * @param maxInflight writes that may be pending at once (sent or waiting to be sent); a further write blocks its
 *     caller for at most {@code maxBlock}, then fails retryably. This is the backpressure into Flink
 * @param maxBlock how long a write waits for an in-flight slot
 * @param timeout bound on one write including the feed client's retries (429, 503, I/O errors), and on registry
 *     calls; also sent to Vespa as the operation timeout
 * @param queryTimeout sent with every query as {@code timeout}; the HTTP request gets one more second
 * @param activeCacheTime how long the generation registry (which generation is active) is cached; 0 = read it for
 *     every call. The instance that publishes sees its own publish at once
 * @param connections HTTP/2 connections the feed client opens (each multiplexes many streams)
 * @param rankProfile the rank profile that scores by inner product (see schemas/item.sd)
 * @param exploreAdditionalHits {@code hnsw.exploreAdditionalHits} sent with each nearestNeighbor; 0 = omitted
 * @param compression request body compression of the feed client: {@code auto} (gzip above 512 bytes), {@code gzip}
 *     or {@code none}
 * @param certificate client certificate (PEM) for mTLS, or null
 * @param privateKey its private key (PEM, PKCS#8), or null
 * @param caCertificates CA certificates (PEM) to trust instead of the JDK's, or null
 * @param tokenEnv name of an environment variable holding a data-plane token sent as {@code Authorization: Bearer},
 *     or null
 */
public record VespaSettings(
    URI endpoint,
    String namespace,
    int dimension,
    String cluster,
    int maxInflight,
    Duration maxBlock,
    Duration timeout,
    Duration queryTimeout,
    Duration activeCacheTime,
    int connections,
    String rankProfile,
    int exploreAdditionalHits,
    String compression,
    Path certificate,
    Path privateKey,
    Path caCertificates,
    String tokenEnv) {

  public static final String HTTP_SCHEME = "vespa+http";
  public static final String HTTPS_SCHEME = "vespa+https";
  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final int DEFAULT_HTTPS_PORT = 443;

  /** The spec's query parameters and what they mean, for error messages and the README. */
  static final Map<String, String> PARAMETERS = parameters();

  public VespaSettings {
    Objects.requireNonNull(endpoint, "endpoint");
    String scheme = endpoint.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw new IllegalArgumentException("endpoint must be http:// or https://, got " + endpoint);
    }
    if (endpoint.getHost() == null || endpoint.getPort() < 1) {
      throw new IllegalArgumentException("endpoint needs a host and a port, got " + endpoint);
    }
    Objects.requireNonNull(namespace, "namespace");
    if (!namespace.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new IllegalArgumentException("namespace must match [A-Za-z0-9_.-]{1,64}, got '" + namespace + "'");
    }
    if (dimension < 1 || dimension > 4096) {
      throw new IllegalArgumentException("dimension must be in 1..4096, got " + dimension);
    }
    Objects.requireNonNull(cluster, "cluster");
    if (!cluster.matches("[A-Za-z0-9_-]{1,64}")) {
      throw new IllegalArgumentException("cluster must match [A-Za-z0-9_-]{1,64}, got '" + cluster + "'");
    }
    if (maxInflight < 1 || maxInflight > 65536) {
      throw new IllegalArgumentException("maxInflight must be in 1..65536, got " + maxInflight);
    }
    requireNotNegative("maxBlockMs", maxBlock);
    requirePositive("timeoutMs", timeout);
    requirePositive("queryTimeoutMs", queryTimeout);
    requireNotNegative("activeCacheMs", activeCacheTime);
    if (connections < 1 || connections > 64) {
      throw new IllegalArgumentException("connections must be in 1..64, got " + connections);
    }
    Objects.requireNonNull(rankProfile, "rankProfile");
    if (!rankProfile.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException("rankProfile must match [A-Za-z0-9_-]+, got '" + rankProfile + "'");
    }
    if (exploreAdditionalHits < 0 || exploreAdditionalHits > 100_000) {
      throw new IllegalArgumentException("exploreAdditionalHits must be in 0..100000, got " + exploreAdditionalHits);
    }
    Objects.requireNonNull(compression, "compression");
    if (!compression.equals("auto") && !compression.equals("gzip") && !compression.equals("none")) {
      throw new IllegalArgumentException("compression must be auto, gzip or none, got '" + compression + "'");
    }
    boolean tls = "https".equals(scheme);
    if (!tls && (certificate != null || privateKey != null || caCertificates != null)) {
      throw new IllegalArgumentException("cert, key and ca need " + HTTPS_SCHEME + "://");
    }
    if ((certificate == null) != (privateKey == null)) {
      throw new IllegalArgumentException("cert and key go together (a client certificate needs its private key)");
    }
    if (tokenEnv != null && !tokenEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("tokenEnv must name an environment variable, got '" + tokenEnv + "'");
    }
  }

  /** Settings with the documented defaults for an endpoint such as {@code http://localhost:8080}. */
  public static Builder builder(URI endpoint) {
    return new Builder(endpoint);
  }

  public boolean tls() {
    return "https".equals(endpoint.getScheme());
  }

  /**
   * Parses a {@code vespa+http://} or {@code vespa+https://} spec. Every problem is an {@link
   * IllegalArgumentException} that names the spec and what is wrong with it.
   */
  public static VespaSettings parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    URI uri;
    try {
      uri = new URI(spec);
    } catch (URISyntaxException e) {
      throw bad(spec, "not a URI: " + e.getMessage());
    }
    String scheme = uri.getScheme();
    if (!HTTP_SCHEME.equals(scheme) && !HTTPS_SCHEME.equals(scheme)) {
      throw bad(spec, "it must start with " + HTTP_SCHEME + ":// or " + HTTPS_SCHEME + "://");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw bad(spec, "no host; expected " + scheme + "://host:port/?namespace=...");
    }
    if (uri.getUserInfo() != null) {
      throw bad(spec, "user info in the URI is not supported; use tokenEnv or cert/key");
    }
    if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
      throw bad(spec, "the path must be empty or '/', got '" + uri.getRawPath() + "'");
    }
    if (uri.getRawFragment() != null) {
      throw bad(spec, "a fragment (#...) is not allowed");
    }
    boolean https = HTTPS_SCHEME.equals(scheme);
    int port = uri.getPort() > 0 ? uri.getPort() : https ? DEFAULT_HTTPS_PORT : DEFAULT_HTTP_PORT;
    String host = uri.getHost();
    URI endpoint = URI.create((https ? "https" : "http") + "://" + host + ":" + port);
    Builder b = new Builder(endpoint);
    String query = uri.getRawQuery();
    try {
      SpecParameters.apply(query, b::set);
      return b.build();
    } catch (IllegalArgumentException e) {
      throw bad(spec, e.getMessage());
    }
  }

  @Override
  public String toString() {
    // Paths and variable names only: no secret is ever held here.
    return (tls() ? HTTPS_SCHEME : HTTP_SCHEME) + "://" + endpoint.getHost() + ":" + endpoint.getPort()
        + "/?namespace=" + namespace + "&dimension=" + dimension + "&cluster=" + cluster;
  }

  private static void requireNotNegative(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must be >= 0, got " + d.toMillis());
    }
  }

  private static IllegalArgumentException bad(String spec, String why) {
    return new IllegalArgumentException("bad Vespa vector index spec '" + spec + "': " + why);
  }

  private static Map<String, String> parameters() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("namespace", "document id namespace, also stored per item (default streamrec)");
    m.put("dimension", "embedding length of the deployed schema, tensor<float>(x[N]) (default 32)");
    m.put("cluster", "content cluster id in services.xml (default streamrec)");
    m.put("maxInflight", "writes pending at once before write() blocks (default 256)");
    m.put("maxBlockMs", "how long a write blocks for a slot before failing retryably (default 1000)");
    m.put("timeoutMs", "bound on one write with its retries, and on registry calls (default 10000)");
    m.put("queryTimeoutMs", "query timeout sent to Vespa (default 1000)");
    m.put("activeCacheMs", "how long the active generation is cached; 0 = always read (default 1000)");
    m.put("connections", "HTTP/2 connections of the feed client (default 2)");
    m.put("rankProfile", "rank profile scoring by inner product (default inner_product)");
    m.put("exploreAdditionalHits", "hnsw.exploreAdditionalHits per query; 0 = omitted (default 0)");
    m.put("compression", "feed body compression: auto (gzip > 512 bytes), gzip, none (default auto)");
    m.put("cert", "client certificate file (PEM), vespa+https only");
    m.put("key", "its private key file (PEM, PKCS#8), vespa+https only");
    m.put("ca", "CA certificates file (PEM) to trust, vespa+https only (default: the JDK's)");
    m.put("tokenEnv", "environment variable holding a bearer token for Authorization");
    return Map.copyOf(m);
  }

  /** Builds settings with the documented defaults. */
  public static final class Builder {
    private final URI endpoint;
    private String namespace = VespaLayout.DEFAULT_NAMESPACE;
    private int dimension = 32;
    private String cluster = VespaLayout.DEFAULT_CLUSTER;
    private int maxInflight = 256;
    private Duration maxBlock = Duration.ofSeconds(1);
    private Duration timeout = Duration.ofSeconds(10);
    private Duration queryTimeout = Duration.ofSeconds(1);
    private Duration activeCacheTime = Duration.ofSeconds(1);
    private int connections = 2;
    private String rankProfile = VespaLayout.RANK_PROFILE;
    private int exploreAdditionalHits = 0;
    private String compression = "auto";
    private Path certificate;
    private Path privateKey;
    private Path caCertificates;
    private String tokenEnv;

    private Builder(URI endpoint) {
      this.endpoint = endpoint;
    }

    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    public Builder dimension(int dimension) {
      this.dimension = dimension;
      return this;
    }

    public Builder cluster(String cluster) {
      this.cluster = cluster;
      return this;
    }

    public Builder maxInflight(int maxInflight, Duration maxBlock) {
      this.maxInflight = maxInflight;
      this.maxBlock = maxBlock;
      return this;
    }

    public Builder timeouts(Duration timeout, Duration queryTimeout) {
      this.timeout = timeout;
      this.queryTimeout = queryTimeout;
      return this;
    }

    public Builder activeCacheTime(Duration activeCacheTime) {
      this.activeCacheTime = activeCacheTime;
      return this;
    }

    public Builder connections(int connections) {
      this.connections = connections;
      return this;
    }

    public Builder rankProfile(String rankProfile) {
      this.rankProfile = rankProfile;
      return this;
    }

    public Builder exploreAdditionalHits(int exploreAdditionalHits) {
      this.exploreAdditionalHits = exploreAdditionalHits;
      return this;
    }

    public Builder compression(String compression) {
      this.compression = compression;
      return this;
    }

    public Builder tls(Path certificate, Path privateKey, Path caCertificates) {
      this.certificate = certificate;
      this.privateKey = privateKey;
      this.caCertificates = caCertificates;
      return this;
    }

    public Builder tokenEnv(String tokenEnv) {
      this.tokenEnv = tokenEnv;
      return this;
    }

    public VespaSettings build() {
      return new VespaSettings(endpoint, namespace, dimension, cluster, maxInflight, maxBlock, timeout, queryTimeout,
          activeCacheTime, connections, rankProfile, exploreAdditionalHits, compression, certificate, privateKey,
          caCertificates, tokenEnv);
    }

    private void set(String name, String value) {
      switch (name) {
        case "namespace" -> namespace = value;
        case "dimension" -> dimension = integer(name, value);
        case "cluster" -> cluster = value;
        case "maxInflight" -> maxInflight = integer(name, value);
        case "maxBlockMs" -> maxBlock = Duration.ofMillis(integer(name, value));
        case "timeoutMs" -> timeout = Duration.ofMillis(integer(name, value));
        case "queryTimeoutMs" -> queryTimeout = Duration.ofMillis(integer(name, value));
        case "activeCacheMs" -> activeCacheTime = Duration.ofMillis(integer(name, value));
        case "connections" -> connections = integer(name, value);
        case "rankProfile" -> rankProfile = value;
        case "exploreAdditionalHits" -> exploreAdditionalHits = integer(name, value);
        case "compression" -> compression = value;
        case "cert" -> certificate = path(name, value);
        case "key" -> privateKey = path(name, value);
        case "ca" -> caCertificates = path(name, value);
        case "tokenEnv" -> tokenEnv = nonEmpty(name, value);
        case "token", "password" -> throw new IllegalArgumentException(
            "a secret never goes into the spec (it ends up in job arguments and logs);"
                + " put the token in an environment variable and name it with tokenEnv=<VAR>");
        default -> throw new IllegalArgumentException("unknown parameter '" + name + "'; known: "
            + new TreeSet<>(PARAMETERS.keySet()));
      }
    }

    private static Path path(String name, String value) {
      return Path.of(nonEmpty(name, value));
    }
  }
}
