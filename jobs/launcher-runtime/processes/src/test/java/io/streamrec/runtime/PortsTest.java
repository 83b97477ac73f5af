package io.streamrec.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void aBoundPortIsBusyAndAcceptsConnections() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName(Ports.LOOPBACK))) {
            int port = server.getLocalPort();
            assertThat(Ports.isFree(port)).isFalse();
            assertThat(Ports.acceptsConnections(Ports.LOOPBACK, port, Duration.ofSeconds(1))).isTrue();
            assertThatThrownBy(() -> Ports.resolve(port, "port %d is in use: pass --x"))
                    .isInstanceOf(BindException.class)
                    .hasMessage("port " + port + " is in use: pass --x");
        }
    }

    @Test
    void aFreePortIsFreeAndRefusesConnections() throws Exception {
        int port = Ports.freePort();
        assertThat(Ports.isFree(port)).isTrue();
        assertThat(Ports.acceptsConnections(Ports.LOOPBACK, port, Duration.ofMillis(500))).isFalse();
        assertThat(Ports.resolve(port, "%d")).isEqualTo(port);
        assertThat(Ports.resolve(0, "%d")).isBetween(1, 65_535);
    }
}
