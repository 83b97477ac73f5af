package io.streamrec.runtime;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops child processes when our JVM exits (normal exit, Ctrl-C, SIGTERM). Nothing can do that for SIGKILL: a
 * launcher killed with {@code kill -9} leaves its broker and cluster running, and the next start then fails fast
 * on the busy port with a message saying so.
 */
public final class ShutdownHooks {

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownHooks.class);

    private ShutdownHooks() {}

    /**
     * Registers one hook that closes {@code resources} in the given order, e.g. {@code closeOnExit("streamrec",
     * cluster, broker)} so the jobs stop before the broker they read from. One hook for all of them, because the
     * JVM runs separate hooks concurrently and in no order. A failure to close one does not skip the others.
     *
     * @return the hook, so that a caller that closes the resources itself can {@link Runtime#removeShutdownHook
     *     remove} it (closing twice is harmless for the classes in this package)
     */
    public static Thread closeOnExit(String name, AutoCloseable... resources) {
        List<AutoCloseable> inOrder = List.of(resources);
        Thread hook = new Thread(() -> {
            for (AutoCloseable resource : inOrder) {
                try {
                    resource.close();
                } catch (Exception e) {
                    // Logging may already be shut down by its own hook; stderr always works.
                    System.err.println("failed to stop " + resource + " on exit: " + e);
                    LOG.warn("failed to stop {} on exit", resource, e);
                }
            }
        }, "shutdown-" + name);
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }
}
