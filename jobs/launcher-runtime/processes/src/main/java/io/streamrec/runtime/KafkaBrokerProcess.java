package io.streamrec.runtime;

import java.io.IOException;
import java.net.BindException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Apache Kafka 3.9 broker in KRaft combined mode (broker and controller in one process, node id 1),
 * running in its own JVM.
 *
 * <p>Why a separate JVM: the broker needs the Kafka 3.9 server jars (and Scala 2.13), while the Flink 1.16 Kafka
 * connector is built against kafka-clients 3.2.3. On one classpath one of them would break, so the broker's
 * classpath is resolved by Maven in {@code jobs/launcher-runtime/kafka-broker} and handed to us as a file.
 *
 * <p>Start-up follows Kafka's own quick start: write {@code server.properties}, {@code kafka.tools.StorageTool
 * format} the data directory (skipped if already formatted, so topics survive a restart on the same work dir),
 * then {@code kafka.Kafka server.properties}. The broker is ready when its PLAINTEXT port accepts connections and
 * its log says {@value #STARTED_LINE}. Everything listens on 127.0.0.1 only.
 *
 * <p>With {@link Settings#withSaslSsl} it also listens for SASL_SSL (TLS with a given keystore, SASL PLAIN with given
 * users) on its own port, for tests of secured clients: see {@link SaslSslListener}.
 *
 * <p>The broker's output goes to {@code <workDir>/logs/kafka.log}, never to our console.
 */
public final class KafkaBrokerProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerProcess.class);

    /** Logged by {@code KafkaRaftServer.startup()} once both the controller and the broker are serving (3.9.1). */
    static final String STARTED_LINE = "[KafkaRaftServer nodeId=1] Kafka Server started";

    static final int NODE_ID = 1;
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private final Settings settings;
    private final int port;
    private final int controllerPort;
    private final int saslSslPort;
    private final JvmProcess process;

    private KafkaBrokerProcess(Settings settings, int port, int controllerPort, int saslSslPort, JvmProcess process) {
        this.settings = settings;
        this.port = port;
        this.controllerPort = controllerPort;
        this.saslSslPort = saslSslPort;
        this.process = process;
    }

    /**
     * A SASL_SSL listener on 127.0.0.1 beside the PLAINTEXT one, which stays for the controller, inter-broker
     * traffic and the readiness check: a client that bootstraps here gets this listener's address in its metadata,
     * so all its traffic is TLS and authenticated.
     *
     * <p>SASL PLAIN rather than SCRAM: PLAIN's users live in the broker's JAAS config, in {@code server.properties}
     * (written owner-readable only), while SCRAM credentials in KRaft must be added by {@code StorageTool format
     * --add-scram} on its command line, visible to every process of the machine, and only on the first format.
     * Over TLS, PLAIN sends the password encrypted.
     *
     * @param port 0 picks a free one
     * @param keystore a PKCS12 keystore with the broker's key and certificate (whose SAN names 127.0.0.1, for clients
     *     that verify the host name, as they do by default)
     * @param keystorePassword the keystore's and the key's password
     * @param users user name to password; neither may hold {@code "}, {@code \} or a line break (JAAS quoting)
     */
    public record SaslSslListener(int port, Path keystore, String keystorePassword, Map<String, String> users) {
        public static final String MECHANISM = "PLAIN";

        public SaslSslListener {
            Settings.checkPortOrZero(port, "SASL_SSL port");
            Objects.requireNonNull(keystore, "keystore");
            checkJaasText(keystorePassword, "keystorePassword");
            users = Map.copyOf(users);
            if (users.isEmpty()) {
                throw new IllegalArgumentException("a SASL_SSL listener needs at least one user");
            }
            users.forEach((user, password) -> {
                checkJaasText(user, "user name");
                if (!user.matches("[A-Za-z0-9_.-]+")) {
                    throw new IllegalArgumentException("user names are letters, digits, '_', '.' or '-': " + user);
                }
                checkJaasText(password, "password of " + user);
            });
        }

        private static void checkJaasText(String s, String what) {
            if (s == null || s.isEmpty() || s.chars().anyMatch(c -> c == '"' || c == '\\' || c == '\n' || c == '\r')) {
                throw new IllegalArgumentException(what + " must be non-empty, without '\"', '\\' or line breaks");
            }
        }

        /** Without the passwords: records print every component. */
        @Override
        public String toString() {
            return "SaslSslListener[port=" + port + ", keystore=" + keystore + ", users=" + users.keySet() + "]";
        }

        Map<String, String> serverProperties() {
            String prefix = "listener.name.sasl_ssl.";
            StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
            new java.util.TreeMap<>(users).forEach((u, pw) -> jaas.append(" user_").append(u).append("=\"").append(pw)
                    .append('"'));
            jaas.append(';');
            Map<String, String> p = new LinkedHashMap<>();
            p.put("sasl.enabled.mechanisms", MECHANISM);
            p.put(prefix + "sasl.enabled.mechanisms", MECHANISM);
            p.put(prefix + MECHANISM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config", jaas.toString());
            p.put(prefix + "ssl.keystore.type", "PKCS12");
            p.put(prefix + "ssl.keystore.location", keystore.toAbsolutePath().toString());
            p.put(prefix + "ssl.keystore.password", keystorePassword);
            p.put(prefix + "ssl.key.password", keystorePassword);
            p.put(prefix + "ssl.client.auth", "none");
            return p;
        }
    }

    /**
     * How to run the broker.
     *
     * @param classpathFile the broker JVM's classpath (jobs/launcher-runtime/kafka-broker/target/classpath.txt)
     * @param workDir data, logs and generated config go here; reuse it to keep topics across restarts
     * @param port the PLAINTEXT listener port on 127.0.0.1; 0 picks a free one
     * @param controllerPort the KRaft CONTROLLER listener port on 127.0.0.1; 0 picks a free one
     * @param heap the broker's {@code -Xmx}, e.g. "512m"
     * @param readyTimeout how long {@link #start} waits for the broker to be ready
     * @param brokerOverrides extra {@code server.properties} entries, applied last (changing the listeners or
     *     {@code node.id} this way defeats the readiness check)
     * @param saslSsl a SASL_SSL listener besides the PLAINTEXT one, or null for none
     */
    public record Settings(
            Path classpathFile,
            Path workDir,
            int port,
            int controllerPort,
            String heap,
            Duration readyTimeout,
            Map<String, String> brokerOverrides,
            SaslSslListener saslSsl) {

        public static final int DEFAULT_PORT = 9092;
        public static final String DEFAULT_HEAP = "512m";
        public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);

        private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgG]?");

        public Settings {
            Objects.requireNonNull(classpathFile, "classpathFile");
            Objects.requireNonNull(workDir, "workDir");
            checkPortOrZero(port, "port");
            checkPortOrZero(controllerPort, "controllerPort");
            if (port != 0 && port == controllerPort) {
                throw new IllegalArgumentException("port and controllerPort must differ: " + port);
            }
            if (heap == null || !HEAP.matcher(heap).matches()) {
                throw new IllegalArgumentException("heap must look like 512m or 1g, was: " + heap);
            }
            if (readyTimeout == null || readyTimeout.isNegative() || readyTimeout.isZero()) {
                throw new IllegalArgumentException("readyTimeout must be positive, was: " + readyTimeout);
            }
            brokerOverrides = Map.copyOf(brokerOverrides);
            brokerOverrides.forEach(Settings::checkProperty);
        }

        /** Port 9092, an automatic controller port, 512m heap, 60 s to get ready. */
        public static Settings of(Path classpathFile, Path workDir) {
            return new Settings(classpathFile, workDir, DEFAULT_PORT, 0, DEFAULT_HEAP, DEFAULT_READY_TIMEOUT, Map.of(),
                    null);
        }

        public Settings withPort(int port) {
            return new Settings(classpathFile, workDir, port, controllerPort, heap, readyTimeout, brokerOverrides,
                    saslSsl);
        }

        public Settings withControllerPort(int controllerPort) {
            return new Settings(classpathFile, workDir, port, controllerPort, heap, readyTimeout, brokerOverrides,
                    saslSsl);
        }

        public Settings withHeap(String heap) {
            return new Settings(classpathFile, workDir, port, controllerPort, heap, readyTimeout, brokerOverrides,
                    saslSsl);
        }

        public Settings withReadyTimeout(Duration readyTimeout) {
            return new Settings(classpathFile, workDir, port, controllerPort, heap, readyTimeout, brokerOverrides,
                    saslSsl);
        }

        public Settings withBrokerOverrides(Map<String, String> brokerOverrides) {
            return new Settings(classpathFile, workDir, port, controllerPort, heap, readyTimeout, brokerOverrides,
                    saslSsl);
        }

        /** Adds a SASL_SSL listener ({@link SaslSslListener}). */
        public Settings withSaslSsl(SaslSslListener saslSsl) {
            return new Settings(classpathFile, workDir, port, controllerPort, heap, readyTimeout, brokerOverrides,
                    Objects.requireNonNull(saslSsl, "saslSsl"));
        }

        static void checkPortOrZero(int port, String name) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException(name + " must be 0 (any free port) or a TCP port, was: " + port);
            }
        }

        private static void checkProperty(String key, String value) {
            if (key.isBlank() || (key + value).chars().anyMatch(c -> c == '\n' || c == '\r')) {
                throw new IllegalArgumentException("not a valid server.properties entry: " + key + "=" + value);
            }
        }
    }

    /**
     * Starts the broker and waits until it is ready.
     *
     * @throws BindException if a requested port is busy, before anything is started
     * @throws IOException if formatting or start-up fails or times out; the message carries the tail of the log
     */
    public static KafkaBrokerProcess start(Settings settings) throws IOException {
        long started = System.nanoTime();
        String classpath = JvmProcess.readClasspath(settings.classpathFile());
        int port = Ports.resolve(settings.port(),
                "port %d is in use: is another broker running? pass --kafka-port");
        int controllerPort = Ports.resolve(settings.controllerPort(),
                "Kafka controller port %d is in use: pick another one or 0 for any free port");
        int saslSslPort = 0;
        if (settings.saslSsl() != null) {
            do {
                saslSslPort = Ports.resolve(settings.saslSsl().port(),
                        "Kafka SASL_SSL port %d is in use: pick another one or 0 for any free port");
            } while (settings.saslSsl().port() == 0 && (saslSslPort == port || saslSslPort == controllerPort));
        }

        Path workDir = settings.workDir().toAbsolutePath();
        Path dataDir = workDir.resolve("data");
        Path logDir = workDir.resolve("logs");
        Files.createDirectories(dataDir);
        Files.createDirectories(logDir);
        Path serverProperties = workDir.resolve("server.properties");
        Path log4jProperties = workDir.resolve("log4j.properties");
        writeLines(serverProperties, "# Written by " + KafkaBrokerProcess.class.getName() + " on every start.",
                serverProperties(port, controllerPort, dataDir, settings.brokerOverrides(), settings.saslSsl(),
                        saslSslPort));
        writeLines(log4jProperties, "# Written by " + KafkaBrokerProcess.class.getName() + " on every start.",
                log4jProperties());

        List<String> jvmArgs = List.of(
                "-Xmx" + settings.heap(),
                "-Djava.awt.headless=true",
                "-Dlog4j.configuration=" + log4jProperties.toUri());

        // A work dir that already holds a cluster keeps it, and its topics: format is told to skip formatted
        // directories, but it still checks the cluster id against theirs, so the existing id is passed back.
        String clusterId = existingClusterId(dataDir);
        if (clusterId == null) {
            clusterId = newClusterId();
        }
        JvmProcess.runToCompletion("Kafka StorageTool format",
                JvmProcess.javaCommand(jvmArgs, classpath, "kafka.tools.StorageTool", List.of(
                        "format", "--ignore-formatted",
                        "--cluster-id", clusterId,
                        "--config", serverProperties.toString())),
                workDir, logDir.resolve("kafka-storage-format.log"), FORMAT_TIMEOUT);

        Path logFile = logDir.resolve("kafka.log");
        ProcessLogs.rotate(logFile);
        JvmProcess process = JvmProcess.start("Kafka broker",
                JvmProcess.javaCommand(jvmArgs, classpath, "kafka.Kafka", List.of(serverProperties.toString())),
                workDir, logFile, Map.of());
        KafkaBrokerProcess broker = new KafkaBrokerProcess(settings, port, controllerPort, saslSslPort, process);
        try {
            broker.awaitReady(settings.readyTimeout());
        } catch (IOException | RuntimeException e) {
            process.stop(STOP_GRACE);
            throw e;
        }
        LOG.info("Kafka broker ready at {} in {} ms (pid {}, log {})",
                broker.bootstrapServers(), JvmProcess.millisSince(started), process.pid(), logFile);
        return broker;
    }

    /** "127.0.0.1:port", for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return Ports.LOOPBACK + ":" + port;
    }

    public int port() {
        return port;
    }

    /** "127.0.0.1:port" of the SASL_SSL listener. */
    public String saslSslBootstrapServers() {
        if (settings.saslSsl() == null) {
            throw new IllegalStateException("this broker has no SASL_SSL listener: start it with Settings.withSaslSsl");
        }
        return Ports.LOOPBACK + ":" + saslSslPort;
    }

    public int controllerPort() {
        return controllerPort;
    }

    /** The broker's combined stdout and stderr (its log4j output). */
    public Path logFile() {
        return process.output();
    }

    public Path workDir() {
        return settings.workDir().toAbsolutePath();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public String toString() {
        return "Kafka broker at " + bootstrapServers();
    }

    /** Stops the broker: SIGTERM (a controlled shutdown, ~2 s here), SIGKILL after 15 s. Idempotent. */
    @Override
    public void close() {
        process.stop(STOP_GRACE);
    }

    private void awaitReady(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Integer exit = process.exitCodeIfExited();
            if (exit != null) {
                throw new IOException("Kafka broker exited with code " + exit + " during start-up"
                        + ProcessLogs.tailForMessage(logFile()));
            }
            // The log line alone is not enough (the acceptor could still be binding); the port alone is not
            // either (the socket server accepts before the broker has caught up with the metadata log).
            if (ProcessLogs.contains(logFile(), STARTED_LINE)
                    && Ports.acceptsConnections(Ports.LOOPBACK, port, Duration.ofSeconds(1))
                    && (saslSslPort == 0
                            || Ports.acceptsConnections(Ports.LOOPBACK, saslSslPort, Duration.ofSeconds(1)))) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("Kafka broker not ready within " + timeout + " (no '" + STARTED_LINE
                        + "' and a listening " + bootstrapServers() + " yet)" + ProcessLogs.tailForMessage(logFile()));
            }
            pause();
        }
    }

    private static void pause() throws IOException {
        try {
            Thread.sleep(POLL_INTERVAL.toMillis());
        } catch (InterruptedException e) {
            throw JvmProcess.interrupted("the Kafka broker", e);
        }
    }

    static List<String> serverProperties(int port, int controllerPort, Path dataDir, Map<String, String> overrides) {
        return serverProperties(port, controllerPort, dataDir, overrides, null, 0);
    }

    static List<String> serverProperties(int port, int controllerPort, Path dataDir, Map<String, String> overrides,
            SaslSslListener saslSsl, int saslSslPort) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        // A static voter set: the simplest KRaft quorum for one node, and it does not pin the controller port in
        // the metadata log, so an automatic controller port may change between restarts on the same work dir.
        p.put("controller.quorum.voters", NODE_ID + "@" + Ports.LOOPBACK + ":" + controllerPort);
        String secure = saslSsl == null ? "" : ",SASL_SSL://" + Ports.LOOPBACK + ":" + saslSslPort;
        p.put("listeners", "PLAINTEXT://" + Ports.LOOPBACK + ":" + port + secure + ",CONTROLLER://" + Ports.LOOPBACK
                + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + Ports.LOOPBACK + ":" + port + secure);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + (saslSsl == null ? "" : "SASL_SSL:SASL_SSL,")
                + "CONTROLLER:PLAINTEXT");
        if (saslSsl != null) {
            p.putAll(saslSsl.serverProperties());
        }
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dataDir.toString());
        // One broker: internal topics cannot have more replicas than that.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        // Consumers of a fresh group start at once instead of after the default 3 s.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created deliberately, with their partition counts from the contracts.
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        p.putAll(overrides);
        List<String> lines = new ArrayList<>();
        p.forEach((k, v) -> lines.add(k + "=" + v));
        return lines;
    }

    private static List<String> log4jProperties() {
        // Everything to stdout, which start() sends to logs/kafka.log; the readiness check reads that file.
        return List.of(
                "log4j.rootLogger=INFO, stdout",
                "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
                "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
                "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
                "log4j.logger.kafka.request.logger=WARN",
                "log4j.logger.kafka.authorizer.logger=WARN",
                "log4j.logger.state.change.logger=WARN");
    }

    /**
     * A new cluster id in the format of Kafka's {@code Uuid}: 16 random bytes in URL-safe base64 without padding,
     * 22 characters. The bytes are a version-4 UUID, as Kafka's own generator uses; its version bits also keep it
     * clear of Kafka's reserved ids (all zero, and the metadata topic's 0:1). Kafka avoids ids starting with '-'
     * because they read as a command-line option (and since KAFKA-20072 any '-'); so do we.
     */
    static String newClusterId() {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        while (true) {
            UUID uuid = UUID.randomUUID(); // SecureRandom-backed
            byte[] bytes = ByteBuffer.allocate(16)
                    .putLong(uuid.getMostSignificantBits())
                    .putLong(uuid.getLeastSignificantBits())
                    .array();
            String id = base64.encodeToString(bytes);
            if (id.indexOf('-') < 0) {
                return id;
            }
        }
    }

    /** The cluster id recorded by an earlier format of {@code dataDir}, or null if it was never formatted. */
    static String existingClusterId(Path dataDir) throws IOException {
        Path meta = dataDir.resolve("meta.properties");
        if (!Files.exists(meta)) {
            return null;
        }
        Properties properties = new Properties();
        try (var in = Files.newInputStream(meta)) {
            properties.load(in);
        }
        String id = properties.getProperty("cluster.id");
        return id == null || id.isBlank() ? null : id.strip();
    }

    private static void writeLines(Path file, String header, List<String> lines) throws IOException {
        List<String> all = new ArrayList<>();
        all.add(header);
        all.addAll(lines);
        // Owner-only before anything is written: server.properties holds the SASL users' passwords, if any.
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file); // not a POSIX file system
        }
        Files.write(file, all, StandardCharsets.UTF_8);
    }
}
