package io.streamrec.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void allTopicsOfTheDesignAreDeclaredOnceWithUniqueNames() {
    List<String> names = Topics.ALL.stream().map(TopicSpec::name).toList();
    assertThat(names).doesNotHaveDuplicates();
    assertThat(new HashSet<>(names)).hasSize(Topics.ALL.size());
    assertThat(names).containsExactly(
        "interactions", "items", "users", "rec-requests", "rec-responses", "prediction-log", "dead-letters",
        "training-examples");
  }

  @Test
  void keysAndCompactionFollowTheContract() {
    assertThat(Topics.INTERACTIONS.keyField()).isEqualTo("user_id");
    assertThat(Topics.ITEMS.keyField()).isEqualTo("item_id");
    assertThat(Topics.USERS.keyField()).isEqualTo("user_id");
    assertThat(Topics.REC_REQUESTS.keyField()).isEqualTo("user_id");
    assertThat(Topics.REC_RESPONSES.keyField()).isEqualTo("user_id");
    assertThat(Topics.PREDICTION_LOG.keyField()).isEqualTo("request_id");
    assertThat(Topics.TRAINING_EXAMPLES.keyField()).isEqualTo("user_id");
    assertThat(Topics.ALL.stream().filter(TopicSpec::compacted).map(TopicSpec::name))
        .containsExactlyInAnyOrder("items", "users");
    assertThat(Topics.ALL).allSatisfy(t -> assertThat(t.partitions()).isPositive());
  }

  @Test
  void byNameFindsEveryTopic() {
    for (TopicSpec spec : Topics.ALL) {
      assertThat(Topics.byName(spec.name())).isSameAs(spec);
    }
    assertThat(Topics.byName("rec-requests")).isSameAs(Topics.REC_REQUESTS);
  }

  @Test
  void byNameFailsClearlyForAnUnknownName() {
    assertThatThrownBy(() -> Topics.byName("rec_requests"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown topic 'rec_requests'")
        .hasMessageContaining("rec-requests")
        .hasMessageContaining("dead-letters");
    assertThatThrownBy(() -> Topics.byName("staging.items"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown topic 'staging.items'");
    assertThatThrownBy(() -> Topics.byName(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void listIsImmutable() {
    assertThatThrownBy(() -> Topics.ALL.add(new TopicSpec("x", "k", 1, false)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> Topics.ALL.remove(0)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> Topics.ALL.set(0, Topics.ITEMS)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(Topics.ALL).hasSize(8);
  }

  @Test
  void prefixIsApplied() {
    assertThat(Topics.INTERACTIONS.nameWithPrefix("staging.")).isEqualTo("staging.interactions");
    assertThat(Topics.DEAD_LETTERS.nameWithPrefix("t42-")).isEqualTo("t42-dead-letters");
    assertThat(Topics.INTERACTIONS.nameWithPrefix("")).isEqualTo("interactions");
    assertThat(Topics.INTERACTIONS.nameWithPrefix(null)).isEqualTo("interactions");
    assertThat(Topics.INTERACTIONS.name()).isEqualTo("interactions");
  }

  @Test
  void specRejectsNonsense() {
    assertThatThrownBy(() -> new TopicSpec("x", "k", 0, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partitions must be >= 1, got 0");
    assertThatThrownBy(() -> new TopicSpec(null, "k", 1, false)).isInstanceOf(NullPointerException.class);
  }
}
