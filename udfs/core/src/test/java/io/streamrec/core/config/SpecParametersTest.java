package io.streamrec.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecParametersTest {

  @Test
  void appliesDecodedParametersInOrder() {
    Map<String, String> got = new LinkedHashMap<>();
    SpecParameters.apply("b=2&a=x%2Fy&c=", got::put);
    assertThat(got).containsExactly(Map.entry("b", "2"), Map.entry("a", "x/y"), Map.entry("c", ""));
    SpecParameters.apply(null, (n, v) -> {
      throw new AssertionError("called");
    });
    SpecParameters.apply("", (n, v) -> {
      throw new AssertionError("called");
    });
  }

  @Test
  void refusesMalformedRepeatedAndBadlyEscapedParameters() {
    assertThatThrownBy(() -> SpecParameters.apply("a=1&=2", (n, v) -> {}))
        .hasMessage("parameter '=2' is not name=value");
    assertThatThrownBy(() -> SpecParameters.apply("flag", (n, v) -> {}))
        .hasMessage("parameter 'flag' is not name=value");
    assertThatThrownBy(() -> SpecParameters.apply("a=1&a=2", (n, v) -> {}))
        .hasMessage("parameter 'a' is given twice");
    assertThatThrownBy(() -> SpecParameters.apply("a=%zz", (n, v) -> {})).hasMessage("bad %-escape in '%zz'");
    assertThatThrownBy(() -> SpecParameters.apply("a=1", (n, v) -> {
      throw new IllegalArgumentException("unknown parameter 'a'");
    })).hasMessage("unknown parameter 'a'");
  }

  @Test
  void valueChecks() {
    assertThat(SpecParameters.integer("n", "42")).isEqualTo(42);
    assertThatThrownBy(() -> SpecParameters.integer("n", "4x")).hasMessage("n must be an integer, got '4x'");
    assertThatThrownBy(() -> SpecParameters.nonEmpty("user", "")).hasMessage("user is empty");
    assertThatThrownBy(() -> SpecParameters.requirePositive("t", Duration.ZERO)).hasMessage("t must be > 0, got 0");
  }
}
