package io.streamrec.core.training;

import static io.streamrec.core.training.TrainingFixtures.MINUTE;
import static io.streamrec.core.training.TrainingFixtures.T0;
import static io.streamrec.core.training.TrainingFixtures.log;
import static io.streamrec.core.training.TrainingFixtures.positive;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.Json;
import io.streamrec.core.model.RankerFeatures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire form of {@code training-examples} (docs/contracts.md). */
class TrainingExampleTest {
  private static final TrainingLogSettings SETTINGS = TrainingLogSettings.defaults();

  private static List<TrainingExample> examples() {
    UserLabels labels = new UserLabels();
    labels.add(ServedEntry.of(log("r1", "u1", T0, List.of("A"), List.of("C"))), SETTINGS);
    labels.apply(positive("A", InteractionType.PURCHASE, T0 + MINUTE, null), true, SETTINGS);
    return labels.close(Long.MAX_VALUE, SETTINGS).stream().map(e -> TrainingExample.of("u1", e)).toList();
  }

  @Test
  void aPositiveExampleCarriesTheFeaturesInTheRankersOrderWithMissingAsNull() throws Exception {
    JsonNode a = Json.MAPPER.readTree(Json.write(examples().get(0)));
    assertThat(a.path("schema_version").asInt()).isEqualTo(TrainingExample.SCHEMA_VERSION);
    assertThat(a.path("request_id").asText()).isEqualTo("r1");
    assertThat(a.path("user_id").asText()).isEqualTo("u1");
    assertThat(a.path("item_id").asText()).isEqualTo("A");
    assertThat(a.path("served_at").asLong()).isEqualTo(T0);
    assertThat(a.path("served").asBoolean()).isTrue();
    assertThat(a.path("rank").asInt()).isEqualTo(1);
    assertThat(a.path("scored_by").asText()).isEqualTo("ranker");
    assertThat(a.path("first_stage_score").asDouble()).isEqualTo(-2.0);
    assertThat(a.path("models").path("ranking").asText()).isEqualTo("ranker-v3");
    assertThat(a.path("label").asInt()).isEqualTo(1);
    assertThat(a.path("positive_type").asText()).isEqualTo("purchase");
    assertThat(a.path("label_ts").asLong()).isEqualTo(T0 + MINUTE);
    assertThat(a.path("matched_by").asText()).isEqualTo(TrainingExample.BY_USER_ITEM);
    assertThat(a.path("feature_names")).hasSize(RankerFeatures.SIZE);
    for (int i = 0; i < RankerFeatures.SIZE; i++) {
      assertThat(a.path("feature_names").get(i).asText()).isEqualTo(RankerFeatures.NAMES.get(i));
    }
    int age = RankerFeatures.NAMES.indexOf("user_age");
    assertThat(a.path("features").get(age).isNull()).as("missing is null, not \"NaN\"").isTrue();
    assertThat(a.path("features").get(0).floatValue()).isEqualTo(1f);
  }

  @Test
  void aNegativeExampleHasNoLabelFieldsAndReadsBack() throws Exception {
    TrainingExample c = examples().get(1);
    JsonNode json = Json.MAPPER.readTree(Json.write(c));
    assertThat(json.path("label").asInt()).isZero();
    assertThat(json.has("positive_type")).isFalse();
    assertThat(json.has("label_ts")).isFalse();
    assertThat(json.has("matched_by")).isFalse();
    assertThat(json.path("served").asBoolean()).isFalse();
    TrainingExample back = Json.read(Json.write(c), TrainingExample.class);
    assertThat(back.itemId()).isEqualTo("C");
    assertThat(back.features()).containsExactly(c.features());
  }
}
