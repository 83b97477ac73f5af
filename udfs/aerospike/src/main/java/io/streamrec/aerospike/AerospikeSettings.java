package io.streamrec.aerospike;

import static io.streamrec.core.config.SpecParameters.integer;
import static io.streamrec.core.config.SpecParameters.nonEmpty;
import static io.streamrec.core.config.SpecParameters.requirePositive;

import io.streamrec.core.config.SpecParameters;
import io.streamrec.core.contract.StoreLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach an Aerospike cluster and how the feature store talks to it. Parsed from the feature store spec:
 *
 * <pre>
 * aerospike://h1:3000,h2:3000/&lt;namespace&gt;?tls=true&amp;tlsName=x&amp;user=u&amp;passwordEnv=AEROSPIKE_PASSWORD
 *     &amp;totalTimeoutMs=50&amp;socketTimeoutMs=30&amp;maxRetries=2
 * </pre>
 *
 * The password is never part of the spec (specs end up in job arguments, logs and the web UI): {@code passwordEnv}
 * names the environment variable that holds it, read when the client is built.
 *
 * @param hosts seed hosts as {@code host:port} ({@code [v6addr]:port} for IPv6; the port defaults to 3000)
 * @param namespace the Aerospike namespace; {@link StoreLayout#NAMESPACE} when the spec has no path
 * @param user user name, or null when the cluster has no security
 * @param passwordEnv name of the environment variable holding the password; required with {@code user}
 * @param tls whether to talk TLS
 * @param tlsName the name on the servers' certificates; null = the client's default (cluster name or host name)
 * @param totalTimeout bound on one command including its retries
 * @param socketTimeout bound on one attempt's socket idle time
 * @param maxRetries retries of a command after a timeout or a connection error (writes are idempotent: see
 *     {@link AerospikeFeatureStore})
 * @param connectTimeout bound on the initial connection and each cluster tend
 * @param eventLoops async event loops (NIO); 0 = no event loops, blocking calls on a bounded executor instead
 * @param maxCommandsInProcess commands in flight at once (per event loop; or executor threads without loops)
 * @param maxCommandsInQueue commands waiting for a slot; beyond that a call fails fast with a retryable error
 * @param tombstoneTtl how long the marker of a delete is kept; {@link Duration#ZERO} = for ever (the default, as
 *     the embedded store). A late upsert older than a delete is refused only while the marker lives.
 */
public record AerospikeSettings(
    List<String> hosts,
    String namespace,
    String user,
    String passwordEnv,
    boolean tls,
    String tlsName,
    Duration totalTimeout,
    Duration socketTimeout,
    int maxRetries,
    Duration connectTimeout,
    int eventLoops,
    int maxCommandsInProcess,
    int maxCommandsInQueue,
    Duration tombstoneTtl) {

  public static final String SCHEME = "aerospike";
  public static final int DEFAULT_PORT = 3000;
  /** Aerospike namespace names are at most 31 bytes. */
  static final int MAX_NAMESPACE_BYTES = 31;

  /** The spec's query parameters and what they mean, for error messages and the README. */
  static final Map<String, String> PARAMETERS = parameters();

  public AerospikeSettings {
    Objects.requireNonNull(hosts, "hosts");
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("at least one Aerospike host is needed");
    }
    hosts = hosts.stream().map(AerospikeSettings::normaliseHost).toList(); // validated, as host:port
    Objects.requireNonNull(namespace, "namespace");
    if (namespace.isEmpty() || namespace.getBytes(StandardCharsets.UTF_8).length > MAX_NAMESPACE_BYTES) {
      throw new IllegalArgumentException(
          "namespace '" + namespace + "' must be 1 to " + MAX_NAMESPACE_BYTES + " bytes");
    }
    if (user != null && user.isEmpty()) {
      throw new IllegalArgumentException("user is empty; leave it out for a cluster without security");
    }
    if (user != null && (passwordEnv == null || passwordEnv.isEmpty())) {
      throw new IllegalArgumentException("user '" + user
          + "' needs passwordEnv=<name of the environment variable holding the password>");
    }
    if (user == null && passwordEnv != null) {
      throw new IllegalArgumentException("passwordEnv=" + passwordEnv + " is given without a user");
    }
    if (tlsName != null && !tls) {
      throw new IllegalArgumentException("tlsName=" + tlsName + " needs tls=true");
    }
    requirePositive("totalTimeoutMs", totalTimeout);
    requirePositive("socketTimeoutMs", socketTimeout);
    requirePositive("connectTimeoutMs", connectTimeout);
    Objects.requireNonNull(tombstoneTtl, "tombstoneTtl");
    if (tombstoneTtl.isNegative()) {
      throw new IllegalArgumentException("tombstoneTtlS must not be negative: " + tombstoneTtl);
    }
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
    }
    if (eventLoops < 0) {
      throw new IllegalArgumentException("eventLoops must be >= 0, got " + eventLoops);
    }
    if (maxCommandsInProcess < 1) {
      throw new IllegalArgumentException("maxCommandsInProcess must be >= 1, got " + maxCommandsInProcess);
    }
    if (maxCommandsInQueue < 1) { // 0 would mean "unbounded" to the client's EventPolicy
      throw new IllegalArgumentException("maxCommandsInQueue must be >= 1, got " + maxCommandsInQueue);
    }
  }

  public static Builder builder(String... hosts) {
    return new Builder(List.of(hosts));
  }

  /** Whether reads and writes use the client's async API (event loops) or blocking calls on an executor. */
  public boolean async() {
    return eventLoops > 0;
  }

  /**
   * Parses an {@code aerospike://} spec. Every problem is an {@link IllegalArgumentException} that names the spec
   * and what is wrong with it.
   */
  public static AerospikeSettings parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    String prefix = SCHEME + "://";
    if (!spec.startsWith(prefix)) {
      throw bad(spec, "it must start with " + prefix);
    }
    String rest = spec.substring(prefix.length());
    String query = null;
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    String authority = rest;
    String path = "";
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      authority = rest.substring(0, slash);
      path = rest.substring(slash + 1);
    }
    if (authority.isEmpty()) {
      throw bad(spec, "no hosts; expected aerospike://host:port[,host:port...]/namespace");
    }
    if (path.contains("/")) {
      throw bad(spec, "the path must be just the namespace, got '" + path + "'");
    }
    Builder b = new Builder(List.of(authority.split(",", -1)));
    if (!path.isEmpty()) {
      try {
        b.namespace = SpecParameters.decode(path);
      } catch (IllegalArgumentException e) {
        throw bad(spec, e.getMessage());
      }
    }
    try {
      SpecParameters.apply(query, b::set);
      return b.build();
    } catch (IllegalArgumentException e) {
      throw bad(spec, e.getMessage());
    }
  }

  /** {@code host:port} split into its parts; the port defaults to {@value #DEFAULT_PORT}. */
  static HostPort parseHost(String hostPort) {
    String s = hostPort.trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty host in the host list");
    }
    String host;
    String port = null;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("host '" + hostPort + "' has an unclosed '['");
      }
      host = s.substring(1, close);
      String tail = s.substring(close + 1);
      if (!tail.isEmpty()) {
        if (!tail.startsWith(":")) {
          throw new IllegalArgumentException("host '" + hostPort + "': expected ':port' after ']'");
        }
        port = tail.substring(1);
      }
    } else {
      int colon = s.indexOf(':');
      if (colon >= 0 && s.indexOf(':', colon + 1) >= 0) {
        throw new IllegalArgumentException("host '" + hostPort + "': write IPv6 addresses as [addr]:port");
      }
      host = colon >= 0 ? s.substring(0, colon) : s;
      port = colon >= 0 ? s.substring(colon + 1) : null;
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host '" + hostPort + "' has no host name");
    }
    int p = DEFAULT_PORT;
    if (port != null) {
      try {
        p = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        p = -1;
      }
      if (p < 1 || p > 65535) {
        throw new IllegalArgumentException("host '" + hostPort + "' has a bad port '" + port + "' (1-65535)");
      }
    }
    return new HostPort(host, p);
  }

  private static String normaliseHost(String hostPort) {
    return parseHost(hostPort).toString();
  }

  /** A seed host. */
  record HostPort(String host, int port) {
    @Override
    public String toString() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
  }

  List<HostPort> hostPorts() {
    return hosts.stream().map(AerospikeSettings::parseHost).toList();
  }

  private static IllegalArgumentException bad(String spec, String why) {
    return new IllegalArgumentException("bad Aerospike feature store spec '" + spec + "': " + why);
  }

  private static Map<String, String> parameters() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("tls", "true|false (default false)");
    m.put("tlsName", "name on the servers' certificates (default: cluster or host name)");
    m.put("user", "user name (needs passwordEnv)");
    m.put("passwordEnv", "name of the environment variable holding the password");
    m.put("totalTimeoutMs", "bound on a command with its retries (default 1000)");
    m.put("socketTimeoutMs", "bound on one attempt (default 500)");
    m.put("maxRetries", "retries after a timeout or connection error (default 2)");
    m.put("connectTimeoutMs", "bound on connecting and tending the cluster (default 1000)");
    m.put("eventLoops", "async NIO event loops; 0 = blocking calls on a bounded executor (default 1)");
    m.put("maxCommandsInProcess", "commands in flight per event loop, or executor threads (default 64)");
    m.put("maxCommandsInQueue", "commands waiting beyond that before calls fail fast (default 1024)");
    m.put("tombstoneTtlS", "seconds a delete marker is kept; 0 = for ever (default 0)");
    return Map.copyOf(m);
  }

  /** Builds settings with the documented defaults. */
  public static final class Builder {
    private final List<String> hosts;
    private String namespace = StoreLayout.NAMESPACE;
    private String user;
    private String passwordEnv;
    private boolean tls;
    private String tlsName;
    private Duration totalTimeout = Duration.ofMillis(1000);
    private Duration socketTimeout = Duration.ofMillis(500);
    private int maxRetries = 2;
    private Duration connectTimeout = Duration.ofMillis(1000);
    private int eventLoops = 1;
    private int maxCommandsInProcess = 64;
    private int maxCommandsInQueue = 1024;
    private Duration tombstoneTtl = Duration.ZERO;

    private Builder(List<String> hosts) {
      this.hosts = hosts;
    }

    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    public Builder user(String user, String passwordEnv) {
      this.user = user;
      this.passwordEnv = passwordEnv;
      return this;
    }

    public Builder tls(boolean tls, String tlsName) {
      this.tls = tls;
      this.tlsName = tlsName;
      return this;
    }

    public Builder timeouts(Duration total, Duration socket, int maxRetries) {
      this.totalTimeout = total;
      this.socketTimeout = socket;
      this.maxRetries = maxRetries;
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    public Builder eventLoops(int eventLoops) {
      this.eventLoops = eventLoops;
      return this;
    }

    public Builder maxCommands(int inProcess, int inQueue) {
      this.maxCommandsInProcess = inProcess;
      this.maxCommandsInQueue = inQueue;
      return this;
    }

    public Builder tombstoneTtl(Duration tombstoneTtl) {
      this.tombstoneTtl = tombstoneTtl;
      return this;
    }

    public AerospikeSettings build() {
      return new AerospikeSettings(hosts, namespace, user, passwordEnv, tls, tlsName, totalTimeout, socketTimeout,
          maxRetries, connectTimeout, eventLoops, maxCommandsInProcess, maxCommandsInQueue, tombstoneTtl);
    }

    private void set(String name, String value) {
      switch (name) {
        case "tls" -> tls = bool(name, value);
        case "tlsName" -> tlsName = nonEmpty(name, value);
        case "user" -> user = nonEmpty(name, value);
        case "passwordEnv" -> passwordEnv = nonEmpty(name, value);
        case "password" -> throw new IllegalArgumentException(
            "a password never goes into the spec (it ends up in job arguments and logs);"
                + " put it in an environment variable and name it with passwordEnv=<VAR>");
        case "totalTimeoutMs" -> totalTimeout = Duration.ofMillis(integer(name, value));
        case "socketTimeoutMs" -> socketTimeout = Duration.ofMillis(integer(name, value));
        case "maxRetries" -> maxRetries = integer(name, value);
        case "connectTimeoutMs" -> connectTimeout = Duration.ofMillis(integer(name, value));
        case "eventLoops" -> eventLoops = integer(name, value);
        case "maxCommandsInProcess" -> maxCommandsInProcess = integer(name, value);
        case "maxCommandsInQueue" -> maxCommandsInQueue = integer(name, value);
        case "tombstoneTtlS" -> tombstoneTtl = Duration.ofSeconds(integer(name, value));
        default -> throw new IllegalArgumentException("unknown parameter '" + name + "'; known: "
            + new java.util.TreeSet<>(PARAMETERS.keySet()));
      }
    }

    private static boolean bool(String name, String value) {
      return switch (value) {
        case "true" -> true;
        case "false" -> false;
        default -> throw new IllegalArgumentException(name + " must be true or false, got '" + value + "'");
      };
    }
  }
}
