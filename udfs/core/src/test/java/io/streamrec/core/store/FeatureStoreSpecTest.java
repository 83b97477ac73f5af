package io.streamrec.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class FeatureStoreSpecTest {

  @Test
  void parsesEmbeddedWithTheDefaultName() {
    FeatureStoreSpec spec = FeatureStoreSpec.parse("embedded");
    assertThat(spec).isEqualTo(new FeatureStoreSpec("embedded", "default", null));
    assertThat(spec.backend()).isEqualTo("embedded");
    assertThat(spec.name()).isEqualTo(FeatureStoreSpec.DEFAULT_NAME);
    assertThat(spec.toString()).isEqualTo("embedded:default");
  }

  @Test
  void parsesEmbeddedWithAName() {
    assertThat(FeatureStoreSpec.parse("embedded:x")).isEqualTo(new FeatureStoreSpec("embedded", "x", null));
    assertThat(FeatureStoreSpec.parse("  embedded:run-7 ")).isEqualTo(new FeatureStoreSpec("embedded", "run-7", null));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "   "})
  void rejectsAnEmptySpec(String spec) {
    assertThatThrownBy(() -> FeatureStoreSpec.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("feature store spec is empty; expected 'embedded', 'embedded:<name>' or '<scheme>://...'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"embedded:", "Embedded", "embeddedx", "embedded;x", "aerospike:h"})
  void rejectsUnknownSpecsNamingThem(String spec) {
    assertThatThrownBy(() -> FeatureStoreSpec.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown feature store '" + spec + "'");
  }

  @Test
  void aUriSpecNamesItsBackendAndFailsClearlyWhenNoModuleProvidesIt() {
    FeatureStoreSpec spec = FeatureStoreSpec.parse("nosuchstore://h1:3000/ns");
    assertThat(spec.backend()).isEqualTo("nosuchstore");
    assertThat(spec.uri()).isEqualTo("nosuchstore://h1:3000/ns");
    assertThat(spec.toString()).isEqualTo("nosuchstore://h1:3000/ns");
    assertThatThrownBy(spec::open)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no feature store backend for 'nosuchstore://'");
  }

  @Test
  void aUriSpecMayNameSeveralSeedHosts() {
    String uri = "aerospike://a-0.aerospike.svc:3000,a-1.aerospike.svc:3000/streamrec?tls=true";
    FeatureStoreSpec spec = FeatureStoreSpec.parse(uri);
    assertThat(spec.backend()).isEqualTo("aerospike");
    assertThat(spec.uri()).isEqualTo(uri);
  }

  @Test
  void openReturnsTheSharedInstanceOfThatName() {
    String name = "FeatureStoreSpecTest-open";
    try {
      FeatureStore opened = FeatureStoreSpec.parse("embedded:" + name).open();
      assertThat(opened).isSameAs(EmbeddedFeatureStore.shared(name));
      opened.upsert(new FeatureKey("s", "k"), Map.of("n", 1L), 1, Duration.ZERO);
      opened.close();
      assertThat(FeatureStoreSpec.parse("embedded:" + name).open().get(new FeatureKey("s", "k"))).isPresent();
    } finally {
      EmbeddedFeatureStore.clearShared(name);
    }
  }
}
