package io.streamrec.runtime;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One child JVM of the local runtime, with its output in a file. Both Kafka and Flink shut down cleanly on
 * SIGTERM (their own shutdown hooks flush logs and, for Kafka, write a clean-shutdown marker so the next start
 * skips log recovery), so stopping is SIGTERM first and SIGKILL only after a grace period.
 */
final class JvmProcess {

    private static final Logger LOG = LoggerFactory.getLogger(JvmProcess.class);

    /** How long a killed (SIGKILL) process gets to disappear before we give up waiting. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final String name;
    private final Process process;
    private final Path output;

    private JvmProcess(String name, Process process, Path output) {
        this.name = name;
        this.process = process;
        this.output = output;
    }

    /**
     * The {@code java} of the JVM we run in. {@code java.home} rather than {@code ProcessHandle.info().command()}:
     * the latter is optional on some platforms and names a launcher wrapper on others.
     */
    static Path javaExecutable() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        if (!Files.isExecutable(java)) {
            throw new IllegalStateException("no java executable at " + java);
        }
        return java;
    }

    /**
     * Reads a classpath file as written by {@code maven-dependency-plugin:build-classpath} and checks that every
     * entry exists, so that a stale file (e.g. after a local repository was cleaned) fails here with the jar's name
     * rather than as a ClassNotFoundException buried in a child's log.
     */
    static String readClasspath(Path classpathFile) throws IOException {
        String classpath;
        try {
            classpath = Files.readString(classpathFile, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(classpathFile.toString(), null,
                    "classpath file missing: build its module first (mvn -pl <module> generate-resources)");
        }
        if (classpath.isEmpty()) {
            throw new IOException("classpath file is empty: " + classpathFile);
        }
        for (String entry : classpath.split(File.pathSeparator)) {
            if (!entry.isEmpty() && !Files.exists(Path.of(entry))) {
                throw new NoSuchFileException(entry, null, "listed in " + classpathFile
                        + " but missing: rebuild that module (mvn -pl <module> generate-resources)");
            }
        }
        return classpath;
    }

    /** {@code java <jvmArgs> -cp <classpath> <mainClass> <args>}. */
    static List<String> javaCommand(List<String> jvmArgs, String classpath, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable().toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /** Starts {@code command} in {@code workDir} with stdout and stderr appended to {@code output}. */
    static JvmProcess start(String name, List<String> command, Path workDir, Path output, Map<String, String> env)
            throws IOException {
        Files.createDirectories(output.getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        builder.environment().putAll(env);
        LOG.debug("starting {}: {}", name, command);
        Process process = builder.start();
        // Nothing is ever written to the child; closing its stdin gives it EOF instead of a pipe that never ends.
        process.getOutputStream().close();
        LOG.debug("{} started as pid {}, output in {}", name, process.pid(), output);
        return new JvmProcess(name, process, output);
    }

    /**
     * Runs a short-lived tool to completion. Output goes to a file rather than a pipe so that a tool that hangs
     * cannot also block us on a full pipe buffer; the deadline then simply kills it.
     *
     * @return the tool's combined stdout and stderr
     * @throws IOException if it does not exit with 0 within {@code timeout}; the message carries its output
     */
    static String runToCompletion(String name, List<String> command, Path workDir, Path output, Duration timeout)
            throws IOException {
        Files.deleteIfExists(output);
        JvmProcess tool = start(name, command, workDir, output, Map.of());
        try {
            if (!tool.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                tool.kill();
                throw new IOException(name + " did not finish within " + timeout + ProcessLogs.tailForMessage(output));
            }
        } catch (InterruptedException e) {
            tool.kill();
            throw interrupted(name, e);
        }
        int exit = tool.process.exitValue();
        if (exit != 0) {
            throw new IOException(name + " failed with exit code " + exit + ProcessLogs.tailForMessage(output));
        }
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Path output() {
        return output;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Non-null once the process has exited. */
    Integer exitCodeIfExited() {
        return process.isAlive() ? null : process.exitValue();
    }

    /**
     * SIGTERM, then SIGKILL if it is still alive after {@code grace}. Idempotent. An interrupt skips the grace
     * period (kill at once) and is passed on.
     */
    void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        long started = System.nanoTime();
        process.destroy();
        try {
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.info("{} (pid {}) stopped in {} ms", name, process.pid(), millisSince(started));
                return;
            }
            LOG.warn("{} (pid {}) still running {} after SIGTERM: killing it", name, process.pid(), grace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while stopping {} (pid {}): killing it", name, process.pid());
        }
        kill();
    }

    private void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.error("{} (pid {}) survived SIGKILL for {}", name, process.pid(), KILL_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static long millisSince(long nanoTime) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoTime);
    }

    /** An interrupt as an IOException, with the thread's interrupt flag restored for the caller. */
    static InterruptedIOException interrupted(String what, InterruptedException cause) {
        Thread.currentThread().interrupt();
        InterruptedIOException e = new InterruptedIOException("interrupted while waiting for " + what);
        e.initCause(cause);
        return e;
    }
}
