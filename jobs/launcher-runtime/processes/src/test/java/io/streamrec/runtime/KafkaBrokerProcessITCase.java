package io.streamrec.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a real Kafka 3.9 broker JVM from the classpath that jobs/launcher-runtime/kafka-broker resolved (failsafe
 * passes its path as {@code streamrec.test.kafka.classpath}).
 */
class KafkaBrokerProcessITCase {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerProcessITCase.class);

    private static Path classpathFile;

    @TempDir
    Path workDir;

    @BeforeAll
    static void locateClasspath() {
        classpathFile = Path.of(System.getProperty("streamrec.test.kafka.classpath",
                "../kafka-broker/target/classpath.txt"));
        assertThat(classpathFile).as("build jobs/launcher-runtime/kafka-broker first").isRegularFile();
    }

    @Test
    void startsReadyOnAFreePortAndCloseStopsItAndFreesThePort() throws Exception {
        long started = System.nanoTime();
        KafkaBrokerProcess broker = KafkaBrokerProcess.start(
                KafkaBrokerProcess.Settings.of(classpathFile, workDir).withPort(0));
        long pid;
        int port;
        try (broker) {
            LOG.info("broker ready in {} ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
            port = broker.port();
            pid = broker.pid();
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            assertThat(Ports.acceptsConnections("127.0.0.1", port, Duration.ofSeconds(1))).isTrue();
            assertThat(Ports.acceptsConnections("127.0.0.1", broker.controllerPort(), Duration.ofSeconds(1))).isTrue();
            assertThat(Ports.isFree(port)).isFalse();
            assertThat(broker.logFile()).isEqualTo(workDir.resolve("logs/kafka.log"));
            assertThat(ProcessLogs.contains(broker.logFile(), KafkaBrokerProcess.STARTED_LINE)).isTrue();
            assertThat(ProcessHandle.of(pid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
        }
        assertThat(broker.isAlive()).isFalse();
        assertThat(Await.processGone(pid)).isTrue();
        Await.until(Duration.ofSeconds(10), () -> Ports.isFree(port), () -> "port " + port + " free again");
        broker.close(); // idempotent
    }

    @Test
    void aRestartOnTheSameWorkDirKeepsTheClusterAndWaitsForTheNewStartedLine() throws Exception {
        KafkaBrokerProcess.Settings settings = KafkaBrokerProcess.Settings.of(classpathFile, workDir).withPort(0);
        try (KafkaBrokerProcess first = KafkaBrokerProcess.start(settings)) {
            assertThat(first.isAlive()).isTrue();
        }
        String clusterId = clusterId();

        long started = System.nanoTime();
        try (KafkaBrokerProcess second = KafkaBrokerProcess.start(settings)) {
            LOG.info("broker restarted in {} ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
            assertThat(clusterId()).isEqualTo(clusterId);
            // The previous run's log, with its own "started" line, was moved aside before the new start.
            assertThat(ProcessLogs.contains(workDir.resolve("logs/kafka.log.1"), KafkaBrokerProcess.STARTED_LINE))
                    .isTrue();
            assertThat(ProcessLogs.contains(second.logFile(), KafkaBrokerProcess.STARTED_LINE)).isTrue();
        }
    }

    @Test
    void aBusyPortFailsFastWithAClearMessage() throws Exception {
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = squatter.getLocalPort();
            long started = System.nanoTime();

            assertThatThrownBy(() -> KafkaBrokerProcess.start(
                    KafkaBrokerProcess.Settings.of(classpathFile, workDir).withPort(port)))
                    .isInstanceOf(BindException.class)
                    .hasMessage("port " + port + " is in use: is another broker running? pass --kafka-port");

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            assertThat(workDir.resolve("logs")).doesNotExist(); // nothing was started
        }
    }

    @Test
    void aBrokerThatCannotStartFailsWithItsLog() {
        // A config the storage tool refuses: the error must carry Kafka's own explanation.
        KafkaBrokerProcess.Settings settings = KafkaBrokerProcess.Settings.of(classpathFile, workDir).withPort(0)
                .withBrokerOverrides(Map.of("process.roles", "nonsense"));

        assertThatThrownBy(() -> KafkaBrokerProcess.start(settings))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Kafka StorageTool format failed with exit code")
                .hasMessageContaining("nonsense");
    }

    private String clusterId() throws IOException {
        Properties meta = new Properties();
        try (var in = Files.newInputStream(workDir.resolve("data/meta.properties"))) {
            meta.load(in);
        }
        return meta.getProperty("cluster.id");
    }
}
