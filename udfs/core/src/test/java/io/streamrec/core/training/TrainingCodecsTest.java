package io.streamrec.core.training;

import static io.streamrec.core.training.TrainingFixtures.HOUR;
import static io.streamrec.core.training.TrainingFixtures.T0;
import static io.streamrec.core.training.TrainingFixtures.log;
import static io.streamrec.core.training.TrainingFixtures.positive;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.codec.StateCodec;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.Json;
import io.streamrec.core.contract.PredictionLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingCodecsTest {
  private static final TrainingLogSettings SETTINGS = TrainingLogSettings.defaults();

  private static <T> T roundTrip(StateCodec<T> codec, T value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    codec.write(value, new DataOutputStream(bytes));
    return codec.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), codec.version());
  }

  @Test
  void aPredictionLogSurvivesItsCompactFormField() throws IOException {
    PredictionLog original = log("r1", "u1", T0, List.of("A", "B"), List.of("C"));
    PredictionLog back = roundTrip(new TrainingCodecs.PredictionLogs(), original);
    // Records compare float[] by identity: compare the wire forms instead.
    assertThat(Json.writeString(back)).isEqualTo(Json.writeString(original));
  }

  @Test
  void userLabelsSurviveTheirCompactFormWithLabelsAndBufferedEvents() throws IOException {
    UserLabels labels = new UserLabels();
    labels.add(ServedEntry.of(log("r1", "u1", T0, List.of("A", "B"), List.of("C"))), SETTINGS);
    labels.apply(positive("A", InteractionType.PURCHASE, T0 + HOUR, "r1"), true, SETTINGS);
    labels.apply(positive("Q", InteractionType.PURCHASE, T0 + 2 * HOUR, null), true, SETTINGS);

    UserLabels back = roundTrip(new TrainingCodecs.Labels(), labels);
    assertThat(back.pendingCount()).isEqualTo(3);
    assertThat(back.bufferedCount()).isEqualTo(2);
    List<TrainingExample> before = labels.close(Long.MAX_VALUE, SETTINGS).stream()
        .map(e -> TrainingExample.of("u1", e)).toList();
    List<TrainingExample> after = back.close(Long.MAX_VALUE, SETTINGS).stream()
        .map(e -> TrainingExample.of("u1", e)).toList();
    assertThat(after.stream().map(Json::writeString).toList())
        .isEqualTo(before.stream().map(Json::writeString).toList());
    assertThat(after.get(0).label()).isEqualTo(1);
    assertThat(back.pending).isEmpty();
    assertThat(back.positives).as("forgotten once past the allowed lateness").isEmpty();
  }

  @Test
  void theRankersFeatureNamesAreSharedNotCopiedPerEntry() throws IOException {
    UserLabels labels = new UserLabels();
    labels.add(ServedEntry.of(log("r1", "u1", T0, List.of("A", "B"), List.of())), SETTINGS);
    UserLabels back = roundTrip(new TrainingCodecs.Labels(), labels);
    assertThat(back.pending.get(0).featureNames).isSameAs(ServedEntry.CURRENT_FEATURE_NAMES)
        .isSameAs(back.pending.get(1).featureNames);
  }
}
