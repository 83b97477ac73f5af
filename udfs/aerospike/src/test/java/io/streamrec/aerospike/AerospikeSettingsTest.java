package io.streamrec.aerospike;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.core.contract.StoreLayout;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AerospikeSettingsTest {

  @Test
  void parsesTheFullSpec() {
    AerospikeSettings s = AerospikeSettings.parse("aerospike://h1:3000,h2:4333/features?tls=true&tlsName=x&user=u"
        + "&passwordEnv=AEROSPIKE_PASSWORD&totalTimeoutMs=50&socketTimeoutMs=30&maxRetries=2&eventLoops=2"
        + "&maxCommandsInProcess=32&maxCommandsInQueue=500&connectTimeoutMs=700&tombstoneTtlS=86400");
    assertThat(s.hosts()).containsExactly("h1:3000", "h2:4333");
    assertThat(s.namespace()).isEqualTo("features");
    assertThat(s.tls()).isTrue();
    assertThat(s.tlsName()).isEqualTo("x");
    assertThat(s.user()).isEqualTo("u");
    assertThat(s.passwordEnv()).isEqualTo("AEROSPIKE_PASSWORD");
    assertThat(s.totalTimeout()).isEqualTo(Duration.ofMillis(50));
    assertThat(s.socketTimeout()).isEqualTo(Duration.ofMillis(30));
    assertThat(s.maxRetries()).isEqualTo(2);
    assertThat(s.eventLoops()).isEqualTo(2);
    assertThat(s.maxCommandsInProcess()).isEqualTo(32);
    assertThat(s.maxCommandsInQueue()).isEqualTo(500);
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofMillis(700));
    assertThat(s.tombstoneTtl()).isEqualTo(Duration.ofDays(1));
    assertThat(s.async()).isTrue();
  }

  @Test
  void appliesTheDefaults() {
    AerospikeSettings s = AerospikeSettings.parse("aerospike://h1");
    assertThat(s).isEqualTo(AerospikeSettings.builder("h1:3000").build());
    assertThat(s.namespace()).isEqualTo(StoreLayout.NAMESPACE);
    assertThat(s.user()).isNull();
    assertThat(s.tls()).isFalse();
    assertThat(s.totalTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.maxRetries()).isEqualTo(2);
    assertThat(s.eventLoops()).isEqualTo(1);
    assertThat(s.tombstoneTtl()).isEqualTo(Duration.ZERO);
    assertThat(AerospikeSettings.parse("aerospike://h1:3000/").namespace()).isEqualTo(StoreLayout.NAMESPACE);
  }

  @Test
  void acceptsIpv6HostsInBrackets() {
    AerospikeSettings s = AerospikeSettings.parse("aerospike://[::1]:3100,[fe80::2]/ns");
    assertThat(s.hosts()).containsExactly("[::1]:3100", "[fe80::2]:3000");
    assertThat(s.hostPorts()).containsExactly(
        new AerospikeSettings.HostPort("::1", 3100), new AerospikeSettings.HostPort("fe80::2", 3000));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "aerospike://                              | no hosts",
      "aerospike:///ns                           | no hosts",
      "vespa://h:3000/ns                         | it must start with aerospike://",
      "aerospike://h:0/ns                        | bad port '0'",
      "aerospike://h:x/ns                        | bad port 'x'",
      "aerospike://h:3000,,h2:3000/ns            | empty host",
      "aerospike://::1:3000/ns                   | write IPv6 addresses as [addr]:port",
      "aerospike://h/a/b                         | the path must be just the namespace",
      "aerospike://h/this-namespace-is-longer-than-31 | must be 1 to 31 bytes",
      "aerospike://h/ns?password=secret          | a password never goes into the spec",
      "aerospike://h/ns?user=u                   | needs passwordEnv=",
      "aerospike://h/ns?passwordEnv=P            | is given without a user",
      "aerospike://h/ns?tlsName=x                | tlsName=x needs tls=true",
      "aerospike://h/ns?tls=yes                  | tls must be true or false",
      "aerospike://h/ns?totalTimeoutMs=0         | totalTimeoutMs must be > 0",
      "aerospike://h/ns?socketTimeoutMs=fast     | socketTimeoutMs must be an integer",
      "aerospike://h/ns?maxRetries=-1            | maxRetries must be >= 0",
      "aerospike://h/ns?eventLoops=-1            | eventLoops must be >= 0",
      "aerospike://h/ns?maxCommandsInQueue=0     | maxCommandsInQueue must be >= 1",
      "aerospike://h/ns?maxRetries=1&maxRetries=2 | parameter 'maxRetries' is given twice",
      "aerospike://h/ns?tls                      | parameter 'tls' is not name=value",
      "aerospike://h/ns?timeout=5                | unknown parameter 'timeout'; known: [connectTimeoutMs,"
  })
  void badSpecsSayWhatIsWrong(String spec, String why) {
    assertThatThrownBy(() -> AerospikeSettings.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("bad Aerospike feature store spec '" + spec + "': ")
        .hasMessageContaining(why);
  }

  @Test
  void theBuilderValidatesToo() {
    assertThatThrownBy(() -> AerospikeSettings.builder().build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("at least one Aerospike host is needed");
    assertThatThrownBy(() -> AerospikeSettings.builder("h").maxCommands(0, 10).build())
        .hasMessageContaining("maxCommandsInProcess must be >= 1");
    assertThat(AerospikeSettings.builder("h").eventLoops(0).build().async()).isFalse();
    assertThat(AerospikeSettings.builder("h").build().hosts()).isEqualTo(List.of("h:3000"));
  }
}
