package io.streamrec.core.training;

import static io.streamrec.core.training.TrainingFixtures.DAY;
import static io.streamrec.core.training.TrainingFixtures.HOUR;
import static io.streamrec.core.training.TrainingFixtures.MINUTE;
import static io.streamrec.core.training.TrainingFixtures.T0;
import static io.streamrec.core.training.TrainingFixtures.log;
import static io.streamrec.core.training.TrainingFixtures.positive;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.PredictionLog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The labelling rules of the training-log join, without Flink. */
class UserLabelsTest {
  /** Purchases count for 7 days, clicks for one hour; one hour of allowed lateness. */
  private static final TrainingLogSettings SETTINGS = TrainingLogSettings.fromArgs(
      "--label-windows", "purchase=7d,click=1h", "--allowed-lateness", "1h", "--max-pending-per-user", "50");

  private static Map<String, ServedEntry> closeAll(UserLabels labels) {
    return labels.close(Long.MAX_VALUE, SETTINGS).stream()
        .collect(Collectors.toMap(e -> e.requestId + "/" + e.itemId, Function.identity()));
  }

  private static UserLabels with(PredictionLog... logs) {
    UserLabels labels = new UserLabels();
    for (PredictionLog l : logs) {
      labels.add(ServedEntry.of(l), SETTINGS);
    }
    return labels;
  }

  @Test
  void anEventNamingTheRequestLabelsThatRequestsItemOnly() {
    UserLabels labels = with(log("r1", "u", T0, List.of("A", "B"), List.of("C")),
        log("r2", "u", T0 + MINUTE, List.of("A"), List.of()));
    assertThat(labels.apply(positive("A", InteractionType.PURCHASE, T0 + HOUR, "r1"), true, SETTINGS).labelled())
        .isEqualTo(1);
    Map<String, ServedEntry> closed = closeAll(labels);
    assertThat(closed.get("r1/A").isPositive()).isTrue();
    assertThat(closed.get("r1/A").positiveType()).isEqualTo(InteractionType.PURCHASE);
    assertThat(closed.get("r1/A").labelByRequest).isTrue();
    assertThat(closed.get("r1/A").labelTs).isEqualTo(T0 + HOUR);
    assertThat(closed.get("r2/A").isPositive()).as("another request showed A too; the event named r1").isFalse();
    assertThat(closed.get("r1/B").isPositive()).isFalse();
    assertThat(closed.get("r1/C").isPositive()).isFalse();
    assertThat(closed.get("r1/C").served).isFalse();
  }

  @Test
  void anEventWithoutRequestMatchesByUserAndItemWithinTheWindowAfterServing() {
    UserLabels labels = with(log("r1", "u", T0, List.of("A"), List.of()),
        log("r2", "u", T0 + 2 * DAY, List.of("A", "B"), List.of()));
    // After r1 and r2 showed A, within both purchase windows: both are labelled.
    labels.apply(positive("A", InteractionType.PURCHASE, T0 + 3 * DAY, null), true, SETTINGS);
    // Before r2 was served: cannot be r2's outcome.
    labels.apply(positive("B", InteractionType.PURCHASE, T0 + DAY, null), true, SETTINGS);
    Map<String, ServedEntry> closed = closeAll(labels);
    assertThat(closed.get("r1/A").isPositive()).isTrue();
    assertThat(closed.get("r1/A").labelByRequest).isFalse();
    assertThat(closed.get("r2/A").isPositive()).isTrue();
    assertThat(closed.get("r2/B").isPositive()).isFalse();
  }

  @Test
  void eachPositiveTypeHasItsOwnWindow() {
    UserLabels labels = with(log("r1", "u", T0, List.of("A", "B", "C"), List.of()));
    labels.apply(positive("A", InteractionType.CLICK, T0 + 2 * HOUR, "r1"), true, SETTINGS); // past the click window
    labels.apply(positive("B", InteractionType.PURCHASE, T0 + 6 * DAY, "r1"), true, SETTINGS);
    labels.apply(positive("C", InteractionType.PURCHASE, T0 + 8 * DAY, "r1"), true, SETTINGS); // past 7 days
    labels.apply(positive("C", InteractionType.VIEW, T0 + MINUTE, "r1"), true, SETTINGS); // not a positive type
    Map<String, ServedEntry> closed = closeAll(labels);
    assertThat(closed.get("r1/A").isPositive()).isFalse();
    assertThat(closed.get("r1/B").positiveType()).isEqualTo(InteractionType.PURCHASE);
    assertThat(closed.get("r1/C").isPositive()).isFalse();
  }

  @Test
  void theStrongestTypeWinsWhateverOrderEventsArriveIn() {
    List<Positive> events = List.of(
        positive("A", InteractionType.CLICK, T0 + 2 * MINUTE, null),
        positive("A", InteractionType.PURCHASE, T0 + 30 * MINUTE, null),
        positive("A", InteractionType.PURCHASE, T0 + 10 * MINUTE, "r1"),
        positive("A", InteractionType.CLICK, T0 + MINUTE, "r1"));
    for (int shuffle = 0; shuffle < 8; shuffle++) {
      List<Positive> order = new ArrayList<>(events);
      Collections.shuffle(order, new java.util.Random(shuffle));
      UserLabels labels = with(log("r1", "u", T0, List.of("A"), List.of()));
      order.forEach(p -> labels.apply(p, true, SETTINGS));
      ServedEntry a = closeAll(labels).get("r1/A");
      assertThat(a.positiveType()).isEqualTo(InteractionType.PURCHASE);
      assertThat(a.labelTs).as("the earliest purchase").isEqualTo(T0 + 10 * MINUTE);
      assertThat(a.labelByRequest).isTrue();
    }
  }

  @Test
  void aDuplicateLogIsIgnoredAndTheEntriesKeepTheirLabels() {
    PredictionLog r1 = log("r1", "u", T0, List.of("A", "B"), List.of());
    UserLabels labels = with(r1);
    labels.apply(positive("A", InteractionType.PURCHASE, T0 + HOUR, "r1"), true, SETTINGS);
    UserLabels.Added again = labels.add(ServedEntry.of(r1), SETTINGS);
    assertThat(again.duplicateLog()).isTrue();
    assertThat(again.added()).isZero();
    assertThat(labels.pendingCount()).isEqualTo(2);
    assertThat(closeAll(labels).get("r1/A").isPositive()).isTrue();
  }

  @Test
  void anItemLoggedTwiceInOneLogIsOneEntryAndEntriesWithoutFeaturesAreLeftOut() {
    PredictionLog l = log("r1", "u", T0, List.of("A", "B"), List.of("A", "C"));
    List<PredictionLog.Entry> served = new ArrayList<>(l.served());
    served.add(new PredictionLog.Entry("D", 3, 0.1, List.of("trending"), new float[0]));
    PredictionLog withUnranked = new PredictionLog(l.requestId(), l.userId(), l.ts(), l.models(), true, "deadline",
        l.featureNames(), served, l.negatives(), 0, 0, Map.of(), Map.of(), Map.of());
    List<ServedEntry> entries = ServedEntry.of(withUnranked);
    assertThat(entries).extracting(e -> e.itemId).containsExactly("A", "B", "C");
    assertThat(entries).extracting(e -> e.served).containsExactly(true, true, false);
    assertThat(ServedEntry.withoutFeatures(withUnranked)).isEqualTo(1);
  }

  @Test
  void anEventThatArrivesBeforeItsLogStillLabelsIt() {
    UserLabels labels = new UserLabels();
    // The click travels on another topic than the log and overtook it.
    UserLabels.Applied applied =
        labels.apply(positive("A", InteractionType.CLICK, T0 + MINUTE, null), true, SETTINGS);
    assertThat(applied.labelled()).isZero();
    assertThat(applied.buffered()).isTrue();
    labels.add(ServedEntry.of(log("r1", "u", T0, List.of("A"), List.of())), SETTINGS);
    assertThat(closeAll(labels).get("r1/A").positiveType()).isEqualTo(InteractionType.CLICK);
  }

  @Test
  void closeWritesAnEntryOnlyAfterItsLongestWindowAndTheLatenessAndForgetsOldEvents() {
    UserLabels labels = with(log("r1", "u", T0, List.of("A"), List.of()));
    labels.apply(positive("Z", InteractionType.PURCHASE, T0 + MINUTE, null), true, SETTINGS);
    long closes = T0 + 7 * DAY + HOUR;
    assertThat(SETTINGS.closesAt(T0)).isEqualTo(closes);
    assertThat(labels.close(T0 + MINUTE + HOUR - 1, SETTINGS)).isEmpty();
    assertThat(labels.bufferedCount()).isEqualTo(1);
    assertThat(labels.close(T0 + MINUTE + HOUR, SETTINGS)).isEmpty();
    assertThat(labels.bufferedCount()).as("older than the allowed lateness").isZero();
    assertThat(labels.close(closes - 1, SETTINGS)).isEmpty();
    assertThat(labels.close(closes, SETTINGS)).extracting(e -> e.itemId).containsExactly("A");
    assertThat(labels.isEmpty()).isTrue();
  }

  @Test
  void aUserIsBoundedInServedItemsAndInBufferedEvents() {
    UserLabels labels = new UserLabels();
    List<String> items = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      items.add("i" + i);
    }
    assertThat(labels.add(ServedEntry.of(log("r1", "u", T0, items, List.of())), SETTINGS).added()).isEqualTo(30);
    UserLabels.Added second = labels.add(ServedEntry.of(log("r2", "u", T0, items, List.of())), SETTINGS);
    assertThat(second.added()).isEqualTo(20);
    assertThat(second.overBound()).isEqualTo(10);
    assertThat(labels.pendingCount()).isEqualTo(50);
    for (int i = 0; i < 60; i++) {
      labels.apply(positive("x" + i, InteractionType.PURCHASE, T0 + i, null), true, SETTINGS);
    }
    assertThat(labels.bufferedCount()).isEqualTo(50);
  }

  @Test
  void aRepeatedEventIsBufferedOnce() {
    UserLabels labels = new UserLabels();
    Positive p = positive("A", InteractionType.PURCHASE, T0, null);
    assertThat(labels.apply(p, true, SETTINGS).buffered()).isTrue();
    assertThat(labels.apply(positive("A", InteractionType.PURCHASE, T0, null), true, SETTINGS).buffered()).isFalse();
    assertThat(labels.bufferedCount()).isEqualTo(1);
  }
}
