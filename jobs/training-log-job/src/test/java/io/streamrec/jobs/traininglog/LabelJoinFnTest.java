package io.streamrec.jobs.traininglog;

import static io.streamrec.core.training.TrainingFixtures.HOUR;
import static io.streamrec.core.training.TrainingFixtures.MINUTE;
import static io.streamrec.core.training.TrainingFixtures.T0;
import static io.streamrec.core.training.TrainingFixtures.log;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.Json;
import io.streamrec.core.contract.PredictionLog;
import io.streamrec.core.training.TrainingExample;
import io.streamrec.core.training.TrainingFixtures;
import io.streamrec.core.training.TrainingLogSettings;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The join in event time, with explicit watermarks on both inputs: timers, lateness, duplicates and state. */
class LabelJoinFnTest {
  /** Purchases within 1 hour, clicks within 10 minutes; 5 minutes of allowed lateness. */
  private static final TrainingLogSettings SETTINGS = TrainingLogSettings.fromArgs(
      "--label-windows", "purchase=1h,click=10m", "--allowed-lateness", "5m");
  private static final long CLOSES = T0 + HOUR + 5 * MINUTE;

  private LabelJoinFn fn;
  private KeyedTwoInputStreamOperatorTestHarness<String, PredictionLog, Interaction, ExampleLine> harness;

  private KeyedTwoInputStreamOperatorTestHarness<String, PredictionLog, Interaction, ExampleLine> newHarness()
      throws Exception {
    fn = new LabelJoinFn(SETTINGS);
    return new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(fn),
        PredictionLog::userId, i -> i.userId, Types.STRING);
  }

  @BeforeEach
  void open() throws Exception {
    harness = newHarness();
    harness.open();
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private void receive(PredictionLog l) throws Exception {
    harness.processElement1(l, l.ts());
  }

  private void receive(String user, String item, InteractionType type, long ts, String requestId)
      throws Exception {
    harness.processElement2(TrainingFixtures.event(user, item, type, ts, requestId), ts);
  }

  private void watermark(long t) throws Exception {
    harness.processWatermark1(new Watermark(t));
    harness.processWatermark2(new Watermark(t));
  }

  private Map<String, TrainingExample> examples() {
    return harness.extractOutputValues().stream()
        .map(l -> Json.read(l.json.getBytes(StandardCharsets.UTF_8), TrainingExample.class))
        .collect(Collectors.toMap(e -> e.requestId() + "/" + e.itemId(), Function.identity()));
  }

  @Test
  void labelsAreWrittenWhenTheWindowAndTheLatenessHavePassed() throws Exception {
    receive(log("r1", "u1", T0, List.of("A", "B"), List.of("C")));
    receive("u1", "A", InteractionType.PURCHASE, T0 + 20 * MINUTE, "r1");
    receive("u1", "B", InteractionType.CLICK, T0 + 2 * MINUTE, null); // no request id: by user and item
    assertThat(harness.numEventTimeTimers()).as("one close time, one per buffered event").isEqualTo(3);

    watermark(CLOSES - 1);
    assertThat(harness.extractOutputValues()).isEmpty();
    watermark(CLOSES);
    Map<String, TrainingExample> out = examples();
    assertThat(out).containsOnlyKeys("r1/A", "r1/B", "r1/C");
    assertThat(out.get("r1/A").label()).isEqualTo(1);
    assertThat(out.get("r1/A").matchedBy()).isEqualTo(TrainingExample.BY_REQUEST);
    assertThat(out.get("r1/B").positiveType()).isEqualTo("click");
    assertThat(out.get("r1/B").matchedBy()).isEqualTo(TrainingExample.BY_USER_ITEM);
    assertThat(out.get("r1/C").label()).isZero();
    assertThat(harness.extractOutputValues()).extracting(l -> l.servedAt).containsOnly(T0);
    assertThat(harness.numKeyedStateEntries()).as("nothing left for u1").isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
    assertThat(fn.examplesPositive.getCount()).isEqualTo(2);
    assertThat(fn.examplesNegative.getCount()).isEqualTo(1);
    assertThat(fn.eventsMatchedWithoutRequest.getCount()).isEqualTo(1);
  }

  @Test
  void theExampleHasTheFeaturesLoggedWhenTheItemWasServedNotLaterOnes() throws Exception {
    receive(log("r1", "u1", T0, List.of("A"), List.of()));
    // Later the same item is served again with other features (the user's counts changed meanwhile).
    PredictionLog later = log("r2", "u1", T0 + 30 * MINUTE, List.of("X", "A"), List.of());
    receive(later);
    receive("u1", "A", InteractionType.PURCHASE, T0 + 40 * MINUTE, null);
    watermark(Long.MAX_VALUE);
    Map<String, TrainingExample> out = examples();
    assertThat(out.get("r1/A").features()[0]).isEqualTo(1f);
    assertThat(out.get("r2/A").features()[0]).isEqualTo(later.served().get(1).features()[0]).isEqualTo(2f);
    assertThat(out.get("r1/A").label()).isEqualTo(1);
    assertThat(out.get("r2/A").label()).isEqualTo(1);
  }

  @Test
  void aLateEventWithinTheAllowedLatenessStillLabelsAndIsCounted() throws Exception {
    receive(log("r1", "u1", T0, List.of("A", "B"), List.of()));
    watermark(T0 + HOUR + MINUTE); // past the purchase window, not past window + lateness
    receive("u1", "A", InteractionType.PURCHASE, T0 + 50 * MINUTE, "r1");
    assertThat(fn.lateInteractions.getCount()).isEqualTo(1);
    watermark(CLOSES);
    assertThat(examples().get("r1/A").label()).isEqualTo(1);

    // Too late: its item's example is written; the event matches nothing pending and is ignored (counted).
    receive("u1", "B", InteractionType.PURCHASE, T0 + 55 * MINUTE, "r1");
    assertThat(fn.lateInteractions.getCount()).isEqualTo(2);
    assertThat(fn.lateInteractionsIgnored.getCount()).isEqualTo(1);
    assertThat(harness.numKeyedStateEntries()).as("a too-late event is not kept").isZero();
    assertThat(examples().get("r1/B").label()).isZero();
  }

  @Test
  void aDuplicateLogIsIgnoredBeforeAndAfterItsExamplesAreWritten() throws Exception {
    PredictionLog r1 = log("r1", "u1", T0, List.of("A"), List.of());
    receive(r1);
    receive(r1);
    assertThat(fn.duplicateLogs.getCount()).isEqualTo(1);
    watermark(CLOSES);
    assertThat(harness.extractOutputValues()).hasSize(1);
    receive(r1); // a replay after a restore, long after
    assertThat(fn.lateLogsDropped.getCount()).isEqualTo(1);
    watermark(Long.MAX_VALUE);
    assertThat(harness.extractOutputValues()).hasSize(1);
  }

  @Test
  void aLogBehindTheWatermarkIsUsedWithinTheLatenessAndFindsTheEventsThatOvertookIt() throws Exception {
    receive("u1", "A", InteractionType.CLICK, T0 + MINUTE, null);
    watermark(T0 + 2 * MINUTE);
    receive(log("r1", "u1", T0, List.of("A"), List.of()));
    assertThat(fn.lateLogs.getCount()).isEqualTo(1);
    assertThat(fn.lateLogsDropped.getCount()).isZero();
    watermark(Long.MAX_VALUE);
    assertThat(examples().get("r1/A").positiveType()).isEqualTo("click");

    receive(log("r9", "u2", T0, List.of("A"), List.of()));
    assertThat(fn.lateLogsDropped.getCount()).isEqualTo(1);
  }

  @Test
  void theStateSurvivesASnapshotInItsCompactForm() throws Exception {
    receive(log("r1", "u1", T0, List.of("A", "B"), List.of()));
    receive("u1", "A", InteractionType.PURCHASE, T0 + MINUTE, "r1");
    OperatorSubtaskState snapshot = harness.snapshot(1, 1);
    harness.close();

    harness = newHarness();
    harness.initializeState(snapshot);
    harness.open();
    receive("u1", "B", InteractionType.PURCHASE, T0 + 2 * MINUTE, null);
    watermark(CLOSES);
    Map<String, TrainingExample> out = examples();
    assertThat(out.get("r1/A").label()).isEqualTo(1);
    assertThat(out.get("r1/B").label()).isEqualTo(1);
  }
}
