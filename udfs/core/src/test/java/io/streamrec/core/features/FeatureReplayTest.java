package io.streamrec.core.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.ItemOp;
import io.streamrec.core.contract.User;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replays one seeded random log (items, users and interactions topics; duplicates; out-of-order arrival) and checks
 * the properties training data relies on: order independence, point-in-time counts, duplicates counted once.
 */
class FeatureReplayTest {

  static final long MIN = 60_000L;
  static final long HOUR = 60 * MIN;
  static final long DAY = 24 * HOUR;
  static final long START = Math.floorDiv(1_700_000_000_000L, 6 * HOUR) * 6 * HOUR + 17 * MIN + 3;
  static final long END = START + 10 * DAY;
  static final int USERS = 50;
  static final int ITEMS = 80;
  static final int INTERACTIONS = 3000;
  static final int CATEGORIES = 12; // < UserFeatureState.MAX_CATEGORIES: affinity eviction is order dependent
  static final String[] REGIONS = {"UK", "IE", "FR", "DE"};

  enum Kind {
    ITEM,
    USER,
    INTERACTION
  }

  /** One record of the log: its event time, when it arrived (log order), and a tie-breaking sequence number. */
  record Rec(Kind kind, long ts, long arrival, int seq, Object payload) {}

  static final List<Rec> LOG = new ArrayList<>();
  /** The distinct interactions (first copy of each event id). */
  static final List<Interaction> UNIQUE = new ArrayList<>();
  static int duplicateCopies;

  @BeforeAll
  static void generate() {
    Random rnd = new Random(20240607);
    int seq = 0;
    // Items: a bootstrap version of each (the compacted topic as the job finds it), then updates that change
    // anything but the category and price (see shuffledOrder), some of them stale.
    for (int k = 0; k < ITEMS; k++) {
      Item boot = item("i" + k, ItemOp.UPSERT, START - DAY - rnd.nextInt(1000), rnd);
      boot.category = "c" + rnd.nextInt(CATEGORIES);
      boot.price = 1 + rnd.nextInt(300) + 0.5;
      LOG.add(new Rec(Kind.ITEM, boot.ts, boot.ts, seq++, boot));
      int updates = rnd.nextInt(4);
      for (int u = 0; u < updates; u++) {
        long ts = rnd.nextInt(5) == 0 ? boot.ts - 1 - rnd.nextInt(1000) : START + (long) (rnd.nextDouble() * 10 * DAY);
        Item up = item("i" + k, ItemOp.UPSERT, ts, rnd);
        up.category = boot.category;
        up.price = boot.price;
        LOG.add(new Rec(Kind.ITEM, ts, ts + rnd.nextInt(60_000), seq++, up));
      }
    }
    // Catalog-only items, with deletes and revivals.
    for (int k = 0; k < 5; k++) {
      for (int v = 0; v < 4; v++) {
        long ts = START + (long) (rnd.nextDouble() * 10 * DAY);
        Item it = item("x" + k, rnd.nextBoolean() ? ItemOp.DELETE : ItemOp.UPSERT, ts, rnd);
        it.category = "c" + rnd.nextInt(CATEGORIES);
        LOG.add(new Rec(Kind.ITEM, ts, ts, seq++, it));
      }
    }
    // Users: profiles for most users; a profile always has a region (see the report on null regions).
    String[] home = new String[USERS];
    for (int k = 0; k < USERS; k++) {
      home[k] = REGIONS[rnd.nextInt(REGIONS.length)];
      if (k % 4 != 0) {
        int versions = 1 + rnd.nextInt(3);
        for (int v = 0; v < versions; v++) {
          long ts = START - DAY + (long) (rnd.nextDouble() * 11 * DAY);
          User u = User.of("u" + k, rnd.nextInt(5) == 0 ? null : 18 + rnd.nextInt(60),
              REGIONS[rnd.nextInt(REGIONS.length)], ts);
          LOG.add(new Rec(Kind.USER, ts, ts + rnd.nextInt(60_000), seq++, u));
        }
      }
    }
    // Interactions: out of order on arrival (mostly by seconds, sometimes by hours), some re-sent.
    InteractionType[] types = InteractionType.values();
    int[] typeWeights = {50, 20, 5, 8, 7, 7, 3}; // view, click, like, add_to_cart, purchase, skip, share
    for (int k = 0; k < INTERACTIONS; k++) {
      int user = rnd.nextInt(USERS);
      int pick = rnd.nextInt(100);
      int t = 0;
      while (pick >= typeWeights[t]) {
        pick -= typeWeights[t++];
      }
      long ts = START + (long) (rnd.nextDouble() * 10 * DAY);
      String region = rnd.nextInt(10) == 0 ? REGIONS[rnd.nextInt(REGIONS.length)] : home[user];
      Interaction i = Interaction.of("e" + k, "u" + user, "i" + rnd.nextInt(ITEMS), types[t], ts).withRegion(region);
      long arrival = ts + (rnd.nextInt(10) == 0 ? (long) (rnd.nextDouble() * 3 * HOUR) : rnd.nextInt(120_000));
      LOG.add(new Rec(Kind.INTERACTION, ts, arrival, seq++, i));
      UNIQUE.add(i);
      if (rnd.nextInt(20) == 0) {
        int copies = rnd.nextInt(4) == 0 ? 2 : 1;
        for (int c = 0; c < copies; c++) {
          Interaction copy = Interaction.of(i.eventId, i.userId, i.itemId, i.type, i.ts).withRegion(i.region);
          LOG.add(new Rec(Kind.INTERACTION, ts, arrival + 1000 + rnd.nextInt(20 * 60_000), seq++, copy));
          duplicateCopies++;
        }
      }
    }
  }

  static Item item(String id, ItemOp op, long ts, Random rnd) {
    Item it = new Item();
    it.itemId = id;
    it.op = op;
    it.ts = ts;
    it.tags = new String[0];
    it.regions = new String[0];
    if (op == ItemOp.UPSERT) {
      it.title = "title " + rnd.nextInt(1000);
      it.inStock = rnd.nextInt(4) != 0;
      it.regions = rnd.nextBoolean() ? new String[0] : new String[] {REGIONS[rnd.nextInt(REGIONS.length)]};
      it.minAge = rnd.nextInt(5) == 0 ? 18 : 0;
      it.price = 9.99;
      it.category = "c0";
    }
    return it;
  }

  static void apply(FeatureReplay replay, Rec r) {
    switch (r.kind()) {
      case ITEM -> replay.item((Item) r.payload());
      case USER -> replay.user((User) r.payload());
      case INTERACTION -> replay.interaction((Interaction) r.payload());
    }
  }

  static FeatureReplay replay(List<Rec> records) {
    FeatureReplay replay = new FeatureReplay();
    records.forEach(r -> apply(replay, r));
    return replay;
  }

  static List<Rec> eventTimeOrder(List<Rec> log) {
    List<Rec> sorted = new ArrayList<>(log);
    sorted.sort(Comparator.comparingLong(Rec::ts).thenComparing(Rec::kind).thenComparingInt(Rec::seq));
    return sorted;
  }

  static List<Rec> arrivalOrder(List<Rec> log) {
    List<Rec> sorted = new ArrayList<>(log);
    sorted.sort(Comparator.comparingLong(Rec::arrival).thenComparingInt(Rec::seq));
    return sorted;
  }

  /**
   * Everything shuffled, except that the catalog's bootstrap versions come first: an interaction is enriched with
   * the catalog version its item holds when it arrives, so the category and price an interaction contributes to user
   * affinity are order dependent by design. The later catalog updates, shuffled with the rest, keep them.
   */
  static List<Rec> shuffledOrder(List<Rec> log, long seed) {
    List<Rec> boot = new ArrayList<>();
    List<Rec> rest = new ArrayList<>();
    Set<String> booted = new HashSet<>();
    for (Rec r : log) {
      if (r.kind() == Kind.ITEM && ((Item) r.payload()).itemId.startsWith("i")
          && booted.add(((Item) r.payload()).itemId)) {
        boot.add(r);
      } else {
        rest.add(r);
      }
    }
    Random rnd = new Random(seed);
    Collections.shuffle(boot, rnd);
    Collections.shuffle(rest, rnd);
    boot.addAll(rest);
    return boot;
  }

  static List<String> userIds() {
    List<String> ids = new ArrayList<>();
    for (int k = 0; k < USERS; k++) {
      ids.add("u" + k);
    }
    return ids;
  }

  static List<String> itemIds() {
    List<String> ids = new ArrayList<>();
    for (int k = 0; k < ITEMS; k++) {
      ids.add("i" + k);
    }
    for (int k = 0; k < 5; k++) {
      ids.add("x" + k);
    }
    return ids;
  }

  // ---- sanity of the log itself: the properties below are only meaningful if it has what they are about ----

  @Test
  void theLogHasDuplicatesDisorderAndStaysWithinTheBounds() {
    assertThat(UNIQUE).hasSize(INTERACTIONS);
    assertThat(duplicateCopies).isBetween(100, 300);
    List<Rec> arrival = arrivalOrder(LOG);
    int inversions = 0;
    long newest = Long.MIN_VALUE;
    for (Rec r : arrival) {
      if (r.kind() == Kind.INTERACTION && r.ts() < newest) {
        inversions++;
      }
      newest = Math.max(newest, r.kind() == Kind.INTERACTION ? r.ts() : newest);
    }
    assertThat(inversions).as("interactions arriving after a newer one").isGreaterThan(300);
    // Every duplicate is caught in any order only if each item's distinct ids fit its dedup window (the item
    // operator de-duplicates first) and each user's fit the user's.
    Map<String, Integer> perItem = new HashMap<>();
    Map<String, Integer> perUser = new HashMap<>();
    for (Interaction i : UNIQUE) {
      perItem.merge(i.itemId, 1, Integer::sum);
      perUser.merge(i.userId, 1, Integer::sum);
    }
    assertThat(Collections.max(perItem.values())).isLessThanOrEqualTo(ItemFeatureState.DEDUP_WINDOW);
    assertThat(Collections.max(perUser.values())).isLessThanOrEqualTo(UserFeatureState.DEDUP_WINDOW);
    // ... and the recent list overflows for many users, so its eviction is exercised.
    assertThat(perUser.values().stream().filter(n -> n > UserFeatureState.MAX_RECENT).count()).isGreaterThan(20);
  }

  // ---- (a) order independence ----

  static final List<Long> FINAL_AS_OF = List.of(END, END - 3 * HOUR - 7, END + HOUR, END + 3 * DAY);

  @Test
  void replaysInEventTimeArrivalAndShuffledOrderAgreeOnEveryFeature() {
    FeatureReplay byTime = replay(eventTimeOrder(LOG));
    List<FeatureReplay> others = List.of(replay(arrivalOrder(LOG)), replay(shuffledOrder(LOG, 1)),
        replay(shuffledOrder(LOG, 2)));
    int compared = 0;
    for (FeatureReplay other : others) {
      assertThat(other.duplicates()).isEqualTo(duplicateCopies);
      for (long asOf : FINAL_AS_OF) {
        for (String u : userIds()) {
          assertSameFeatures("user " + u, other.user(u, asOf).asMap(), byTime.user(u, asOf).asMap());
          compared++;
        }
        for (String i : itemIds()) {
          assertSameFeatures("item " + i, other.item(i, asOf).asMap(), byTime.item(i, asOf).asMap());
          compared++;
        }
      }
    }
    assertThat(compared).isEqualTo(3 * FINAL_AS_OF.size() * (USERS + ITEMS + 5));
    // Not vacuous: the features compared are populated.
    UserFeatureView some = byTime.user("u1", END);
    assertThat(some.recentItems()).isNotEmpty();
    assertThat(some.topCategories(10)).isNotEmpty();
    assertThat(some.region()).isNotNull();
    assertThat(byTime.userStates()).hasSize(USERS);
    assertThat(byTime.itemStates()).hasSize(ITEMS + 5);
    assertThat(byTime.itemStates().values().stream().filter(s -> s.deleted).count()).isPositive();
  }

  /**
   * Equal feature maps, in the same key order; doubles (decayed sums kept in log space) to 1e-9 relative: a
   * log-add-exp in another order rounds differently in the last bits, so bit equality is not promised.
   */
  static void assertSameFeatures(String what, Map<String, Object> actual, Map<String, Object> expected) {
    assertThat(List.copyOf(actual.keySet())).as(what).containsExactlyElementsOf(expected.keySet());
    for (Map.Entry<String, Object> e : expected.entrySet()) {
      Object a = actual.get(e.getKey());
      String name = what + " " + e.getKey();
      if (e.getValue() instanceof Double d) {
        assertThat(a).as(name).isInstanceOf(Double.class);
        assertThat((Double) a).as(name).isCloseTo(d, within(1e-9 * Math.max(1, Math.abs(d))));
      } else if (e.getValue() instanceof Map<?, ?> m) {
        Map<?, ?> am = (Map<?, ?>) a;
        assertThat(List.copyOf(am.keySet())).as(name).isEqualTo(List.copyOf(m.keySet()));
        for (Map.Entry<?, ?> x : m.entrySet()) {
          double d = (Double) x.getValue();
          assertThat((Double) am.get(x.getKey())).as(name + " " + x.getKey())
              .isCloseTo(d, within(1e-9 * Math.max(1, Math.abs(d))));
        }
      } else {
        assertThat(a).as(name).isEqualTo(e.getValue());
      }
    }
  }

  // ---- (b) point in time ----

  /** The reference: distinct events of the key with ts ≤ asOf whose bucket is among the range's last buckets. */
  static Map<String, Long> bruteForceCounts(long asOf, boolean byUser) {
    Map<String, Long> counts = new HashMap<>();
    for (Interaction i : UNIQUE) {
      if (i.ts > asOf) {
        continue;
      }
      for (WindowRange r : WindowRange.values()) {
        long newest = Math.floorDiv(asOf, r.bucketMs());
        long bucket = Math.floorDiv(i.ts, r.bucketMs());
        if (bucket > newest - r.buckets()) {
          counts.merge((byUser ? i.userId : i.itemId) + "|" + i.type + "|" + r, 1L, Long::sum);
        }
      }
    }
    return counts;
  }

  /** The reference recent list: the newest MAX_RECENT distinct interactions with ts ≤ asOf by (ts, event id). */
  static List<String> bruteForceRecent(String userId, long asOf) {
    List<Interaction> mine = new ArrayList<>();
    for (Interaction i : UNIQUE) {
      if (i.userId.equals(userId) && i.ts <= asOf) {
        mine.add(i);
      }
    }
    mine.sort(Comparator.<Interaction>comparingLong(i -> i.ts).thenComparing(i -> i.eventId).reversed());
    List<String> items = new ArrayList<>();
    for (Interaction i : mine.subList(0, Math.min(UserFeatureState.MAX_RECENT, mine.size()))) {
      items.add(i.itemId);
    }
    return items;
  }

  @Test
  void readAsOfTBeforeLaterEventsCountsExactlyTheEventsInTheBucketAlignedWindow() {
    // Checkpoints: random times, bucket edges (first and last ms of 5 min, 1 h and 6 h buckets) and the end.
    Random rnd = new Random(99);
    TreeSet<Long> checkpoints = new TreeSet<>();
    for (int k = 0; k < 30; k++) {
      checkpoints.add(START + (long) (rnd.nextDouble() * 10 * DAY));
    }
    for (int k = 0; k < 10; k++) {
      long edge = Math.floorDiv(START + (long) (rnd.nextDouble() * 10 * DAY), 6 * HOUR) * 6 * HOUR;
      checkpoints.add(edge);
      checkpoints.add(edge - 1);
      checkpoints.add(edge + HOUR - 1);
      checkpoints.add(edge + 5 * MIN);
    }
    checkpoints.add(END + DAY);

    FeatureReplay replay = new FeatureReplay();
    List<Rec> ordered = eventTimeOrder(LOG);
    int next = 0;
    int checked = 0;
    for (long t : checkpoints) {
      while (next < ordered.size() && ordered.get(next).ts() <= t) {
        apply(replay, ordered.get(next++));
      }
      long nextTs = next < ordered.size() ? ordered.get(next).ts() : Long.MAX_VALUE;
      // As of t, and as of just before the next event: the same events applied, a later window.
      for (long asOf : List.of(t, Math.min(nextTs - 1, t + 7 * DAY))) {
        Map<String, Long> byUser = bruteForceCounts(asOf, true);
        Map<String, Long> byItem = bruteForceCounts(asOf, false);
        for (InteractionType type : InteractionType.values()) {
          for (WindowRange r : WindowRange.values()) {
            for (String u : userIds()) {
              assertThat(replay.user(u, asOf).count(type, r)).as("%s %s %s as of %d", u, type, r, asOf)
                  .isEqualTo(byUser.getOrDefault(u + "|" + type + "|" + r, 0L));
              checked++;
            }
            for (String i : itemIds()) {
              assertThat(replay.item(i, asOf).count(type, r)).as("%s %s %s as of %d", i, type, r, asOf)
                  .isEqualTo(byItem.getOrDefault(i + "|" + type + "|" + r, 0L));
            }
          }
        }
        for (String u : userIds()) {
          assertThat(replay.user(u, asOf).recentItems()).as("recent of %s as of %d", u, asOf)
              .containsExactlyElementsOf(bruteForceRecent(u, asOf));
        }
      }
    }
    assertThat(next).isEqualTo(ordered.size());
    assertThat(checked).isEqualTo(checkpoints.size() * 2 * InteractionType.values().length * 3 * USERS);
    // Not vacuous: at the end of the log most counts are non-zero.
    Map<String, Long> atEnd = bruteForceCounts(END, true);
    assertThat(atEnd.values().stream().mapToLong(Long::longValue).sum()).isGreaterThan(INTERACTIONS / 2);
    assertThat(replay.user("u0", END).count(InteractionType.VIEW, WindowRange.D7)).isPositive();
  }

  @Test
  void anEmptyReplayAnswersEmptyViews() {
    FeatureReplay replay = new FeatureReplay();
    assertThat(replay.user("nobody", END).count(InteractionType.VIEW, WindowRange.D7)).isZero();
    assertThat(replay.user("nobody", END).recentItems()).isEmpty();
    assertThat(replay.item("nothing", END).inCatalog()).isFalse();
    assertThat(replay.item("nothing", END).smoothedCtr()).isEqualTo(ItemFeatureState.CTR_PRIOR);
    assertThat(replay.userStates()).isEmpty();
  }

  // ---- (c) duplicates ----

  @Test
  void duplicatesAreCountedOnceWhateverTheOrder() {
    List<Rec> withoutDuplicates = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Rec r : LOG) {
      if (r.kind() != Kind.INTERACTION || seen.add(((Interaction) r.payload()).eventId)) {
        withoutDuplicates.add(r);
      }
    }
    assertThat(LOG.size() - withoutDuplicates.size()).isEqualTo(duplicateCopies);
    FeatureReplay clean = replay(eventTimeOrder(withoutDuplicates));
    assertThat(clean.duplicates()).isZero();

    for (List<Rec> order : List.of(eventTimeOrder(LOG), arrivalOrder(LOG), shuffledOrder(LOG, 3))) {
      FeatureReplay replay = replay(order);
      assertThat(replay.duplicates()).isEqualTo(duplicateCopies);
      for (String u : userIds()) {
        assertSameFeatures("user " + u, replay.user(u, END).asMap(), clean.user(u, END).asMap());
      }
      for (String i : itemIds()) {
        assertSameFeatures("item " + i, replay.item(i, END).asMap(), clean.item(i, END).asMap());
      }
    }
    // And the 7 d counts as of the end add up to the distinct events of the last 7 d, each counted once.
    FeatureReplay withDuplicates = replay(eventTimeOrder(LOG));
    long counted = 0;
    for (String i : itemIds()) {
      for (InteractionType type : InteractionType.values()) {
        counted += withDuplicates.item(i, END).count(type, WindowRange.D7);
      }
    }
    long reference = bruteForceCounts(END, false).entrySet().stream()
        .filter(e -> e.getKey().endsWith("|" + WindowRange.D7))
        .mapToLong(Map.Entry::getValue)
        .sum();
    assertThat(counted).isEqualTo(reference);
    assertThat(reference).isGreaterThan(INTERACTIONS / 2);
  }

  // ---- helpers' own checks ----

  @Test
  void shuffledOrderPutsEveryBootstrapVersionFirst() {
    List<Rec> order = shuffledOrder(LOG, 1);
    assertThat(order).hasSize(LOG.size());
    Map<String, Long> firstTs = new LinkedHashMap<>();
    for (Rec r : order.subList(0, ITEMS)) {
      assertThat(r.kind()).isEqualTo(Kind.ITEM);
      firstTs.put(((Item) r.payload()).itemId, r.ts());
    }
    assertThat(firstTs).hasSize(ITEMS);
    assertThat(firstTs.values()).allMatch(ts -> ts < START);
  }
}
