package io.streamrec.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class KafkaBrokerProcessTest {

    @Test
    void clusterIdsHaveKafkasUuidFormat() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            String id = KafkaBrokerProcess.newClusterId();
            assertThat(id).hasSize(22).matches("[A-Za-z0-9_]{22}");
            byte[] bytes = Base64.getUrlDecoder().decode(id);
            assertThat(bytes).hasSize(16);
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            UUID uuid = new UUID(buffer.getLong(), buffer.getLong());
            assertThat(uuid.version()).isEqualTo(4);
            ids.add(id);
        }
        assertThat(ids).hasSize(2_000);
    }

    @Test
    void serverPropertiesForASingleNodeOnLoopback() {
        List<String> lines = KafkaBrokerProcess.serverProperties(9092, 9093, Path.of("/w/data"),
                Map.of("num.partitions", "3", "message.max.bytes", "2000000"));

        assertThat(lines).contains(
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:9093",
                "listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093",
                "advertised.listeners=PLAINTEXT://127.0.0.1:9092",
                "controller.listener.names=CONTROLLER",
                "log.dirs=/w/data",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                "message.max.bytes=2000000");
        // An override replaces the default in place rather than adding a second line.
        assertThat(lines).filteredOn(l -> l.startsWith("num.partitions=")).containsExactly("num.partitions=3");
    }

    @Test
    void aSaslSslListenerBesideThePlaintextOne() {
        KafkaBrokerProcess.SaslSslListener secure = new KafkaBrokerProcess.SaslSslListener(0, Path.of("/w/broker.p12"),
                "ks-pw", Map.of("app", "app-pw", "admin", "admin-pw"));
        List<String> lines =
                KafkaBrokerProcess.serverProperties(9092, 9093, Path.of("/w/data"), Map.of(), secure, 9094);

        assertThat(lines).contains(
                "listeners=PLAINTEXT://127.0.0.1:9092,SASL_SSL://127.0.0.1:9094,CONTROLLER://127.0.0.1:9093",
                "advertised.listeners=PLAINTEXT://127.0.0.1:9092,SASL_SSL://127.0.0.1:9094",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.name.sasl_ssl.sasl.enabled.mechanisms=PLAIN",
                "listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule"
                        + " required user_admin=\"admin-pw\" user_app=\"app-pw\";",
                "listener.name.sasl_ssl.ssl.keystore.location=/w/broker.p12",
                "listener.name.sasl_ssl.ssl.keystore.password=ks-pw");
        assertThat(secure.toString()).doesNotContain("pw");
        assertThatThrownBy(() -> new KafkaBrokerProcess.SaslSslListener(0, Path.of("k"), "ks", Map.of("a", "x\"y")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KafkaBrokerProcess.SaslSslListener(0, Path.of("k"), "ks", Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void settingsDefaultsAndValidation() {
        KafkaBrokerProcess.Settings s = KafkaBrokerProcess.Settings.of(Path.of("cp.txt"), Path.of("work"));
        assertThat(s.port()).isEqualTo(9092);
        assertThat(s.controllerPort()).isZero();
        assertThat(s.heap()).isEqualTo("512m");
        assertThat(s.readyTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.withPort(0).withHeap("1g").port()).isZero();

        assertThatThrownBy(() -> s.withHeap("-Xmx512m")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.withPort(70_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.withPort(9093).withControllerPort(9093))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.withReadyTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.withBrokerOverrides(Map.of("a", "b\nc=d")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
