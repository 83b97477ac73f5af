package io.streamrec.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a real standalone Flink 1.16 session cluster (two JVMs) from the classpath that
 * jobs/launcher-runtime/flink-cluster resolved, and drives it through {@link FlinkRestClient} with small jobs
 * compiled here against that same classpath. One cluster for the whole class: starting one takes seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StandaloneFlinkClusterITCase {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneFlinkClusterITCase.class);

    /** Static: JUnit fills instance @TempDir fields only after the @BeforeAll of a per-class lifecycle. */
    @TempDir
    static Path dir;

    private Path classpathFile;
    private StandaloneFlinkCluster cluster;
    private FlinkRestClient rest;
    private Path jobsJar;

    @BeforeAll
    void startCluster() throws Exception {
        classpathFile = Path.of(System.getProperty("streamrec.test.flink.classpath",
                "../flink-cluster/target/classpath.txt"));
        assertThat(classpathFile).as("build jobs/launcher-runtime/flink-cluster first").isRegularFile();

        long started = System.nanoTime();
        cluster = StandaloneFlinkCluster.start(
                StandaloneFlinkCluster.Settings.of(classpathFile, confDir(), dir.resolve("flink"))
                        .withJvmFlags(System.getProperty("streamrec.test.flink.jvm.flags", ""))
                        .withRestPort(0)
                        .withReadyTimeout(Duration.ofSeconds(60)));
        LOG.info("cluster ready in {} ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
        rest = new FlinkRestClient(cluster.restUrl());
        jobsJar = compileTestJobs();
    }

    @AfterAll
    void stopClusterAndCheckItIsGone() {
        if (cluster == null) {
            return;
        }
        long jm = cluster.jobManagerPid();
        long tm = cluster.taskManagerPid();
        int port = cluster.restPort();
        cluster.close();
        assertThat(Await.processGone(jm)).as("JobManager pid %d gone", jm).isTrue();
        assertThat(Await.processGone(tm)).as("TaskManager pid %d gone", tm).isTrue();
        Await.until(Duration.ofSeconds(10), () -> Ports.isFree(port), () -> "REST port " + port + " free again");
    }

    @Test
    void hasOneTaskManagerWithFreeSlotsAndNoJobsAtFirst() throws Exception {
        FlinkRestClient.ClusterOverview overview = rest.overview();
        assertThat(overview.taskManagers()).isEqualTo(1);
        assertThat(overview.slotsAvailable()).isPositive();
        assertThat(overview.flinkVersion()).isEqualTo("1.16.3");
        assertThat(cluster.restUrl().toString()).isEqualTo("http://127.0.0.1:" + cluster.restPort());
        assertThat(cluster.isAlive()).isTrue();
        assertThat(cluster.jobManagerLog()).exists();
        assertThat(cluster.taskManagerLog()).exists();
        assertThat(FlinkConfFile.read(cluster.confDir().resolve("flink-conf.yaml")))
                .containsEntry("rest.port", String.valueOf(cluster.restPort()))
                .containsEntry("taskmanager.host", "127.0.0.1");
    }

    @Test
    void runsAJobUntilCancelled() throws Exception {
        String jarId = rest.uploadJar(jobsJar);
        // No entry class: the manifest's Main-Class. An argument with spaces survives as one argument.
        String jobId = rest.runJar(jarId, null, List.of("sequence job with spaces"), 1);

        rest.waitForRunning(jobId, Duration.ofSeconds(30));
        assertThat(rest.jobsOverview()).contains(
                new FlinkRestClient.JobSummary(jobId, "sequence job with spaces", "RUNNING"));

        rest.cancel(jobId);
        rest.waitForState(jobId, "CANCELED", Duration.ofSeconds(30));
    }

    @Test
    void aJobThatFailsFailsTheWaitWithItsException() throws Exception {
        String jobId = rest.runJar(rest.uploadJar(jobsJar), "itcase.FailingJob", List.of(), null);

        assertThatThrownBy(() -> rest.waitForRunning(jobId, Duration.ofSeconds(30)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is FAILED, not RUNNING")
                .hasMessageContaining("boom from the test job");
    }

    @Test
    void aJarThatCannotRunIsAnHttpErrorWithFlinksErrors() throws Exception {
        String jarId = rest.uploadJar(jobsJar);

        assertThatThrownBy(() -> rest.runJar(jarId, "itcase.NoSuchClass", List.of(), null))
                .isInstanceOfSatisfying(FlinkRestException.class, e -> {
                    assertThat(e.statusCode()).isBetween(400, 599);
                    assertThat(e.errors()).isNotEmpty();
                    assertThat(e.getMessage()).contains("itcase.NoSuchClass");
                });
    }

    @Test
    void aSecondClusterOnTheSameRestPortFailsFast() {
        StandaloneFlinkCluster.Settings clash =
                StandaloneFlinkCluster.Settings.of(classpathFile, cluster.confDir(), dir.resolve("clash"))
                        .withRestPort(cluster.restPort());

        assertThatThrownBy(() -> StandaloneFlinkCluster.start(clash))
                .isInstanceOf(BindException.class)
                .hasMessageStartingWith("port " + cluster.restPort() + " is in use");
    }

    /**
     * The repository's flink-conf/ when it exists; otherwise the smallest configuration that sizes both
     * processes (Flink's start scripts refuse to guess memory).
     */
    private Path confDir() throws IOException {
        String configured = System.getProperty("streamrec.test.flink.conf");
        if (configured != null && Files.isRegularFile(Path.of(configured, "flink-conf.yaml"))) {
            return Path.of(configured);
        }
        Path conf = Files.createDirectories(dir.resolve("conf-source"));
        Files.write(conf.resolve("flink-conf.yaml"), List.of(
                "jobmanager.memory.process.size: 768m",
                "taskmanager.memory.process.size: 1024m",
                "taskmanager.numberOfTaskSlots: 2",
                "parallelism.default: 1"));
        return conf;
    }

    /** Two tiny jobs, compiled against the cluster's own classpath and packed with a Main-Class. */
    private Path compileTestJobs() throws IOException {
        Path src = Files.createDirectories(dir.resolve("jobs-src/itcase"));
        Files.writeString(src.resolve("SequenceJob.java"), String.join("\n",
                "package itcase;",
                "import org.apache.flink.api.common.functions.MapFunction;",
                "import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;",
                "import org.apache.flink.streaming.api.functions.sink.DiscardingSink;",
                "public class SequenceJob {",
                "  public static void main(String[] args) throws Exception {",
                "    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();",
                // Explicit uids: our flink-conf/ turns auto-generated ones off (pipeline.auto-generate-uids).
                "    env.fromSequence(0, Long.MAX_VALUE).uid(\"sequence\")",
                "        .map(new MapFunction<Long, Long>() { public Long map(Long x) { return x * 2; } })",
                "        .uid(\"double\")",
                "        .addSink(new DiscardingSink<>()).uid(\"discard\");",
                "    env.execute(args[0]);",
                "  }",
                "}"));
        Files.writeString(src.resolve("FailingJob.java"), String.join("\n",
                "package itcase;",
                "import org.apache.flink.api.common.functions.RichMapFunction;",
                "import org.apache.flink.api.common.restartstrategy.RestartStrategies;",
                "import org.apache.flink.configuration.Configuration;",
                "import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;",
                "import org.apache.flink.streaming.api.functions.sink.DiscardingSink;",
                "public class FailingJob {",
                "  public static void main(String[] args) throws Exception {",
                "    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();",
                "    env.setRestartStrategy(RestartStrategies.noRestart());",
                "    env.fromSequence(0, Long.MAX_VALUE).uid(\"sequence\")",
                "        .map(new RichMapFunction<Long, Long>() {",
                // Fails in open(), before the task reports RUNNING, so the wait cannot see a RUNNING moment.
                "          public void open(Configuration c) {",
                "            throw new IllegalStateException(\"boom from the test job\");",
                "          }",
                "          public Long map(Long x) { return x; }",
                "        }).uid(\"fail\")",
                "        .addSink(new DiscardingSink<>()).uid(\"discard\");",
                "    env.execute(\"failing job\");",
                "  }",
                "}"));
        Path classes = Files.createDirectories(dir.resolve("jobs-classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK (javac) runs the tests").isNotNull();
        int exit = javac.run(null, null, null, "-proc:none", "-d", classes.toString(),
                "-cp", Files.readString(classpathFile).strip(),
                src.resolve("SequenceJob.java").toString(), src.resolve("FailingJob.java").toString());
        assertThat(exit).as("javac exit code").isZero();

        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "itcase.SequenceJob");
        Path jar = dir.resolve("itcase-jobs.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
                Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, (OutputStream) out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
