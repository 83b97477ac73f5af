package io.streamrec.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Facts Maven wrote at build time ({@code streamrec-launcher.properties}): the Flink JVM flags (kept once, in the
 * parent pom), where the runtime classpaths and job jars are, and the project root.
 */
public record BuildInfo(
    String flinkJvmFlags,
    Path projectRoot,
    Path kafkaBrokerClasspath,
    Path flinkClusterClasspath,
    Path jobJarsDir,
    String flinkVersion,
    String kafkaBrokerVersion) {

  public static BuildInfo load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/streamrec-launcher.properties")) {
      if (in == null) {
        throw new IllegalStateException(
            "streamrec-launcher.properties is missing from the classpath: build the launcher with Maven first");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new BuildInfo(
        p.getProperty("flink.jvm.flags"),
        Path.of(p.getProperty("project.root")),
        Path.of(p.getProperty("kafka.broker.classpath.file")).normalize(),
        Path.of(p.getProperty("flink.cluster.classpath.file")).normalize(),
        Path.of(p.getProperty("job.jars.dir")),
        p.getProperty("flink.version"),
        p.getProperty("kafka.broker.version"));
  }

  public Path flinkConfDir() {
    return projectRoot.resolve("flink-conf");
  }

  /** The model registry: committed ONNX models, manifests and CURRENT pointers. */
  public Path modelDir() {
    return projectRoot.resolve("model-artifacts");
  }

  public Path datasetDir() {
    return projectRoot.resolve("model-artifacts/datasets/online-retail-ii");
  }

  /** Fails with a message that says how to fix it when a build output is missing. */
  public static Path requireFile(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          what + " not found at " + file + ": run `mvn -DskipTests package` in the project root first");
    }
    return file;
  }
}
