package io.streamrec.jobs.common;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;

/**
 * The Kafka client properties of a job (TLS, SASL, tuning), given to every Kafka client it creates:
 *
 * <pre>
 *   --kafka-properties FILE     a java properties file of Kafka client properties
 *   --kafka.&lt;property&gt; VALUE   one property; overrides the file's
 * </pre>
 *
 * <p>Secrets come from files or the environment, through references the Kafka client resolves itself where it runs
 * ({@link KafkaSecretProviders}): {@code ${env:NAME}}, {@code ${file:/path}}, {@code ${file:/path:key}}. A secret
 * written on the command line ({@code sasl.jaas.config} with a {@code password=}, any {@code *.password}, {@code
 * ssl.keystore.key}) is refused: command lines show up in {@code ps}, in shell histories and in the cluster's logs.
 * A secret written into the properties file is kept as a reference to that file's key, not as its value, so this
 * object, the job graph and the web UI (Job → Configuration) hold references only and nothing needs masking; the
 * file must then be at the same path on the JobManager and on every TaskManager (a Secret mount).
 */
public final class KafkaClientProperties implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String FILE_OPTION = "kafka-properties";
  public static final String PREFIX = "kafka.";

  /** Kafka's own variable syntax ({@code ConfigTransformer.DEFAULT_PATTERN}): ${provider:[path:]key}. */
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]*?):(([^}]*?):)?([^}]*?)\\}");

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  /** A secret option inside a JAAS config: password="...", clientSecret=..., and the like. */
  private static final Pattern JAAS_SECRET =
      Pattern.compile("(?i)\\b\\w*(?:password|secret)\\w*\\s*=\\s*(\"[^\"]*\"|[^\\s;\"]+)");

  /** Properties the jobs set themselves, with what to use instead. */
  private static final Map<String, String> RESERVED = Map.of(
      "bootstrap.servers", "use --bootstrap-servers",
      "group.id", "the job names its consumer group: use --group-prefix",
      "key.serializer", "the job sets its own serializers",
      "value.serializer", "the job sets its own serializers",
      "key.deserializer", "the job sets its own deserializers",
      "value.deserializer", "the job sets its own deserializers",
      "config.providers", "the jobs register ${env:...} and ${file:...} themselves");

  static final KafkaClientProperties NONE = new KafkaClientProperties(null, new TreeMap<>(), new TreeMap<>());

  /** The file as given (absolute), or null. */
  private final String file;
  /** The file's properties, its secrets as references to their key in the file. */
  private final TreeMap<String, String> fromFile;
  /** The {@code --kafka.*} arguments, as given. */
  private final TreeMap<String, String> fromArgs;

  private KafkaClientProperties(String file, TreeMap<String, String> fromFile, TreeMap<String, String> fromArgs) {
    this.file = file;
    this.fromFile = fromFile;
    this.fromArgs = fromArgs;
  }

  /**
   * Reads {@code --kafka-properties} (null for none) and takes the {@code --kafka.*} arguments ({@code args}: all
   * arguments by name without the dashes; others are ignored).
   *
   * @throws IllegalArgumentException naming the option, for an unreadable file, a reserved property, a malformed
   *     reference or a plain-text secret among the arguments
   */
  public static KafkaClientProperties parse(String propertiesFile, Map<String, String> args) {
    TreeMap<String, String> fromArgs = new TreeMap<>();
    args.forEach((name, value) -> {
      if (!name.startsWith(PREFIX)) {
        return;
      }
      String key = name.substring(PREFIX.length());
      String option = "--" + name;
      if (key.isBlank()) {
        throw new IllegalArgumentException("--kafka.<property> needs a property name, e.g. --kafka.security.protocol");
      }
      if (value == null || value.equals("__NO_VALUE_KEY")) { // ParameterTool's marker of an option without value
        throw new IllegalArgumentException(option + " needs a value");
      }
      check(option, key, value);
      if (holdsLiteralSecret(key, value)) {
        throw new IllegalArgumentException(option + " holds a secret in plain text on the command line: put it in"
            + " a file and pass ${file:/path/to/it} (or the property in --kafka-properties FILE), or pass"
            + " ${env:VARIABLE}");
      }
      fromArgs.put(key, value);
    });
    if (propertiesFile == null) {
      return new KafkaClientProperties(null, new TreeMap<>(), fromArgs);
    }
    if (propertiesFile.isBlank() || propertiesFile.equals("__NO_VALUE_KEY")) {
      throw new IllegalArgumentException("--" + FILE_OPTION + " must name a file");
    }
    Path path = Path.of(propertiesFile).toAbsolutePath().normalize();
    String abs = path.toString();
    if (abs.contains(":") || abs.contains("}")) {
      // Its secrets become ${file:<path>:<key>}, which Kafka's syntax cannot express for such a path.
      throw new IllegalArgumentException("--" + FILE_OPTION + " " + abs + ": the path must not contain ':' or '}'");
    }
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + FILE_OPTION + ": cannot read " + abs + ": " + e, e);
    }
    TreeMap<String, String> fromFile = new TreeMap<>();
    for (String key : props.stringPropertyNames()) {
      String value = props.getProperty(key);
      String where = "--" + FILE_OPTION + " " + abs;
      check(where, key, value);
      fromFile.put(key, holdsLiteralSecret(key, value) ? "${" + KafkaSecretProviders.FILE + ":" + abs + ":" + key + "}"
          : value);
    }
    return new KafkaClientProperties(abs, fromFile, fromArgs);
  }

  private static void check(String where, String key, String value) {
    String reserved = RESERVED.get(key);
    if (reserved != null || key.startsWith("config.providers.")) {
      throw new IllegalArgumentException(where + ": Kafka property " + key + " cannot be set here: "
          + (reserved != null ? reserved : RESERVED.get("config.providers")));
    }
    Matcher m = REFERENCE.matcher(value);
    while (m.find()) {
      String provider = m.group(1);
      String path = m.group(3);
      String name = m.group(4);
      boolean ok = switch (provider) {
        case KafkaSecretProviders.ENV -> path == null && ENV_NAME.matcher(name).matches();
        case KafkaSecretProviders.FILE -> path == null ? name.startsWith("/") : path.startsWith("/") && !name.isBlank();
        default -> false;
      };
      if (!ok) {
        throw new IllegalArgumentException(where + ": Kafka property " + key + ": " + m.group()
            + " is not a reference this job resolves: use ${env:NAME}, ${file:/absolute/path} or"
            + " ${file:/absolute/path:key}");
      }
    }
  }

  /** Whether {@code key} names a secret and {@code value} holds some of it in plain text (not as a reference). */
  static boolean holdsLiteralSecret(String key, String value) {
    String k = key.toLowerCase(Locale.ROOT);
    String literal = REFERENCE.matcher(value).replaceAll("");
    if (k.equals("sasl.jaas.config")) {
      Matcher m = JAAS_SECRET.matcher(literal);
      while (m.find()) {
        String v = m.group(1);
        if (!(v.equals("\"\"") || v.isEmpty())) {
          return true;
        }
      }
      return false;
    }
    boolean secretKey = k.endsWith(".password") || k.equals("ssl.keystore.key") || k.contains("secret");
    return secretKey && !literal.isBlank();
  }

  /** The properties file, absolute, or null. */
  public String file() {
    return file;
  }

  /** The effective properties: the file's, then the arguments'; secrets as references. */
  public SortedMap<String, String> properties() {
    TreeMap<String, String> m = new TreeMap<>(fromFile);
    m.putAll(fromArgs);
    return Collections.unmodifiableSortedMap(m);
  }

  /**
   * The properties to hand to a Kafka client, with the references' providers registered when there are any. Every
   * reference is resolved once first, so a missing variable or file fails here (at submission) with its name, not in
   * every restart of a task; the resolved values are dropped.
   *
   * @throws IllegalArgumentException naming the property and the reference that cannot be resolved
   */
  public Properties clientProperties() {
    Properties p = new Properties();
    boolean references = false;
    for (Map.Entry<String, String> e : properties().entrySet()) {
      Matcher m = REFERENCE.matcher(e.getValue());
      while (m.find()) {
        references = true;
        try {
          KafkaSecretProviders.checkResolvable(m.group(1), m.group(3), m.group(4));
        } catch (ConfigException ce) {
          throw new IllegalArgumentException("Kafka property " + e.getKey() + ": " + ce.getMessage(), ce);
        }
      }
      p.setProperty(e.getKey(), e.getValue());
    }
    if (references) {
      p.putAll(KafkaSecretProviders.registration());
    }
    return p;
  }

  /** For the web UI and {@code toString}: {@code kafka-properties} and each {@code kafka.<property>}. */
  Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(FILE_OPTION, file == null ? "" : file);
    properties().forEach((k, v) -> m.put(PREFIX + k, v));
    return m;
  }

  /** The arguments that reproduce this: the file, then the {@code --kafka.*} arguments as given. */
  List<String> toArgs() {
    List<String> args = new ArrayList<>();
    if (file != null) {
      args.add("--" + FILE_OPTION);
      args.add(file);
    }
    fromArgs.forEach((k, v) -> {
      args.add("--" + PREFIX + k);
      args.add(v);
    });
    return args;
  }
}
