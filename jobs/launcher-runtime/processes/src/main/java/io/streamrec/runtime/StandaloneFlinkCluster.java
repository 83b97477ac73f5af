package io.streamrec.runtime;

import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink 1.16 standalone session cluster on this machine: one JobManager JVM and one TaskManager JVM, started from
 * a classpath of Maven jars (flink-dist, which the start scripts expect, is not on Maven Central).
 *
 * <p>It does what {@code bin/jobmanager.sh} and {@code bin/taskmanager.sh} do, minus the scripts: copy the
 * configuration, size each JVM with Flink's own {@code BashJavaUtils} (so the memory model is Flink's, not ours),
 * start {@code StandaloneSessionClusterEntrypoint} and {@code TaskManagerRunner} with that configuration
 * directory, the JVM options and {@code -D} memory properties computed for it, and logs under the work dir. Of the
 * scripts' {@code env.*} settings only {@code env.java.opts} (and {@code .all}, {@code .jobmanager},
 * {@code .taskmanager}) are honoured; log locations are ours.
 *
 * <p>Everything binds to 127.0.0.1. The configuration is the caller's {@code flink-conf/} with the overrides of
 * {@link #managedOverrides} and then {@link Settings#overrides()} applied; the result is
 * {@code <workDir>/conf/flink-conf.yaml}, which is the file to read when in doubt.
 */
public final class StandaloneFlinkCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneFlinkCluster.class);

    static final String JOB_MANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    static final String BASH_JAVA_UTILS_MAIN = "org.apache.flink.runtime.util.bash.BashJavaUtils";

    private static final Duration BASH_JAVA_UTILS_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);

    private final Settings settings;
    private final int restPort;
    private final JvmProcess jobManager;
    private final JvmProcess taskManager;

    private StandaloneFlinkCluster(Settings settings, int restPort, JvmProcess jobManager, JvmProcess taskManager) {
        this.settings = settings;
        this.restPort = restPort;
        this.jobManager = jobManager;
        this.taskManager = taskManager;
    }

    /**
     * How to run the cluster.
     *
     * @param classpathFile the JVMs' classpath (jobs/launcher-runtime/flink-cluster/target/classpath.txt)
     * @param confDir the configuration to start from (our {@code flink-conf/}); it must hold {@code flink-conf.yaml}
     *     with the JobManager and TaskManager memory sizes, and may hold {@code log4j.properties}
     * @param jvmFlags JVM options for both processes, e.g. the JDK 17 {@code --add-opens} list Flink 1.16 needs
     * @param workDir conf copy, logs, checkpoints, savepoints and temporary files go here
     * @param restPort the REST API and web UI port; 0 picks a free one
     * @param overrides configuration entries applied last (not {@code rest.port}: use {@code restPort})
     * @param readyTimeout how long {@link #start} waits for a TaskManager with free slots
     */
    public record Settings(
            Path classpathFile,
            Path confDir,
            List<String> jvmFlags,
            Path workDir,
            int restPort,
            Map<String, String> overrides,
            Duration readyTimeout) {

        public static final int DEFAULT_REST_PORT = 8081;
        public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(90);

        public Settings {
            Objects.requireNonNull(classpathFile, "classpathFile");
            Objects.requireNonNull(confDir, "confDir");
            Objects.requireNonNull(workDir, "workDir");
            jvmFlags = List.copyOf(jvmFlags);
            if (restPort < 0 || restPort > 65_535) {
                throw new IllegalArgumentException("restPort must be 0 (any free port) or a TCP port: " + restPort);
            }
            overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
            if (overrides.containsKey("rest.port")) {
                throw new IllegalArgumentException("set the REST port with restPort, not as an override");
            }
            if (readyTimeout == null || readyTimeout.isNegative() || readyTimeout.isZero()) {
                throw new IllegalArgumentException("readyTimeout must be positive, was: " + readyTimeout);
            }
        }

        /** No extra JVM flags, REST port 8081, no overrides, 90 s to get ready. */
        public static Settings of(Path classpathFile, Path confDir, Path workDir) {
            return new Settings(classpathFile, confDir, List.of(), workDir, DEFAULT_REST_PORT, Map.of(),
                    DEFAULT_READY_TIMEOUT);
        }

        public Settings withJvmFlags(List<String> jvmFlags) {
            return new Settings(classpathFile, confDir, jvmFlags, workDir, restPort, overrides, readyTimeout);
        }

        /** The flags as one whitespace-separated string, as kept in the build's {@code flink.jvm.flags}. */
        public Settings withJvmFlags(String jvmFlags) {
            return withJvmFlags(splitOptions(jvmFlags));
        }

        public Settings withRestPort(int restPort) {
            return new Settings(classpathFile, confDir, jvmFlags, workDir, restPort, overrides, readyTimeout);
        }

        public Settings withOverrides(Map<String, String> overrides) {
            return new Settings(classpathFile, confDir, jvmFlags, workDir, restPort, overrides, readyTimeout);
        }

        public Settings withReadyTimeout(Duration readyTimeout) {
            return new Settings(classpathFile, confDir, jvmFlags, workDir, restPort, overrides, readyTimeout);
        }
    }

    /**
     * Starts the JobManager and the TaskManager and waits until the REST API reports a TaskManager with free
     * slots.
     *
     * @throws BindException if the requested REST port is busy, before anything is started
     * @throws IOException if start-up fails or times out; the message carries the tails of both logs
     */
    public static StandaloneFlinkCluster start(Settings settings) throws IOException {
        long started = System.nanoTime();
        String classpath = JvmProcess.readClasspath(settings.classpathFile());
        if (!Files.isRegularFile(settings.confDir().resolve("flink-conf.yaml"))) {
            throw new NoSuchFileException(settings.confDir().resolve("flink-conf.yaml").toString(), null,
                    "the Flink configuration directory must hold a flink-conf.yaml");
        }
        int restPort = Ports.resolve(settings.restPort(), "port %d is in use: is another Flink cluster (or a"
                + " MiniCluster web UI) running? pass --web-port");

        Path workDir = settings.workDir().toAbsolutePath();
        Path confDir = workDir.resolve("conf");
        Path logDir = workDir.resolve("logs");
        Path pluginsDir = workDir.resolve("plugins");
        prepareConf(settings.confDir(), confDir);
        Files.createDirectories(logDir);
        Files.createDirectories(pluginsDir);
        // Flink deletes uploaded jars on shutdown only when it chose the upload dir itself; ours is fixed, so clear
        // it here: a new session cluster has no use for the last one's jars.
        deleteRecursively(workDir.resolve("web-upload"));

        Map<String, String> overrides = new LinkedHashMap<>(managedOverrides(workDir, restPort, Ports.freePort()));
        overrides.putAll(settings.overrides());
        Path confFile = confDir.resolve("flink-conf.yaml");
        FlinkConfFile.applyOverrides(confFile, overrides,
                "Written by " + StandaloneFlinkCluster.class.getName() + " on every start; these lines win.");
        Map<String, String> conf = FlinkConfFile.read(confFile);
        Path log4j = confDir.resolve("log4j.properties");
        if (!Files.exists(log4j)) {
            Files.write(log4j, defaultLog4j(), StandardCharsets.UTF_8);
        }

        Map<String, String> env = Map.of(
                "FLINK_CONF_DIR", confDir.toString(),
                // Without it Flink looks for ./plugins and warns that it is missing.
                "FLINK_PLUGINS_DIR", pluginsDir.toString());
        List<String> commonOptions = new ArrayList<>(settings.jvmFlags());
        commonOptions.addAll(javaOpts(conf, "env.java.opts.all", "env.java.opts"));

        FlinkResourceParams jmParams = resourceParams("GET_JM_RESOURCE_PARAMS", classpath, confDir, workDir);
        JvmProcess jobManager = startProcess("Flink JobManager", "jobmanager", JOB_MANAGER_MAIN, jmParams,
                commonOptions, javaOpts(conf, "env.java.opts.jobmanager"), classpath, confDir, logDir, workDir, env);
        JvmProcess taskManager = null;
        StandaloneFlinkCluster cluster;
        try {
            // Computed while the JobManager boots; the TaskManager keeps retrying to register until it is up.
            FlinkResourceParams tmParams = resourceParams("GET_TM_RESOURCE_PARAMS", classpath, confDir, workDir);
            taskManager = startProcess("Flink TaskManager", "taskmanager", TASK_MANAGER_MAIN, tmParams,
                    commonOptions, javaOpts(conf, "env.java.opts.taskmanager"), classpath, confDir, logDir, workDir,
                    env);
            cluster = new StandaloneFlinkCluster(settings, restPort, jobManager, taskManager);
            cluster.awaitReady(settings.readyTimeout());
        } catch (IOException | RuntimeException e) {
            if (taskManager != null) {
                taskManager.stop(STOP_GRACE);
            }
            jobManager.stop(STOP_GRACE);
            throw e;
        }
        LOG.info("Flink session cluster ready at {} in {} ms (JobManager pid {}, TaskManager pid {}, logs in {})",
                cluster.restUrl(), JvmProcess.millisSince(started), jobManager.pid(), taskManager.pid(), logDir);
        return cluster;
    }

    /** {@code http://127.0.0.1:<port>}: the REST API and the web UI. */
    public URI restUrl() {
        return URI.create("http://" + Ports.LOOPBACK + ":" + restPort);
    }

    public int restPort() {
        return restPort;
    }

    public Path workDir() {
        return settings.workDir().toAbsolutePath();
    }

    /** The configuration the processes run with: the caller's, plus the overrides. */
    public Path confDir() {
        return workDir().resolve("conf");
    }

    public Path jobManagerLog() {
        return workDir().resolve("logs").resolve("jobmanager.log");
    }

    public Path taskManagerLog() {
        return workDir().resolve("logs").resolve("taskmanager.log");
    }

    public long jobManagerPid() {
        return jobManager.pid();
    }

    public long taskManagerPid() {
        return taskManager.pid();
    }

    /** Whether both processes are still running. */
    public boolean isAlive() {
        return jobManager.isAlive() && taskManager.isAlive();
    }

    /**
     * Stops the TaskManager, then the JobManager (so that the JobManager does not spend the shutdown reacting to
     * a lost TaskManager), each with SIGTERM and SIGKILL after 15 s. Running jobs are not cancelled first: they
     * just stop, as on a cluster without HA. Idempotent.
     */
    @Override
    public void close() {
        taskManager.stop(STOP_GRACE);
        jobManager.stop(STOP_GRACE);
    }

    @Override
    public String toString() {
        return "Flink session cluster at " + restUrl();
    }

    /**
     * What this class decides about the configuration, whatever the caller's file says: loopback-only endpoints,
     * a known REST and RPC port, and every path under the work dir. The BLOB server keeps Flink's default port 0
     * (the JobManager picks one and tells the TaskManager), so only the RPC port, which the TaskManager needs up
     * front, is chosen here.
     */
    static Map<String, String> managedOverrides(Path workDir, int restPort, int rpcPort) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("rest.port", String.valueOf(restPort));
        o.put("rest.address", Ports.LOOPBACK);
        o.put("rest.bind-address", Ports.LOOPBACK);
        o.put("jobmanager.rpc.address", Ports.LOOPBACK);
        o.put("jobmanager.rpc.port", String.valueOf(rpcPort));
        o.put("jobmanager.bind-host", Ports.LOOPBACK);
        o.put("taskmanager.host", Ports.LOOPBACK);
        o.put("taskmanager.bind-host", Ports.LOOPBACK);
        o.put("blob.server.port", "0");
        o.put("state.checkpoints.dir", workDir.resolve("checkpoints").toUri().toString());
        o.put("state.savepoints.dir", workDir.resolve("savepoints").toUri().toString());
        o.put("io.tmp.dirs", workDir.resolve("tmp").toString());
        o.put("web.tmpdir", workDir.resolve("web-tmp").toString());
        o.put("web.upload.dir", workDir.resolve("web-upload").toString());
        return o;
    }

    /** Splits a JVM options string on whitespace, dropping quotes around the whole value (as Flink's scripts do). */
    static List<String> splitOptions(String options) {
        if (options == null) {
            return List.of();
        }
        String value = options.strip();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1).strip();
        }
        return value.isEmpty() ? List.of() : Arrays.asList(value.split("\\s+"));
    }

    /** The first of {@code keys} present in {@code conf}, split into JVM options. */
    private static List<String> javaOpts(Map<String, String> conf, String... keys) {
        for (String key : keys) {
            if (conf.containsKey(key)) {
                return splitOptions(conf.get(key));
            }
        }
        return List.of();
    }

    private static FlinkResourceParams resourceParams(String command, String classpath, Path confDir, Path workDir)
            throws IOException {
        String output = JvmProcess.runToCompletion("Flink BashJavaUtils " + command,
                JvmProcess.javaCommand(List.of(), classpath, BASH_JAVA_UTILS_MAIN,
                        List.of(command, "--configDir", confDir.toString())),
                workDir, workDir.resolve("logs").resolve(
                        "bash-java-utils-" + command.toLowerCase(Locale.ROOT) + ".out"),
                BASH_JAVA_UTILS_TIMEOUT);
        try {
            FlinkResourceParams params = FlinkResourceParams.parse(output);
            LOG.debug("{}: JVM {} dynamic {}", command, params.jvmArgs(), params.dynamicProperties());
            return params;
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot size the Flink processes from " + confDir + ": " + e.getMessage(), e);
        }
    }

    private static JvmProcess startProcess(String name, String logName, String mainClass, FlinkResourceParams params,
            List<String> commonOptions, List<String> processOptions, String classpath, Path confDir, Path logDir,
            Path workDir, Map<String, String> env) throws IOException {
        Path log = logDir.resolve(logName + ".log");
        Path out = logDir.resolve(logName + ".out");
        ProcessLogs.rotate(log);
        ProcessLogs.rotate(out);
        // Same order as the scripts: memory options, then general and per-process options, then logging.
        List<String> jvmArgs = new ArrayList<>(params.jvmArgs());
        jvmArgs.addAll(commonOptions);
        jvmArgs.addAll(processOptions);
        jvmArgs.add("-Dlog.file=" + log);
        jvmArgs.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
        args.addAll(params.dynamicArgs());
        return JvmProcess.start(name, JvmProcess.javaCommand(jvmArgs, classpath, mainClass, args), workDir, out, env);
    }

    private void awaitReady(Duration timeout) throws IOException {
        FlinkRestClient rest = new FlinkRestClient(restUrl(), Duration.ofSeconds(2));
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastSeen = "no answer from " + restUrl();
        while (true) {
            for (JvmProcess process : List.of(jobManager, taskManager)) {
                Integer exit = process.exitCodeIfExited();
                if (exit != null) {
                    throw new IOException(process.name() + " exited with code " + exit + " during start-up"
                            + logTails());
                }
            }
            try {
                FlinkRestClient.ClusterOverview overview = rest.overview();
                // A TaskManager is listed as soon as it registers; its slots are reported a moment later.
                if (overview.taskManagers() >= 1 && overview.slotsAvailable() > 0) {
                    return;
                }
                lastSeen = overview.toString();
            } catch (IOException e) {
                lastSeen = e.getMessage(); // not listening yet, or no leader yet
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("Flink cluster not ready within " + timeout + " (want a TaskManager with free"
                        + " slots; last seen: " + lastSeen + ")" + logTails());
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                throw JvmProcess.interrupted("the Flink cluster", e);
            }
        }
    }

    private String logTails() {
        Path logs = workDir().resolve("logs");
        return ProcessLogs.tailForMessage(logs.resolve("jobmanager.log"))
                + ProcessLogs.tailForMessage(logs.resolve("jobmanager.out"))
                + ProcessLogs.tailForMessage(logs.resolve("taskmanager.log"))
                + ProcessLogs.tailForMessage(logs.resolve("taskmanager.out"));
    }

    /** A fresh copy on every start, so that an edit of the source configuration always takes effect. */
    private static void prepareConf(Path source, Path target) throws IOException {
        deleteRecursively(target);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path from : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(source.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Used only when the configuration has no log4j.properties: one file per process, named by -Dlog.file. */
    private static List<String> defaultLog4j() {
        return List.of(
                "# Written by " + StandaloneFlinkCluster.class.getName() + ": the source configuration had none.",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = MainAppender",
                "appender.main.name = MainAppender",
                "appender.main.type = File",
                "appender.main.append = false",
                "appender.main.fileName = ${sys:log.file}",
                "appender.main.layout.type = PatternLayout",
                "appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n");
    }
}
