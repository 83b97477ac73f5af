package io.streamrec.core.features;

import static io.streamrec.core.contract.InteractionType.CLICK;
import static io.streamrec.core.contract.InteractionType.PURCHASE;
import static io.streamrec.core.contract.InteractionType.SHARE;
import static io.streamrec.core.contract.InteractionType.SKIP;
import static io.streamrec.core.contract.InteractionType.VIEW;
import static io.streamrec.core.features.WindowRange.D7;
import static io.streamrec.core.features.WindowRange.H1;
import static io.streamrec.core.features.WindowRange.H24;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.ItemOp;
import io.streamrec.core.contract.StoreLayout.ItemBins;
import io.streamrec.core.store.EmbeddedFeatureStore;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ItemFeatureStateTest {

  static final long MIN = 60_000L;
  static final long HOUR = 60 * MIN;
  static final long DAY = 24 * HOUR;
  static final long T = Math.floorDiv(1_700_000_000_000L, 6 * HOUR) * 6 * HOUR;

  final EmbeddedFeatureStore store = EmbeddedFeatureStore.isolated(() -> T);

  @AfterEach
  void closeStore() {
    store.close();
  }

  static Item upsert(long ts, String title, String category, double price, boolean inStock, int minAge,
      String... regions) {
    Item i = new Item();
    i.itemId = "a";
    i.op = ItemOp.UPSERT;
    i.ts = ts;
    i.title = title;
    i.category = category;
    i.price = price;
    i.inStock = inStock;
    i.minAge = minAge;
    i.regions = regions;
    i.tags = new String[0];
    return i;
  }

  static Item delete(long ts) {
    Item i = new Item();
    i.itemId = "a";
    i.op = ItemOp.DELETE;
    i.ts = ts;
    i.regions = new String[0];
    i.tags = new String[0];
    return i;
  }

  static Interaction ev(String id, InteractionType type, long ts) {
    return Interaction.of(id, "u" + id, "a", type, ts);
  }

  static ItemFeatureState withEvents(List<Interaction> events) {
    ItemFeatureState s = ItemFeatureState.empty("a");
    events.forEach(s::apply);
    return s;
  }

  @Test
  void catalogNewestVersionWinsAndADeleteIsRevivedOnlyByANewerUpsert() {
    ItemFeatureState s = ItemFeatureState.empty("a");
    assertThat(s.view(T).inCatalog()).isFalse();
    assertThat(s.applyCatalog(upsert(T, "Atlas", "books", 10.0, true, 0, "UK"))).isTrue();
    ItemFeatureView v = s.view(T);
    assertThat(v.inCatalog()).isTrue();
    assertThat(List.of(v.title(), v.category(), v.price(), v.inStock(), v.regions(), v.minAge()))
        .containsExactly("Atlas", "books", 10.0, true, List.of("UK"), 0);

    assertThat(s.applyCatalog(upsert(T - HOUR, "Old", "maps", 99.0, false, 21))).as("older version").isFalse();
    assertThat(s.view(T).title()).isEqualTo("Atlas");
    assertThat(s.view(T).price()).isEqualTo(10.0);

    assertThat(s.applyCatalog(upsert(T + HOUR, "Atlas 2", "books", 12.5, false, 18))).isTrue();
    v = s.view(T);
    assertThat(List.of(v.title(), v.category(), v.price(), v.inStock(), v.regions(), v.minAge()))
        .containsExactly("Atlas 2", "books", 12.5, false, List.of(), 18);

    assertThat(s.applyCatalog(delete(T + 2 * HOUR))).isTrue();
    v = s.view(T);
    assertThat(v.deleted()).isTrue();
    assertThat(v.inCatalog()).isFalse();
    // A delete carries no attributes, and the store record of a deleted item has none: neither has the view.
    assertThat(v.title()).isNull();
    assertThat(v.category()).isNull();
    assertThat(v.price()).isNull();
    assertThat(v.inStock()).isFalse();
    assertThat(v.regions()).isEmpty();
    assertThat(v.minAge()).isZero();
    assertThat(FeatureReplay.enrich(s, ev("x", VIEW, T)).category).isNull();

    assertThat(s.applyCatalog(upsert(T + 90 * MIN, "Zombie", "books", 1.0, true, 0))).as("older than the delete")
        .isFalse();
    assertThat(s.view(T).deleted()).isTrue();
    assertThat(s.view(T).title()).isNull();

    assertThat(s.applyCatalog(upsert(T + 3 * HOUR, "Atlas 3", "travel", 15.0, true, 0, "UK", "IE"))).isTrue();
    v = s.view(T);
    assertThat(v.deleted()).isFalse();
    assertThat(v.inCatalog()).isTrue();
    assertThat(List.of(v.title(), v.category(), v.price(), v.inStock(), v.regions(), v.minAge()))
        .containsExactly("Atlas 3", "travel", 15.0, true, List.of("UK", "IE"), 0);
    assertThat(s.catalogTs).isEqualTo(T + 3 * HOUR);
    assertThat(s.version).isEqualTo(T + 3 * HOUR);
    assertThat(s.firstSeenTs).isEqualTo(T - HOUR);
  }

  @Test
  void catalogVersionsInAnyOrderGiveTheSameItem() {
    List<Item> versions = List.of(
        upsert(T, "Atlas", "books", 10.0, true, 0, "UK"),
        upsert(T - HOUR, "Old", "maps", 99.0, false, 21),
        upsert(T + HOUR, "Atlas 2", "books", 12.5, false, 18),
        delete(T + 2 * HOUR),
        upsert(T + 90 * MIN, "Zombie", "books", 1.0, true, 0));
    ItemFeatureState inOrder = ItemFeatureState.empty("a");
    versions.forEach(inOrder::applyCatalog);
    Map<String, Object> expected = inOrder.view(T).asMap();
    assertThat(expected.get("deleted")).isEqualTo(true);
    for (int p = 0; p < 20; p++) {
      List<Item> shuffled = new ArrayList<>(versions);
      Collections.shuffle(shuffled, new Random(p));
      ItemFeatureState s = ItemFeatureState.empty("a");
      shuffled.forEach(s::applyCatalog);
      assertThat(s.view(T).asMap()).as("order %s", shuffled).isEqualTo(expected);
    }
  }

  @Test
  void countsByTypeAndRange() {
    ItemFeatureState s = withEvents(List.of(
        ev("1", VIEW, T - MIN), ev("2", VIEW, T - 70 * MIN), ev("3", VIEW, T - 2 * DAY), ev("4", VIEW, T - 8 * DAY),
        ev("5", CLICK, T - MIN), ev("6", PURCHASE, T - 23 * HOUR), ev("7", SKIP, T)));
    ItemFeatureView v = s.view(T);
    assertThat(List.of(v.count(VIEW, H1), v.count(VIEW, H24), v.count(VIEW, D7))).containsExactly(1L, 2L, 3L);
    assertThat(List.of(v.count(CLICK, H1), v.count(CLICK, H24), v.count(CLICK, D7))).containsExactly(1L, 1L, 1L);
    assertThat(List.of(v.count(PURCHASE, H1), v.count(PURCHASE, H24), v.count(PURCHASE, D7)))
        .containsExactly(0L, 1L, 1L);
    assertThat(v.count(SKIP, H1)).isEqualTo(1);
    assertThat(v.count(SHARE, D7)).isZero();
    assertThat(s.view(T + HOUR).count(PURCHASE, H24)).isZero();
    assertThat(s.lastEventTs).isEqualTo(T);
  }

  @Test
  void smoothedCtrAndConversionInClosedForm() {
    List<Interaction> events = new ArrayList<>();
    int n = 0;
    for (int k = 0; k < 30; k++) {
      events.add(ev("v" + n++, VIEW, T - k * 5 * HOUR)); // over 6.25 days
    }
    for (int k = 0; k < 4; k++) {
      events.add(ev("c" + n++, CLICK, T - k * DAY));
    }
    events.add(ev("p" + n++, PURCHASE, T - 6 * DAY));
    for (int k = 0; k < 10; k++) {
      events.add(ev("old" + n++, k < 3 ? CLICK : VIEW, T - 8 * DAY)); // outside 7 d
    }
    ItemFeatureView v = withEvents(events).view(T);
    assertThat(v.count(VIEW, D7)).isEqualTo(30);
    assertThat(v.count(CLICK, D7)).isEqualTo(4);
    assertThat(v.smoothedCtr()).isCloseTo((4 + 0.05 * 20) / (30 + 20.0), within(1e-15)).isCloseTo(0.1, within(1e-15));
    assertThat(v.smoothedConversion()).isCloseTo((1 + 0.1 * 20) / (4 + 20.0), within(1e-15))
        .isCloseTo(0.125, within(1e-15));
    // A new item (or one whose events all left the window) reads the priors.
    ItemFeatureView fresh = ItemFeatureState.empty("b").view(T);
    assertThat(fresh.smoothedCtr()).isCloseTo(ItemFeatureState.CTR_PRIOR, within(1e-15));
    assertThat(fresh.smoothedConversion()).isCloseTo(ItemFeatureState.CVR_PRIOR, within(1e-15));
    ItemFeatureView later = withEvents(events).view(T + 7 * DAY + 6 * HOUR);
    assertThat(later.smoothedCtr()).isCloseTo(0.05, within(1e-15));
    assertThat(later.smoothedConversion()).isCloseTo(0.10, within(1e-15));
  }

  @Test
  void popularityDecaysWithAOneDayHalfLife() {
    ItemFeatureState s = withEvents(List.of(
        ev("1", VIEW, T - 2 * DAY), ev("2", PURCHASE, T - HOUR), ev("3", SKIP, T), ev("4", CLICK, T - 12 * HOUR),
        ev("5", SHARE, T - 30 * HOUR)));
    for (long asOf : List.of(T, T + 3 * DAY, T - HOUR)) {
      double expected = 0;
      long[] ts = {T - 2 * DAY, T - HOUR, T - 12 * HOUR, T - 30 * HOUR};
      double[] w = {0.1, 1.0, 0.3, 0.5};
      for (int k = 0; k < ts.length; k++) {
        expected += w[k] * Math.pow(2, -(double) (asOf - ts[k]) / DAY);
      }
      assertThat(s.view(asOf).popularity()).as("as of %d", asOf).isCloseTo(expected, within(1e-10));
    }
    assertThat(s.view(T + 3 * DAY).popularity()).isCloseTo(s.view(T).popularity() / 8, within(1e-10));
    assertThat(withEvents(List.of(ev("s", SKIP, T))).view(T).popularity()).as("a skip is not popularity").isZero();
  }

  @Test
  void firstSeenIsTheEarliestCatalogOrInteractionTime() {
    ItemFeatureState s = ItemFeatureState.empty("a");
    assertThat(s.view(T).firstSeenTs()).isZero();
    assertThat(s.view(T).ageDays()).isEqualTo(-1);
    s.apply(ev("1", VIEW, T - 5 * HOUR));
    assertThat(s.firstSeenTs).isEqualTo(T - 5 * HOUR);
    s.applyCatalog(upsert(T, "Atlas", "books", 10.0, true, 0));
    assertThat(s.firstSeenTs).isEqualTo(T - 5 * HOUR);
    s.apply(ev("2", VIEW, T + HOUR));
    assertThat(s.firstSeenTs).isEqualTo(T - 5 * HOUR);
    s.applyCatalog(upsert(T - DAY, "Older", "books", 10.0, true, 0)); // ignored as a version, but seen
    assertThat(s.view(T).title()).isEqualTo("Atlas");
    assertThat(s.firstSeenTs).isEqualTo(T - DAY);
    assertThat(s.view(T + DAY).ageDays()).isEqualTo(2.0);
    assertThat(s.version).isEqualTo(T + HOUR);
  }

  @Test
  void duplicatesWithinTheDedupWindowAreIgnored() {
    ItemFeatureState s = ItemFeatureState.empty("a");
    assertThat(s.apply(ev("e1", PURCHASE, T))).isTrue();
    assertThat(s.apply(ev("e1", PURCHASE, T))).isFalse();
    assertThat(s.apply(Interaction.of("e1", "other", "a", VIEW, T + MIN))).as("same id, other content").isFalse();
    assertThat(s.view(T + MIN).count(PURCHASE, H1)).isEqualTo(1);
    assertThat(s.view(T + MIN).count(VIEW, H1)).isZero();
    assertThat(s.view(T).popularity()).isCloseTo(1.0, within(1e-10));
    for (int k = 0; k < ItemFeatureState.DEDUP_WINDOW - 1; k++) {
      s.apply(ev("o" + k, VIEW, T));
    }
    assertThat(s.apply(ev("e1", PURCHASE, T))).isFalse();
    s.apply(ev("o-last", VIEW, T));
    assertThat(s.apply(ev("e1", PURCHASE, T))).as("pushed out of the window").isTrue();
    assertThat(s.view(T).count(PURCHASE, H1)).isEqualTo(2);
    assertThat(s.view(T).count(VIEW, H1)).isEqualTo(ItemFeatureState.DEDUP_WINDOW);
  }

  // ---- store round trip: the contract between the feature job and serving ----

  static final List<Long> AS_OF = List.of(T - 10 * DAY, T - 2 * DAY, T - 1, T, T + 7 * MIN, T + DAY, T + 8 * DAY);

  void assertStoreRoundTrip(ItemFeatureState s) {
    FeatureKey key = new FeatureKey(ItemBins.SET, s.itemId);
    assertThat(store.upsert(key, s.toBins(), s.storeVersion(), Duration.ZERO)).isTrue();
    FeatureRecord record = store.get(key).orElseThrow();
    for (long asOf : AS_OF) {
      assertThat(ItemFeatureState.viewOf(s.itemId, record, asOf).asMap()).as("as of %d", asOf)
          .isEqualTo(s.view(asOf).asMap());
    }
  }

  static List<Interaction> randomEvents(Random rnd, int n) {
    List<Interaction> events = new ArrayList<>();
    InteractionType[] types = InteractionType.values();
    for (int k = 0; k < n; k++) {
      events.add(ev("r" + k, types[rnd.nextInt(types.length)], T - 9 * DAY + (long) (rnd.nextDouble() * 9 * DAY)));
    }
    return events;
  }

  @Test
  void aLiveItemReadsBackAsTheSameViewAtAnyTime() {
    ItemFeatureState s = withEvents(randomEvents(new Random(5), 60));
    s.applyCatalog(upsert(T - 3 * DAY, "Atlas", "books", 10.0, true, 16, "UK", "IE"));
    assertStoreRoundTrip(s);
    Map<String, Object> m = s.view(T).asMap();
    assertThat(m.get("in_catalog")).isEqualTo(true);
    assertThat((Double) m.get("popularity")).isPositive();
    assertThat((Long) m.get("count_view_7d")).isPositive();
    assertThat(m).hasSize(InteractionType.values().length * WindowRange.values().length + 12);
  }

  @Test
  void anItemThroughDeleteAndReviveReadsBackTheSameAfterEveryWrite() {
    // Successive writes to one key: the store keeps bins a later write leaves out (a deleted item's title), and the
    // view must not show them.
    ItemFeatureState s = withEvents(randomEvents(new Random(6), 20));
    s.applyCatalog(upsert(T - 3 * DAY, "Atlas", "books", 10.0, true, 16, "UK"));
    assertStoreRoundTrip(s);
    s.applyCatalog(delete(T - 2 * DAY));
    s.apply(ev("after-delete", CLICK, T - DAY));
    assertStoreRoundTrip(s);
    assertThat(s.view(T).asMap().get("title")).isNull();
    s.applyCatalog(upsert(T + HOUR, "Atlas 2", "travel", 11.0, false, 0));
    assertStoreRoundTrip(s);
    assertThat(s.view(T).asMap().get("title")).isEqualTo("Atlas 2");
  }

  @Test
  void itemsWithOnlyInteractionsOrOnlyACatalogReadBackTheSame() {
    assertStoreRoundTrip(withEvents(randomEvents(new Random(8), 10)));
    ItemFeatureState catalogOnly = ItemFeatureState.empty("c");
    catalogOnly.applyCatalog(upsert(T, "Atlas", "books", 0.0, false, 0));
    assertStoreRoundTrip(catalogOnly);
    ItemFeatureState deletedOnly = ItemFeatureState.empty("d");
    deletedOnly.applyCatalog(delete(T));
    assertStoreRoundTrip(deletedOnly);
  }
}
