package io.streamrec.runtime;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** Loopback port helpers for the local runtime. Every child process here listens on 127.0.0.1 only. */
public final class Ports {

    /** The only interface the local runtime binds to: nothing is exposed beyond this machine. */
    public static final String LOOPBACK = "127.0.0.1";

    private Ports() {}

    /**
     * A port that was free a moment ago. Another process may take it before the caller binds it; that window is
     * accepted because the child processes report a bind failure clearly, and it only matters for tests and for
     * ports that must be known in advance (a child JVM cannot tell us which ephemeral port it picked).
     */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, loopback())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot allocate a free port on " + LOOPBACK, e);
        }
    }

    /**
     * Whether a server could bind {@code 127.0.0.1:port} right now. The probe binds the way the child JVMs will
     * (SO_REUSEADDR on, as the JDK and Netty set it on Linux), so a port lingering in TIME_WAIT counts as free,
     * while a listener on 0.0.0.0 or 127.0.0.1 counts as busy.
     */
    public static boolean isFree(int port) {
        checkPort(port);
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(loopback(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether something accepts TCP connections on {@code host:port} within {@code timeout}. */
    public static boolean acceptsConnections(String host, int port, Duration timeout) {
        checkPort(port);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * {@code requested}, checked to be free, or any free port for 0.
     *
     * @param busyMessage a format with one {@code %d} for the port, telling the user what to do
     * @throws BindException if the requested port is busy
     */
    static int resolve(int requested, String busyMessage) throws BindException {
        if (requested == 0) {
            return freePort();
        }
        if (!isFree(requested)) {
            throw new BindException(String.format(busyMessage, requested));
        }
        return requested;
    }

    static void checkPort(int port) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("not a TCP port: " + port);
        }
    }

    private static InetAddress loopback() throws IOException {
        return InetAddress.getByName(LOOPBACK);
    }
}
