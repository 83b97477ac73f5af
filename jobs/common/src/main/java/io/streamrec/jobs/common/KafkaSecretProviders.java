package io.streamrec.jobs.common;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.provider.ConfigProvider;

/**
 * The Kafka {@link ConfigProvider}s behind the secret references a Kafka client property may hold:
 *
 * <pre>
 *   ${env:NAME}          the environment variable NAME
 *   ${file:/path}        the content of a file (trailing line breaks removed: a Kubernetes Secret key, a password file)
 *   ${file:/path:key}    the value of key in a java properties file (as Kafka's own FileConfigProvider)
 * </pre>
 *
 * <p>The Kafka client resolves them itself when it is created (KIP-421: {@code config.providers}, in every client's
 * {@code AbstractConfig}), on whichever machine creates it: the JobManager for the source enumerator's admin client,
 * the TaskManagers for readers and writers. So the job graph, the web UI and the job's config only ever carry the
 * references, never the secrets; each of those machines needs the variable or the file (a Secret mounted on every
 * Flink pod).
 *
 * <p>Why our own: kafka-clients 3.2.3 (the Flink 1.16 connector's) has {@code FileConfigProvider} (keys of a
 * properties file only) but no {@code EnvVarConfigProvider} (3.5+), and Kafka leaves a reference its provider does not
 * answer in place, silently: the client would then send the literal {@code ${...}} text as a password. These fail
 * with the reference named instead, and never put a resolved value into a message.
 */
public final class KafkaSecretProviders {

  /** The provider names, as in {@code ${env:...}} and {@code ${file:...}}. */
  public static final String ENV = "env";

  public static final String FILE = "file";

  private KafkaSecretProviders() {}

  /** The {@code config.providers} entries that register both providers with a Kafka client. */
  static Map<String, String> registration() {
    Map<String, String> m = new HashMap<>();
    m.put("config.providers", ENV + "," + FILE);
    m.put("config.providers." + ENV + ".class", Env.class.getName());
    m.put("config.providers." + FILE + ".class", File.class.getName());
    return m;
  }

  /** Resolves one reference now (to fail at submission rather than in every restarted task); the value is dropped. */
  static void checkResolvable(String provider, String path, String key) {
    ConfigProvider p = ENV.equals(provider) ? new Env() : new File();
    p.get(path, Set.of(key));
  }

  /** What both providers share: no configuration, nothing to close, no "all keys of a path" lookup. */
  private abstract static class ReferenceProvider implements ConfigProvider {
    private final String syntax;

    ReferenceProvider(String syntax) {
      this.syntax = syntax;
    }

    @Override
    public final void configure(Map<String, ?> configs) {}

    /** Kafka asks this only for whole-path lookups, which a reference never is. */
    @Override
    public final ConfigData get(String path) {
      throw new ConfigException("a reference names what it reads: " + syntax);
    }

    @Override
    public final void close() {}
  }

  /** {@code ${env:NAME}}: an environment variable of the JVM that creates the client. */
  public static final class Env extends ReferenceProvider {
    public Env() {
      super("${env:NAME}");
    }

    @Override
    public ConfigData get(String path, Set<String> keys) {
      if (path != null && !path.isEmpty()) {
        throw new ConfigException("${env:" + path + ":...} is not a reference: write ${env:NAME}");
      }
      Map<String, String> data = new HashMap<>();
      for (String name : keys) {
        String value = System.getenv(name);
        if (value == null) {
          throw new ConfigException("environment variable " + name + " is not set (referenced as ${env:" + name
              + "} in a Kafka client property)");
        }
        data.put(name, value);
      }
      return new ConfigData(data);
    }
  }

  /** {@code ${file:/path}} (the whole file) and {@code ${file:/path:key}} (a key of a properties file). */
  public static final class File extends ReferenceProvider {
    public File() {
      super("${file:/path} or ${file:/path:key}");
    }

    @Override
    public ConfigData get(String path, Set<String> keys) {
      Map<String, String> data = new HashMap<>();
      if (path == null || path.isEmpty()) {
        // ${file:/path}: Kafka's syntax reads the path as the key.
        for (String file : keys) {
          data.put(file, stripTrailingLineBreaks(read(file)));
        }
      } else {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(checked(path), StandardCharsets.UTF_8)) {
          props.load(in);
        } catch (IOException e) {
          throw cannotRead(path, e);
        }
        for (String key : keys) {
          String value = props.getProperty(key);
          if (value == null) {
            throw new ConfigException("no key " + key + " in " + path + " (referenced as ${file:" + path + ":" + key
                + "} in a Kafka client property)");
          }
          data.put(key, value);
        }
      }
      return new ConfigData(data);
    }

    private static String read(String file) {
      try {
        return Files.readString(checked(file), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw cannotRead(file, e);
      }
    }

    private static Path checked(String file) {
      Path p = Path.of(file);
      if (!p.isAbsolute()) {
        // Resolved on the JobManager and on TaskManagers: a relative path would mean a different file on each.
        throw new ConfigException("${file:" + file + "} must name an absolute path");
      }
      return p;
    }

    private static ConfigException cannotRead(String file, IOException e) {
      // The exception's class and the path only: an I/O message never carries file content, but keep it short.
      return new ConfigException("cannot read " + file + " (referenced as ${file:" + file
          + "} in a Kafka client property): " + e.getClass().getSimpleName());
    }

    static String stripTrailingLineBreaks(String s) {
      int end = s.length();
      while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
        end--;
      }
      return s.substring(0, end);
    }
  }
}
