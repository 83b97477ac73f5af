package io.streamrec.jobs.feature;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.ItemOp;
import io.streamrec.core.contract.User;
import io.streamrec.core.features.EnrichedInteraction;
import io.streamrec.core.features.ItemFeatureState;
import io.streamrec.core.features.UserFeatureState;
import io.streamrec.core.features.WindowRange;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.time.Time;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The item and user operators on Flink's operator harness, with explicit watermarks and processing time. */
class ItemAndUserFeaturesFnTest {

  private static final long T0 = 1_700_000_000_000L;
  private static final long MIN = 60_000L;
  private static final long FLUSH_MS = 200;

  private static KeyedTwoInputStreamOperatorTestHarness<String, Item, Interaction, EnrichedInteraction> items(
      long flushMs) throws Exception {
    var h = new KeyedTwoInputStreamOperatorTestHarness<>(
        new KeyedCoProcessOperator<>(new ItemFeaturesFn(flushMs, Time.days(1))),
        (Item i) -> i.itemId, (Interaction i) -> i.itemId, Types.STRING);
    h.open();
    return h;
  }

  private static KeyedTwoInputStreamOperatorTestHarness<String, User, EnrichedInteraction, UserFeatureState> users(
      long flushMs) throws Exception {
    var h = new KeyedTwoInputStreamOperatorTestHarness<>(
        new KeyedCoProcessOperator<>(new UserFeaturesFn(flushMs, Time.days(1))),
        (User u) -> u.userId, (EnrichedInteraction e) -> e.interaction.userId, Types.STRING);
    h.open();
    return h;
  }

  private static Item item(String id, String category, double price, long ts) {
    Item item = new Item();
    item.itemId = id;
    item.op = ItemOp.UPSERT;
    item.title = "t-" + id;
    item.category = category;
    item.tags = new String[0];
    item.price = price;
    item.inStock = true;
    item.regions = new String[0];
    item.ts = ts;
    return item;
  }

  private static Interaction event(String id, String user, String item, InteractionType type, long ts) {
    return Interaction.of(id, user, item, type, ts);
  }

  private static List<ItemFeatureState> itemWrites(
      KeyedTwoInputStreamOperatorTestHarness<String, Item, Interaction, EnrichedInteraction> h) {
    var side = h.getSideOutput(ItemFeaturesFn.ITEM_STATES);
    return side == null ? List.of() : side.stream().map(StreamRecord::getValue).collect(Collectors.toList());
  }

  @Test
  void interactionsLeaveEnrichedWithTheCatalogAsItIsNow() throws Exception {
    var h = items(FLUSH_MS);
    h.processElement1(item("i1", "bags", 9.5, T0), T0);
    h.processElement2(event("e1", "u1", "i1", InteractionType.CLICK, T0 + MIN), T0 + MIN);
    h.processElement2(event("e2", "u1", "unknown", InteractionType.VIEW, T0 + MIN), T0 + MIN);

    List<EnrichedInteraction> out = h.extractOutputValues();
    assertThat(out).hasSize(2);
    assertThat(out.get(0).category).isEqualTo("bags");
    assertThat(out.get(0).price).isEqualTo(9.5);
    assertThat(out.get(1).category).isNull();
    assertThat(out.get(1).price).isNull();
  }

  @Test
  void anItemsFirstListingIsAnnouncedOncePerRegionAndGlobally() throws Exception {
    var h = items(FLUSH_MS);
    Item lamp = item("i1", "lamps", 20, T0);
    lamp.regions = new String[] {"UK", "FR"};
    h.processElement1(lamp, T0);
    Item soldOut = item("i1", "lamps", 20, T0 + MIN);
    soldOut.regions = new String[] {"UK", "FR"};
    soldOut.inStock = false;
    h.processElement1(soldOut, T0 + MIN); // a change, not a new listing
    h.processElement1(item("i2", "mugs", 3, T0 + MIN), T0 + MIN);

    List<RegionEvent> announced = new java.util.ArrayList<>();
    var side = h.getSideOutput(ItemFeaturesFn.NEW_ITEMS);
    if (side != null) {
      side.forEach(r -> announced.add(r.getValue()));
    }
    assertThat(announced).extracting(e -> e.region + "/" + e.itemId)
        .containsExactly("_global/i1", "UK/i1", "FR/i1", "_global/i2");
    assertThat(announced.get(0).ts).isEqualTo(T0);
  }

  @Test
  void writesAreCoalescedToOnePerFlushIntervalPerKey() throws Exception {
    var h = items(FLUSH_MS);
    h.setProcessingTime(1_000);
    h.processElement1(item("i1", "bags", 9.5, T0), T0);
    for (int n = 0; n < 5; n++) {
      h.processElement2(event("e" + n, "u1", "i1", InteractionType.VIEW, T0 + n), T0 + n);
    }
    assertThat(itemWrites(h)).isEmpty();
    h.setProcessingTime(1_000 + FLUSH_MS);
    List<ItemFeatureState> writes = itemWrites(h);
    assertThat(writes).hasSize(1);
    assertThat(writes.get(0).view(T0 + 10).count(InteractionType.VIEW, WindowRange.H1)).isEqualTo(5);

    // After the flush, the next change arms a new timer.
    h.processElement2(event("e9", "u1", "i1", InteractionType.VIEW, T0 + 20), T0 + 20);
    h.setProcessingTime(1_000 + 2 * FLUSH_MS);
    assertThat(itemWrites(h)).hasSize(2);
  }

  @Test
  void duplicatesAreDroppedBeforeTheyReachTheUserOperator() throws Exception {
    var h = items(0);
    h.processElement2(event("e1", "u1", "i1", InteractionType.PURCHASE, T0), T0);
    h.processElement2(event("e1", "u1", "i1", InteractionType.PURCHASE, T0), T0);
    assertThat(h.extractOutputValues()).hasSize(1);
    List<ItemFeatureState> writes = itemWrites(h);
    assertThat(writes.get(writes.size() - 1).view(T0).count(InteractionType.PURCHASE, WindowRange.D7)).isEqualTo(1);
  }

  @Test
  void lateAndOutOfOrderEventsAreStillCountedWhileTheirBucketIsKept() throws Exception {
    var h = items(0);
    h.processElement2(event("e1", "u1", "i1", InteractionType.VIEW, T0 + 30 * MIN), T0 + 30 * MIN);
    h.processWatermark1(new Watermark(T0 + 30 * MIN));
    h.processWatermark2(new Watermark(T0 + 30 * MIN));
    // 20 minutes behind the watermark: late, but its 5-minute bucket is still within the hour ring.
    h.processElement2(event("e2", "u1", "i1", InteractionType.VIEW, T0 + 10 * MIN), T0 + 10 * MIN);
    // Two days behind: gone from the 1 h and 24 h rings, still within the 7 d ring.
    h.processElement2(event("e3", "u1", "i1", InteractionType.VIEW, T0 - 2 * 24 * 60 * MIN), T0 - 2 * 24 * 60 * MIN);

    List<ItemFeatureState> writes = itemWrites(h);
    var view = writes.get(writes.size() - 1).view(T0 + 30 * MIN);
    assertThat(view.count(InteractionType.VIEW, WindowRange.H1)).isEqualTo(2);
    assertThat(view.count(InteractionType.VIEW, WindowRange.H24)).isEqualTo(2);
    assertThat(view.count(InteractionType.VIEW, WindowRange.D7)).isEqualTo(3);
    // All three still reach the user operator.
    assertThat(h.extractOutputValues()).hasSize(3);
  }

  @Test
  void itemStateExpiresAfterItsTtl() throws Exception {
    var h = items(0);
    long day = Time.days(1).toMilliseconds();
    h.setProcessingTime(0);
    h.processElement2(event("e1", "u1", "i1", InteractionType.VIEW, T0), T0);
    h.setProcessingTime(day + 1); // the expiry timer fires: nothing changed for a day
    assertThat(h.numKeyedStateEntries()).isZero();
    h.processElement2(event("e2", "u1", "i1", InteractionType.VIEW, T0 + 1), T0 + 1);
    List<ItemFeatureState> writes = itemWrites(h);
    // The second write starts from an empty state: one view, not two.
    assertThat(writes.get(writes.size() - 1).view(T0 + 1).count(InteractionType.VIEW, WindowRange.H1)).isEqualTo(1);
  }

  @Test
  void aChangedKeyDoesNotExpireUntilATtlAfterItsLastChange() throws Exception {
    var h = users(0);
    long day = Time.days(1).toMilliseconds();
    h.setProcessingTime(0);
    h.processElement2(EnrichedInteraction.of(event("e1", "u1", "i1", InteractionType.VIEW, T0), "c", 1.0), T0);
    h.setProcessingTime(day / 2);
    h.processElement2(EnrichedInteraction.of(event("e2", "u1", "i2", InteractionType.VIEW, T0 + 1), "c", 1.0),
        T0 + 1);
    h.setProcessingTime(day + 1); // the first expiry timer fires early and is re-armed for day / 2 + day
    assertThat(h.numKeyedStateEntries()).isPositive();
    assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
    h.processElement2(EnrichedInteraction.of(event("e3", "u1", "i3", InteractionType.VIEW, T0 + 2), "c", 1.0),
        T0 + 2);
    List<UserFeatureState> out = h.extractOutputValues();
    assertThat(out.get(out.size() - 1).view(T0 + 2).count(InteractionType.VIEW, WindowRange.H1)).isEqualTo(3);
    h.setProcessingTime(3 * day);
    assertThat(h.numKeyedStateEntries()).isZero();
    assertThat(h.numProcessingTimeTimers()).isZero();
  }

  @Test
  void userFeaturesCombineTheProfileAndEnrichedInteractions() throws Exception {
    var h = users(0);
    h.processElement1(User.of("u1", 34, "FR", T0), T0);
    h.processElement2(EnrichedInteraction.of(
        event("e1", "u1", "i1", InteractionType.PURCHASE, T0 + MIN).withRegion("UK"), "bags", 20.0), T0 + MIN);
    h.processElement2(EnrichedInteraction.of(
        event("e1", "u1", "i1", InteractionType.PURCHASE, T0 + MIN), "bags", 20.0), T0 + MIN); // duplicate

    List<UserFeatureState> out = h.extractOutputValues();
    UserFeatureState last = out.get(out.size() - 1);
    var view = last.view(T0 + MIN);
    assertThat(view.age()).isEqualTo(34);
    assertThat(view.region()).isEqualTo("FR"); // the profile beats the event's region
    assertThat(view.count(InteractionType.PURCHASE, WindowRange.H1)).isEqualTo(1);
    assertThat(view.bought()).containsExactly("i1");
    assertThat(view.topCategories(3)).containsOnlyKeys("bags");
    assertThat(view.pricePreference().getAsDouble()).isCloseTo(20.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(out).hasSize(2); // profile, purchase; the duplicate wrote nothing
  }

  @Test
  void userStateSurvivesSnapshotAndRestoreWithoutDoubleCounting() throws Exception {
    var h = users(0);
    h.processElement2(EnrichedInteraction.of(event("e1", "u1", "i1", InteractionType.CLICK, T0), "bags", 5.0), T0);
    OperatorSubtaskState snapshot = h.snapshot(1, T0);
    h.processElement2(EnrichedInteraction.of(event("e2", "u1", "i2", InteractionType.CLICK, T0 + 1), "bags", 5.0),
        T0 + 1);
    h.close();

    // Restore and replay what came after the snapshot, as a restart from that checkpoint does.
    var restored = new KeyedTwoInputStreamOperatorTestHarness<>(
        new KeyedCoProcessOperator<>(new UserFeaturesFn(0, Time.days(1))),
        (User u) -> u.userId, (EnrichedInteraction e) -> e.interaction.userId, Types.STRING);
    restored.initializeState(snapshot);
    restored.open();
    restored.processElement2(
        EnrichedInteraction.of(event("e2", "u1", "i2", InteractionType.CLICK, T0 + 1), "bags", 5.0), T0 + 1);
    List<UserFeatureState> out = restored.extractOutputValues();
    assertThat(out.get(out.size() - 1).view(T0 + 1).count(InteractionType.CLICK, WindowRange.H1)).isEqualTo(2);
    restored.close();
  }
}
