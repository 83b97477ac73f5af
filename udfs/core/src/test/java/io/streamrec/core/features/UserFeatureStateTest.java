package io.streamrec.core.features;

import static io.streamrec.core.contract.InteractionType.ADD_TO_CART;
import static io.streamrec.core.contract.InteractionType.CLICK;
import static io.streamrec.core.contract.InteractionType.LIKE;
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
import io.streamrec.core.contract.StoreLayout.UserBins;
import io.streamrec.core.contract.User;
import io.streamrec.core.store.EmbeddedFeatureStore;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureRecord;
import io.streamrec.core.store.FeatureWrite;
import io.streamrec.core.store.WriteOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UserFeatureStateTest {

  static final long MIN = 60_000L;
  static final long HOUR = 60 * MIN;
  static final long DAY = 24 * HOUR;
  /** The first ms of a 6 h bucket (so of every bucket size). */
  static final long T = Math.floorDiv(1_700_000_000_000L, 6 * HOUR) * 6 * HOUR;
  static final long HALF_LIFE = 3 * DAY;

  final EmbeddedFeatureStore store = EmbeddedFeatureStore.isolated(() -> T);

  @AfterEach
  void closeStore() {
    store.close();
  }

  static EnrichedInteraction ev(String id, String item, InteractionType type, long ts, String category, Double price) {
    return EnrichedInteraction.of(Interaction.of(id, "u1", item, type, ts), category, price);
  }

  static EnrichedInteraction ev(String id, String item, InteractionType type, long ts) {
    return ev(id, item, type, ts, null, null);
  }

  static UserFeatureState applied(List<EnrichedInteraction> events) {
    UserFeatureState s = UserFeatureState.empty("u1");
    for (EnrichedInteraction e : events) {
      s.apply(e);
    }
    return s;
  }

  static double decayed(double weight, long ts, long asOf) {
    return weight * Math.pow(2, -(double) (asOf - ts) / HALF_LIFE);
  }

  @Test
  void countsByTypeAndRange() {
    UserFeatureState s = applied(List.of(
        ev("v1", "i1", VIEW, T - 10 * MIN),
        ev("v2", "i2", VIEW, T - 30 * MIN),
        ev("v3", "i3", VIEW, T - 2 * HOUR),
        ev("v4", "i4", VIEW, T - 3 * DAY),
        ev("v5", "i5", VIEW, T - 8 * DAY),
        ev("c1", "i1", CLICK, T - 5 * MIN),
        ev("p1", "i1", PURCHASE, T - 20 * HOUR)));
    UserFeatureView now = s.view(T);
    assertThat(List.of(now.count(VIEW, H1), now.count(VIEW, H24), now.count(VIEW, D7))).containsExactly(2L, 3L, 4L);
    assertThat(List.of(now.count(CLICK, H1), now.count(CLICK, H24), now.count(CLICK, D7))).containsExactly(1L, 1L, 1L);
    assertThat(List.of(now.count(PURCHASE, H1), now.count(PURCHASE, H24), now.count(PURCHASE, D7)))
        .containsExactly(0L, 1L, 1L);
    for (InteractionType t : List.of(LIKE, ADD_TO_CART, SKIP, SHARE)) {
      for (WindowRange r : WindowRange.values()) {
        assertThat(now.count(t, r)).isZero();
      }
    }
    // Two days later the 1 h and 24 h windows are empty; 7 d still holds everything from T - 4.75 d on.
    UserFeatureView later = s.view(T + 2 * DAY);
    assertThat(List.of(later.count(VIEW, H1), later.count(VIEW, H24), later.count(VIEW, D7)))
        .containsExactly(0L, 0L, 4L);
    assertThat(later.count(PURCHASE, D7)).isEqualTo(1);
    // Read as of a past time, the rings give that time's window of whole buckets: the 6 h bucket holding T - 4 h
    // also holds the views at T - 2 h, T - 30 min and T - 10 min (which is why a replay reads before applying later
    // events), while the 1 h and 24 h buckets of T - 4 h hold none.
    UserFeatureView before = s.view(T - 4 * HOUR);
    assertThat(List.of(before.count(VIEW, H1), before.count(VIEW, H24), before.count(VIEW, D7)))
        .containsExactly(0L, 0L, 4L);
    UserFeatureView beforeBucket = s.view(T - 6 * HOUR - 1);
    assertThat(beforeBucket.count(VIEW, D7)).isEqualTo(1);
    assertThat(now.lastActiveTs()).isEqualTo(T - 5 * MIN);
    assertThat(s.version).isEqualTo(T - 5 * MIN);
    assertThat(s.counts[LIKE.ordinal()]).as("no ring for a type never seen").isNull();
  }

  @Test
  void recentKeepsTheNewestByTimeThenEventIdHashWhateverTheArrivalOrder() {
    List<EnrichedInteraction> events = new ArrayList<>();
    for (int k = 0; k < 80; k++) {
      // Pairs share a timestamp; within a pair the hash of the event id decides.
      events.add(ev(String.format("e%03d", 200 - k), "i" + k, k % 3 == 0 ? CLICK : VIEW, T + (k / 2) * MIN));
    }
    UserFeatureState inOrder = applied(events);
    assertThat(inOrder.recentTs).hasSize(UserFeatureState.MAX_RECENT);
    // Newest first: pairs 39 down to 15 (i78/i79 … i30/i31); within a pair the larger (unsigned) id hash is newer.
    List<String> expected = new ArrayList<>();
    for (int pair = 39; pair >= 15; pair--) {
      int a = 2 * pair;
      int b = 2 * pair + 1;
      boolean aFirst = Long.compareUnsigned(hash(a), hash(b)) > 0;
      expected.add("i" + (aFirst ? a : b));
      expected.add("i" + (aFirst ? b : a));
    }
    assertThat(inOrder.view(T + HOUR).recentItems()).containsExactlyElementsOf(expected);
    String oldest = expected.get(expected.size() - 1);
    String newest = expected.get(0);
    assertThat(inOrder.recentEventHashes[0]).isEqualTo(hash(Integer.parseInt(oldest.substring(1))));
    assertThat(inOrder.recentEventHashes[49]).isEqualTo(hash(Integer.parseInt(newest.substring(1))));
    assertThat(inOrder.recentItems[49]).isEqualTo(newest);
    assertThat(inOrder.recentTypes[49]).isEqualTo(Integer.parseInt(newest.substring(1)) % 3 == 0 ? "click" : "view");

    for (int p = 0; p < 10; p++) {
      List<EnrichedInteraction> shuffled = new ArrayList<>(events);
      Collections.shuffle(shuffled, new Random(p));
      UserFeatureState s = applied(shuffled);
      assertThat(s.recentEventHashes).as("permutation %d", p).containsExactly(inOrder.recentEventHashes);
      assertThat(s.recentItems).containsExactly(inOrder.recentItems);
      assertThat(s.recentTs).containsExactly(inOrder.recentTs);
      assertThat(s.recentTypes).containsExactly(inOrder.recentTypes);
    }
    // As of an earlier time the later ones are left out (point in time), still newest first.
    List<String> asOf16 = inOrder.view(T + 16 * MIN).recentItems();
    assertThat(asOf16).hasSize(4).containsExactlyInAnyOrder("i32", "i33", "i30", "i31");
    assertThat(asOf16.subList(0, 2)).as("the pair at 16 min first").containsExactlyInAnyOrder("i32", "i33");
  }

  /** The id hash of event {@code k} of the test above. */
  private static long hash(int k) {
    return RecentIds.hash(String.format("e%03d", 200 - k));
  }

  @Test
  void boughtIsBoundedKeepsTheNewestPurchasesAndARepurchaseMovesToTheEnd() {
    List<EnrichedInteraction> events = new ArrayList<>();
    for (int k = 0; k < 230; k++) {
      events.add(ev("p" + k, String.format("b%03d", k), PURCHASE, T + k * MIN));
    }
    events.add(ev("again5", "b005", PURCHASE, T + 300 * MIN)); // bought again, newest of all
    events.add(ev("again220", "b220", PURCHASE, T - DAY)); // an older purchase of a kept item: no move
    events.add(ev("again10", "b010", PURCHASE, T - DAY)); // an older purchase of an evicted item: stays out
    List<String> expected = new ArrayList<>();
    for (int k = 31; k < 230; k++) {
      expected.add(String.format("b%03d", k));
    }
    expected.add("b005");

    UserFeatureState inOrder = applied(events);
    assertThat(inOrder.boughtItems).hasSize(UserFeatureState.MAX_BOUGHT);
    assertThat(List.copyOf(inOrder.view(T + DAY).bought())).containsExactlyElementsOf(expected);
    assertThat(inOrder.boughtTs[UserFeatureState.MAX_BOUGHT - 1]).isEqualTo(T + 300 * MIN);
    for (int p = 0; p < 10; p++) {
      List<EnrichedInteraction> shuffled = new ArrayList<>(events);
      Collections.shuffle(shuffled, new Random(p));
      UserFeatureState s = applied(shuffled);
      assertThat(s.boughtItems).as("permutation %d", p).containsExactlyElementsOf(expected);
      assertThat(s.boughtTs).containsExactly(inOrder.boughtTs);
    }
  }

  @Test
  void aRecentPurchaseBeatsOlderViewsInCategoryAffinity() {
    List<EnrichedInteraction> events = new ArrayList<>();
    double shoes = 0;
    for (int k = 0; k < 8; k++) {
      long ts = T - 2 * DAY - k * 6 * HOUR;
      events.add(ev("v" + k, "s" + k, VIEW, ts, "shoes", 80.0));
      shoes += decayed(0.1, ts, T);
    }
    events.add(ev("p1", "b1", PURCHASE, T - HOUR, "books", 12.0));
    double books = decayed(1.0, T - HOUR, T);
    events.add(ev("a1", "t1", ADD_TO_CART, T - 6 * DAY, "toys", 30.0));
    events.add(ev("l1", "t2", LIKE, T - 4 * DAY, "toys", 20.0));
    double toys = decayed(0.7, T - 6 * DAY, T) + decayed(0.5, T - 4 * DAY, T);
    events.add(ev("c1", "x1", CLICK, T - 2 * HOUR)); // item unknown to the catalog: no category, no affinity
    UserFeatureState s = applied(events);

    UserFeatureView v = s.view(T);
    assertThat(v.affinity("books")).isCloseTo(books, within(1e-10));
    assertThat(v.affinity("shoes")).isCloseTo(shoes, within(1e-10));
    assertThat(v.affinity("toys")).isCloseTo(toys, within(1e-10));
    assertThat(v.affinity("garden")).isZero();
    assertThat(books).isGreaterThan(shoes).isGreaterThan(toys);
    assertThat(v.topCategories(10)).containsOnlyKeys("books", "shoes", "toys");
    assertThat(List.copyOf(v.topCategories(10).keySet())).containsExactly("books", "shoes", "toys");
    assertThat(List.copyOf(v.topCategories(2).keySet())).containsExactly("books", "shoes");
    assertThat(v.topCategories(10).get("shoes")).isCloseTo(shoes, within(1e-10));
    // One half-life later every affinity has halved; the order cannot change.
    UserFeatureView later = s.view(T + HALF_LIFE);
    assertThat(later.affinity("books")).isCloseTo(books / 2, within(1e-10));
    assertThat(later.affinity("toys")).isCloseTo(toys / 2, within(1e-10));
    assertThat(List.copyOf(later.topCategories(10).keySet())).containsExactly("books", "shoes", "toys");
    // The same events in another order give the same affinities.
    List<EnrichedInteraction> reversed = new ArrayList<>(events);
    Collections.reverse(reversed);
    assertThat(applied(reversed).view(T).affinity("shoes")).isCloseTo(shoes, within(1e-10));
  }

  @Test
  void pricePreferenceIsTheDecayedWeightedMeanPrice() {
    UserFeatureState s = applied(List.of(
        ev("v1", "i1", VIEW, T - DAY, "c", 10.0),
        ev("p1", "i2", PURCHASE, T - 2 * DAY, "c", 50.0),
        ev("c1", "i3", CLICK, T, "c", 20.0),
        ev("c2", "i4", CLICK, T, "c", null), // unknown price: not in the mean
        ev("c3", "i5", CLICK, T, "c", 0.0), // free: not in the mean
        ev("s1", "i6", SKIP, T, "c", 1000.0))); // weight 0: not in the mean
    double num = decayed(0.1 * 10, T - DAY, T) + decayed(1.0 * 50, T - 2 * DAY, T) + decayed(0.3 * 20, T, T);
    double den = decayed(0.1, T - DAY, T) + decayed(1.0, T - 2 * DAY, T) + decayed(0.3, T, T);
    assertThat(num / den).isCloseTo(37.94, within(0.01)); // sanity of the closed form itself
    assertThat(s.view(T).pricePreference()).hasValueCloseTo(num / den, within(1e-9));
    // The decay cancels in the ratio: the preference does not move with the read time.
    assertThat(s.view(T + 30 * DAY).pricePreference()).hasValueCloseTo(num / den, within(1e-9));
    assertThat(UserFeatureState.empty("u").view(T).pricePreference()).isEmpty();
  }

  @Test
  void aSkipCountsButChangesNoAffinityNorPrice() {
    UserFeatureState s = UserFeatureState.empty("u1");
    assertThat(s.apply(ev("s1", "g1", SKIP, T, "garden", 1000.0))).isTrue();
    UserFeatureView v = s.view(T);
    assertThat(v.count(SKIP, H1)).isEqualTo(1);
    assertThat(v.affinity("garden")).isZero();
    assertThat(v.topCategories(10)).isEmpty();
    assertThat(s.categories).isEmpty();
    assertThat(v.pricePreference()).isEmpty();
    assertThat(v.recentItems()).containsExactly("g1");

    s.apply(ev("v1", "g2", VIEW, T, "garden", 10.0));
    double before = s.view(T).affinity("garden");
    s.apply(ev("s2", "g3", SKIP, T + MIN, "garden", 10.0));
    assertThat(s.view(T).affinity("garden")).isEqualTo(before).isCloseTo(0.1, within(1e-12));
    assertThat(s.view(T).pricePreference()).hasValueCloseTo(10.0, within(1e-9));
  }

  @Test
  void duplicatesWithinTheDedupWindowAreIgnored() {
    UserFeatureState s = UserFeatureState.empty("u1");
    assertThat(s.apply(ev("e1", "i1", PURCHASE, T, "c", 10.0))).isTrue();
    assertThat(s.apply(ev("e1", "i1", PURCHASE, T, "c", 10.0))).isFalse();
    assertThat(s.apply(ev("e1", "i9", VIEW, T + MIN, "d", 99.0))).as("same id, other content").isFalse();
    UserFeatureView v = s.view(T + MIN);
    assertThat(v.count(PURCHASE, H1)).isEqualTo(1);
    assertThat(v.count(VIEW, H1)).isZero();
    assertThat(v.recentItems()).containsExactly("i1");
    assertThat(v.affinity("c")).isCloseTo(decayed(1.0, T, T + MIN), within(1e-12));
    assertThat(v.affinity("d")).isZero();
    assertThat(v.lastActiveTs()).isEqualTo(T);

    // The window is the last DEDUP_WINDOW ids: with 255 others after it, e1 is still a duplicate ...
    for (int k = 0; k < UserFeatureState.DEDUP_WINDOW - 1; k++) {
      assertThat(s.apply(ev("o" + k, "i2", VIEW, T + 2 * MIN))).isTrue();
    }
    assertThat(s.apply(ev("e1", "i1", PURCHASE, T, "c", 10.0))).isFalse();
    // ... and one more pushes it out (a documented limit: size the window for the producers' retries).
    assertThat(s.apply(ev("o-last", "i2", VIEW, T + 2 * MIN))).isTrue();
    assertThat(s.apply(ev("e1", "i1", PURCHASE, T, "c", 10.0))).isTrue();
    assertThat(s.view(T + 2 * MIN).count(PURCHASE, H1)).isEqualTo(2);
  }

  @Test
  void profileNewestWinsAndItsRegionBeatsInteractionRegions() {
    UserFeatureState s = UserFeatureState.empty("u1");
    s.apply(EnrichedInteraction.of(Interaction.of("e1", "u1", "i1", VIEW, T - 2 * HOUR).withRegion("FR"), null, null));
    s.apply(EnrichedInteraction.of(Interaction.of("e2", "u1", "i2", VIEW, T - 3 * HOUR).withRegion("DE"), null, null));
    assertThat(s.view(T).region()).as("the newest interaction's region, not the last to arrive").isEqualTo("FR");
    assertThat(s.view(T).age()).isNull();

    s.applyProfile(User.of("u1", 30, "UK", T - DAY));
    assertThat(s.view(T).region()).as("a profile beats interactions, even newer ones").isEqualTo("UK");
    assertThat(s.view(T).age()).isEqualTo(30);
    s.apply(EnrichedInteraction.of(Interaction.of("e3", "u1", "i3", VIEW, T).withRegion("ES"), null, null));
    assertThat(s.view(T).region()).isEqualTo("UK");

    s.applyProfile(User.of("u1", 50, "IE", T - 2 * DAY)); // older than the profile held: ignored
    assertThat(s.view(T).region()).isEqualTo("UK");
    assertThat(s.view(T).age()).isEqualTo(30);
    assertThat(s.profileTs).isEqualTo(T - DAY);

    s.applyProfile(User.of("u1", 31, "NL", T + HOUR));
    assertThat(s.view(T).region()).isEqualTo("NL");
    assertThat(s.view(T).age()).isEqualTo(31);
    assertThat(s.version).isEqualTo(T + HOUR);
    assertThat(s.lastActiveTs).as("a profile is not activity").isEqualTo(T);
  }

  /** A user with a bit of everything: counts of several types over 9 days, > MAX_RECENT events, a profile. */
  static UserFeatureState richUser(Random rnd, int events) {
    UserFeatureState s = UserFeatureState.empty("u1");
    String[] categories = {"books", "shoes", "toys", "garden", "music"};
    InteractionType[] types = InteractionType.values();
    for (int k = 0; k < events; k++) {
      long ts = T - 9 * DAY + (long) (rnd.nextDouble() * 9 * DAY);
      InteractionType type = types[rnd.nextInt(types.length)];
      String category = rnd.nextInt(10) == 0 ? null : categories[rnd.nextInt(categories.length)];
      Double price = category == null ? null : 1 + rnd.nextInt(200) + 0.99;
      Interaction i = Interaction.of("e" + k, "u1", "i" + rnd.nextInt(40), type, ts).withRegion("FR");
      s.apply(EnrichedInteraction.of(i, category, price));
    }
    return s;
  }

  static final List<Long> AS_OF = List.of(T - 10 * DAY, T - 5 * DAY, T - 3 * HOUR - 7, T - 1, T, T + 17 * MIN,
      T + 2 * DAY, T + 8 * DAY);

  FeatureRecord stored(UserFeatureState s) {
    FeatureKey key = new FeatureKey(UserBins.SET, s.userId);
    assertThat(store.upsert(key, s.toBins(), s.storeVersion(), Duration.ZERO)).isTrue();
    return store.get(key).orElseThrow();
  }

  @Test
  void theStoreRecordReadsBackAsTheSameViewAtAnyTime() {
    UserFeatureState s = richUser(new Random(3), 120);
    s.applyProfile(User.of("u1", 41, "UK", T - DAY));
    FeatureRecord record = stored(s);
    assertThat(record.version()).isEqualTo(s.storeVersion());
    for (long asOf : AS_OF) {
      Map<String, Object> expected = s.view(asOf).asMap();
      assertThat(UserFeatureState.viewOf("u1", record, asOf).asMap()).as("as of %d", asOf).isEqualTo(expected);
    }
    // The comparison is not vacuous: the record holds every kind of feature.
    Map<String, Object> m = UserFeatureState.viewOf("u1", record, T).asMap();
    assertThat((List<?>) m.get("recent_items")).hasSize(UserFeatureState.MAX_RECENT);
    assertThat((Map<?, ?>) m.get("top_categories")).hasSize(5);
    assertThat(m.get("price_preference")).isNotNull();
    assertThat((List<?>) m.get("bought")).isNotEmpty();
    assertThat((Long) m.get("count_view_7d")).isPositive();
    assertThat(m.get("age")).isEqualTo(41);
    assertThat(m.get("region")).isEqualTo("UK");
    assertThat(m).hasSize(InteractionType.values().length * WindowRange.values().length + 7);
  }

  @Test
  void aSparseUserReadsBackTheSame() {
    UserFeatureState profileOnly = UserFeatureState.empty("u1");
    profileOnly.applyProfile(User.of("u1", null, "UK", T));
    UserFeatureState skipOnly = UserFeatureState.empty("u2");
    skipOnly.apply(ev("s1", "i1", SKIP, T));
    for (UserFeatureState s : List.of(profileOnly, skipOnly)) {
      FeatureRecord record = stored(s);
      for (long asOf : AS_OF) {
        assertThat(UserFeatureState.viewOf(s.userId, record, asOf).asMap()).isEqualTo(s.view(asOf).asMap());
      }
    }
  }

  @Test
  void jobStyleWritesWithNewestEntriesMergesReadBackTheSameAsTheState() {
    // The feature job writes the recent list as a bounded NewestEntries merge on top of the previous record
    // (StoreWrites.Users); after several flushes the store's newest MAX_RECENT must be the state's.
    Random rnd = new Random(11);
    UserFeatureState s = UserFeatureState.empty("u1");
    FeatureKey key = new FeatureKey(UserBins.SET, "u1");
    for (int flush = 0; flush < 6; flush++) {
      for (int k = 0; k < 30; k++) {
        long ts = T - 2 * DAY + (long) (rnd.nextDouble() * 2 * DAY);
        s.apply(ev("f" + flush + "-" + k, "i" + rnd.nextInt(20), VIEW, ts, "c" + rnd.nextInt(3), 5.0));
      }
      Map<String, Object> bins = new HashMap<>(s.toBins());
      bins.remove(UserBins.RECENT);
      List<WriteOutcome> outcomes = store.writeAll(List.of(
              FeatureWrite.upsert(key, bins, s.storeVersion(), Duration.ZERO)
                  .withMapMerge(new FeatureWrite.NewestEntries(
                      UserBins.RECENT, s.recentEntries(), UserFeatureState.MAX_RECENT))))
          .join();
      assertThat(outcomes).containsExactly(WriteOutcome.APPLIED);
      FeatureRecord record = store.get(key).orElseThrow();
      assertThat(record.<List<Object>>getMap(UserBins.RECENT)).hasSize(Math.min(30 * (flush + 1), 50));
      for (long asOf : AS_OF) {
        assertThat(UserFeatureState.viewOf("u1", record, asOf).asMap()).isEqualTo(s.view(asOf).asMap());
      }
    }
  }

  @Test
  void recentEntriesAreKeyedByTheEventIdsHash() {
    UserFeatureState s = applied(List.of(ev("e2", "i2", CLICK, T + 1), ev("e1", "i1", VIEW, T)));
    String k1 = UserFeatureState.recentKey("e1");
    String k2 = UserFeatureState.recentKey("e2");
    assertThat(k1).hasSize(16).isNotEqualTo(k2).matches("[0-9a-f]{16}");
    assertThat(s.recentEntries()).containsOnlyKeys(k1, k2);
    assertThat(s.recentEntries().get(k2)).containsExactly(T + 1, "i2", "click");
    assertThat(s.recentEventHashes).containsExactly(RecentIds.hash("e1"), RecentIds.hash("e2"));
  }

  @Test
  void regionDoesNotDependOnArrivalOrder() {
    Interaction older = Interaction.of("r1", "u1", "i1", VIEW, T - HOUR).withRegion("UK");
    Interaction newerWithout = Interaction.of("r2", "u1", "i2", VIEW, T);
    UserFeatureState inOrder = UserFeatureState.empty("u1");
    inOrder.apply(EnrichedInteraction.of(older, null, null));
    inOrder.apply(EnrichedInteraction.of(newerWithout, null, null));
    UserFeatureState reversed = UserFeatureState.empty("u1");
    reversed.apply(EnrichedInteraction.of(newerWithout, null, null));
    reversed.apply(EnrichedInteraction.of(older, null, null));
    assertThat(inOrder.view(T).region()).isEqualTo("UK");
    assertThat(reversed.view(T).region()).isEqualTo("UK");
  }

  @Test
  void aNewerProfileWithoutAgeClearsTheAgeInTheStoreToo() {
    io.streamrec.core.store.EmbeddedFeatureStore store = io.streamrec.core.store.EmbeddedFeatureStore.isolated(() -> T);
    io.streamrec.core.store.FeatureKey key = new io.streamrec.core.store.FeatureKey("user", "u1");
    UserFeatureState s = UserFeatureState.empty("u1");
    s.applyProfile(User.of("u1", 30, "UK", T - DAY));
    store.upsert(key, s.toBins(), s.storeVersion(), java.time.Duration.ZERO);
    s.applyProfile(User.of("u1", null, null, T));
    store.upsert(key, s.toBins(), s.storeVersion(), java.time.Duration.ZERO);
    var view = UserFeatureState.viewOf("u1", store.get(key).orElseThrow(), T);
    assertThat(view.age()).isNull();
    assertThat(view.region()).isNull();
  }
}
