package io.streamrec.core.features;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.StoreLayout.UserBins;
import io.streamrec.core.contract.User;
import io.streamrec.core.store.FeatureRecord;
import io.streamrec.core.store.FeatureVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the system knows about one user, as a pure state machine: {@link #apply} an event, {@link #view} it as
 * of any time. The feature job keeps one per user in Flink state and writes {@link #toBins} to the store; the
 * trainer replays logs through the same class ({@link FeatureReplay}) for point-in-time correct training data.
 *
 * <p>Every update is order-independent within its bounds (counts in time buckets, recent items kept by event time,
 * decayed sums in log space), so the online job and an offline replay of the same events agree exactly. Bounds:
 * {@value #MAX_RECENT} recent interactions, {@value #MAX_BOUGHT} bought items, {@value #MAX_CATEGORIES} categories,
 * and duplicates detected among the last {@value #DEDUP_WINDOW} event ids.
 *
 * <p>A Flink POJO (public fields, arrays, no-arg constructor).
 */
public final class UserFeatureState {
  public static final int MAX_RECENT = 50;
  public static final int MAX_BOUGHT = 200;
  public static final int MAX_CATEGORIES = 50;
  public static final int DEDUP_WINDOW = 256;
  /** Category affinity half-life: tastes drift over days. */
  public static final ExponentialDecay AFFINITY = new ExponentialDecay(3L * 24 * 3600 * 1000);

  public String userId;
  /** Windowed counts by {@link InteractionType#ordinal()}; null for types never seen. */
  public WindowedCounts[] counts = new WindowedCounts[InteractionType.values().length];
  /**
   * Recent interactions, oldest first, ordered by (ts, event id hash). The events are known by the 64-bit hashes
   * of their ids ({@link RecentIds#hash}), not the ids: an id is needed only to tell two events apart and to order
   * ties, and a user's fifty id strings were most of the memory a store write and a snapshot had to read.
   */
  public long[] recentEventHashes = new long[0];
  public String[] recentItems = new String[0];
  public String[] recentTypes = new String[0];
  public long[] recentTs = new long[0];
  /** Bought items, oldest purchase first; an item bought again moves to the end. */
  public String[] boughtItems = new String[0];
  public long[] boughtTs = new long[0];
  public String[] categories = new String[0];
  public double[] categoryLogScores = new double[0];
  public double priceLogSum = Double.NEGATIVE_INFINITY;
  public double priceLogWeight = Double.NEGATIVE_INFINITY;
  public long lastActiveTs;
  public Integer age;
  /** Region from the newest profile (null if that profile has none). */
  public String profileRegion;
  /** Region of the newest interaction that carried one, and that interaction's time. */
  public String eventRegion;
  public long eventRegionTs;
  public long profileTs;
  /** Newest event time seen (interaction or profile). */
  public long version;
  /** Updates applied since {@link #version} was reached; with it, the store version (see FeatureVersion). */
  public long sequence;
  /** Recent event ids, for duplicate detection. */
  public RecentIds seenEvents = new RecentIds(DEDUP_WINDOW);

  public UserFeatureState() {}

  public static UserFeatureState empty(String userId) {
    UserFeatureState s = new UserFeatureState();
    s.userId = userId;
    return s;
  }

  /** The weight of an interaction type in category affinity and price preference; 0 = does not count. */
  public static double affinityWeight(InteractionType type) {
    return switch (type) {
      case VIEW -> 0.1;
      case CLICK -> 0.3;
      case LIKE, SHARE -> 0.5;
      case ADD_TO_CART -> 0.7;
      case PURCHASE -> 1.0;
      case SKIP -> 0.0;
    };
  }

  /**
   * Applies one interaction.
   *
   * @return false if it is a duplicate (an event id seen among the last {@value #DEDUP_WINDOW}) and was ignored
   */
  public boolean apply(EnrichedInteraction e) {
    Interaction i = e.interaction;
    long idHash = RecentIds.hash(i.eventId);
    if (!seenEvents.addHash(idHash)) {
      return false;
    }
    int t = i.type.ordinal();
    if (counts[t] == null) {
      counts[t] = new WindowedCounts();
    }
    counts[t].add(i.ts);
    addRecent(i, idHash);
    if (i.type == InteractionType.PURCHASE) {
      addBought(i.itemId, i.ts);
    }
    double w = affinityWeight(i.type);
    if (w > 0 && e.category != null) {
      addAffinity(e.category, w, i.ts);
    }
    if (w > 0 && e.price != null && e.price > 0) {
      // Weighted mean price, both sums decayed the same way: the decay cancels in the ratio.
      priceLogSum = AFFINITY.add(priceLogSum, w * e.price, i.ts);
      priceLogWeight = AFFINITY.add(priceLogWeight, w, i.ts);
    }
    // The newest interaction's region, whatever the arrival order (ties by region, to stay deterministic).
    if (i.region != null && (eventRegion == null || i.ts > eventRegionTs
        || (i.ts == eventRegionTs && i.region.compareTo(eventRegion) > 0))) {
      eventRegion = i.region;
      eventRegionTs = i.ts;
    }
    lastActiveTs = Math.max(lastActiveTs, i.ts);
    advance(i.ts);
    return true;
  }

  /** Applies a profile from the {@code users} topic; an older profile than the one held is ignored. */
  public void applyProfile(User u) {
    if (u.ts < profileTs) {
      return;
    }
    profileTs = u.ts;
    age = u.age; // a newer profile replaces the whole profile, unknown fields included
    profileRegion = u.region;
    advance(u.ts);
  }

  /** The user's region: the profile's if it has one, else the newest interaction's. */
  public String region() {
    return profileRegion != null ? profileRegion : eventRegion;
  }

  private void addRecent(Interaction i, long idHash) {
    int n = recentTs.length;
    // Position by (ts, id hash), so arrival order does not matter.
    int at = n;
    while (at > 0 && (recentTs[at - 1] > i.ts
        || (recentTs[at - 1] == i.ts && Long.compareUnsigned(recentEventHashes[at - 1], idHash) > 0))) {
      at--;
    }
    if (n == MAX_RECENT && at == 0) {
      return; // older than everything kept
    }
    recentEventHashes = insert(recentEventHashes, at, idHash, MAX_RECENT);
    recentItems = insert(recentItems, at, i.itemId, MAX_RECENT);
    recentTypes = insert(recentTypes, at, i.type.wireName(), MAX_RECENT);
    recentTs = insert(recentTs, at, i.ts, MAX_RECENT);
  }

  /** Puts the recent arrays in (ts, id hash) order (after reading a form that ordered ties otherwise). */
  void sortRecent() {
    int n = recentTs.length;
    Integer[] order = new Integer[n];
    for (int k = 0; k < n; k++) {
      order[k] = k;
    }
    java.util.Arrays.sort(order, (x, y) -> recentTs[x] != recentTs[y] ? Long.compare(recentTs[x], recentTs[y])
        : Long.compareUnsigned(recentEventHashes[x], recentEventHashes[y]));
    long[] hashes = new long[n];
    String[] items = new String[n];
    String[] types = new String[n];
    long[] ts = new long[n];
    for (int k = 0; k < n; k++) {
      hashes[k] = recentEventHashes[order[k]];
      items[k] = recentItems[order[k]];
      types[k] = recentTypes[order[k]];
      ts[k] = recentTs[order[k]];
    }
    recentEventHashes = hashes;
    recentItems = items;
    recentTypes = types;
    recentTs = ts;
  }

  private void addBought(String item, long ts) {
    for (int k = 0; k < boughtItems.length; k++) {
      if (boughtItems[k].equals(item)) {
        if (boughtTs[k] >= ts) {
          return;
        }
        boughtItems = remove(boughtItems, k);
        boughtTs = remove(boughtTs, k);
        break;
      }
    }
    int at = boughtTs.length;
    while (at > 0 && (boughtTs[at - 1] > ts || (boughtTs[at - 1] == ts && boughtItems[at - 1].compareTo(item) > 0))) {
      at--;
    }
    if (boughtTs.length == MAX_BOUGHT && at == 0) {
      return;
    }
    boughtItems = insert(boughtItems, at, item, MAX_BOUGHT);
    boughtTs = insert(boughtTs, at, ts, MAX_BOUGHT);
  }

  private void addAffinity(String category, double weight, long ts) {
    for (int k = 0; k < categories.length; k++) {
      if (categories[k].equals(category)) {
        categoryLogScores[k] = AFFINITY.add(categoryLogScores[k], weight, ts);
        return;
      }
    }
    if (categories.length == MAX_CATEGORIES) {
      int lowest = 0;
      for (int k = 1; k < categories.length; k++) {
        if (categoryLogScores[k] < categoryLogScores[lowest]) {
          lowest = k;
        }
      }
      categories = remove(categories, lowest);
      categoryLogScores = remove(categoryLogScores, lowest);
    }
    categories = java.util.Arrays.copyOf(categories, categories.length + 1);
    categories[categories.length - 1] = category;
    categoryLogScores = java.util.Arrays.copyOf(categoryLogScores, categoryLogScores.length + 1);
    categoryLogScores[categoryLogScores.length - 1] = AFFINITY.add(ExponentialDecay.empty(), weight, ts);
  }

  // ---- store form ----

  private void advance(long ts) {
    long newest = Math.max(version, ts);
    sequence = FeatureVersion.nextSequence(version, newest, sequence);
    version = newest;
  }

  /** The version of this state's store record (see {@link FeatureVersion}). */
  public long storeVersion() {
    return FeatureVersion.of(version, sequence);
  }

  public Map<String, Object> toBins() {
    Map<String, Object> bins = new HashMap<>();
    WindowedCounts.encodeByType(counts, UserBins.COUNTS_PREFIX, bins);
    bins.put(UserBins.RECENT, recentEntries());
    bins.put(UserBins.BOUGHT, List.of(boughtItems));
    Map<String, Object> affinity = new HashMap<>();
    for (int k = 0; k < categories.length; k++) {
      affinity.put(categories[k], categoryLogScores[k]);
    }
    bins.put(UserBins.CATEGORY_AFFINITY, affinity);
    if (priceLogWeight != Double.NEGATIVE_INFINITY) {
      bins.put(UserBins.PRICE_LOG_SUM, priceLogSum);
      bins.put(UserBins.PRICE_LOG_WEIGHT, priceLogWeight);
    }
    bins.put(UserBins.LAST_ACTIVE, lastActiveTs);
    // Always written, with a marker for "unknown": an upsert keeps bins it does not mention, so leaving the bin
    // out would leave a stale value in the store when a newer profile drops the field.
    bins.put(UserBins.AGE, age == null ? UserBins.UNKNOWN_AGE : (long) age);
    bins.put(UserBins.REGION, region() == null ? UserBins.UNKNOWN_REGION : region());
    return bins;
  }

  /**
   * The recent interactions as store entries: {@link #recentKey event key} → [ts, item id, type].
   */
  public Map<String, List<Object>> recentEntries() {
    Map<String, List<Object>> recent = new HashMap<>();
    for (int k = 0; k < recentEventHashes.length; k++) {
      recent.put(recentKey(recentEventHashes[k]), List.of(recentTs[k], recentItems[k], recentTypes[k]));
    }
    return recent;
  }

  /** The key of an event in the {@code recent} bin: its id's {@link RecentIds#hash}, as 16 hex digits. */
  public static String recentKey(String eventId) {
    return recentKey(RecentIds.hash(eventId));
  }

  private static String recentKey(long idHash) {
    String hex = Long.toHexString(idHash);
    return "0".repeat(16 - hex.length()) + hex; // fixed width: the keys sort as the hashes do (unsigned)
  }

  /** The id hash behind a {@code recent} key; a key written before keys were hashes is an event id, hashed here. */
  private static long idHashOfKey(String key) {
    if (key.length() == 16) {
      try {
        return Long.parseUnsignedLong(key, 16);
      } catch (NumberFormatException notHex) {
        // an event id of 16 chars
      }
    }
    return RecentIds.hash(key);
  }

  /** The view of a stored record; the inverse of {@link #toBins} for everything a reader needs. */
  public static UserFeatureView viewOf(String userId, FeatureRecord record, long asOf) {
    UserFeatureState stored = record.decode(StoreForms.USERS);
    if (stored != null) {
      return stored.view(asOf); // kept in its compact form: no bins to read
    }
    UserFeatureState s = empty(userId);
    s.counts = WindowedCounts.decodeByType(record.bins(), UserBins.COUNTS_PREFIX);
    Map<String, List<Object>> recent = record.getMap(UserBins.RECENT);
    List<Map.Entry<String, List<Object>>> entries = new ArrayList<>(recent.entrySet());
    entries.sort((a, b) -> {
      int byTs = Long.compare(((Number) a.getValue().get(0)).longValue(), ((Number) b.getValue().get(0)).longValue());
      return byTs != 0 ? byTs : Long.compareUnsigned(idHashOfKey(a.getKey()), idHashOfKey(b.getKey()));
    });
    int n = entries.size();
    s.recentEventHashes = new long[n];
    s.recentItems = new String[n];
    s.recentTypes = new String[n];
    s.recentTs = new long[n];
    for (int k = 0; k < n; k++) {
      s.recentEventHashes[k] = idHashOfKey(entries.get(k).getKey());
      s.recentTs[k] = ((Number) entries.get(k).getValue().get(0)).longValue();
      s.recentItems[k] = (String) entries.get(k).getValue().get(1);
      s.recentTypes[k] = (String) entries.get(k).getValue().get(2);
    }
    s.boughtItems = record.<String>getList(UserBins.BOUGHT).toArray(new String[0]);
    Map<String, Object> affinity = record.getMap(UserBins.CATEGORY_AFFINITY);
    s.categories = affinity.keySet().toArray(new String[0]);
    s.categoryLogScores = new double[s.categories.length];
    for (int k = 0; k < s.categories.length; k++) {
      s.categoryLogScores[k] = ((Number) affinity.get(s.categories[k])).doubleValue();
    }
    s.priceLogSum = record.getDouble(UserBins.PRICE_LOG_SUM, Double.NEGATIVE_INFINITY);
    s.priceLogWeight = record.getDouble(UserBins.PRICE_LOG_WEIGHT, Double.NEGATIVE_INFINITY);
    s.lastActiveTs = record.getLong(UserBins.LAST_ACTIVE, 0);
    long age = record.getLong(UserBins.AGE, UserBins.UNKNOWN_AGE);
    s.age = age == UserBins.UNKNOWN_AGE ? null : (int) age;
    String region = record.getString(UserBins.REGION);
    s.profileRegion = region == null || region.equals(UserBins.UNKNOWN_REGION) ? null : region;
    s.version = FeatureVersion.eventTime(record.version());
    return s.view(asOf);
  }

  public UserFeatureView view(long asOf) {
    return new UserFeatureView(this, asOf);
  }

  // ---- bounded array helpers ----

  private static String[] insert(String[] a, int at, String v, int max) {
    String[] out = new String[Math.min(a.length + 1, max)];
    int drop = a.length + 1 > max ? 1 : 0; // drop the oldest (index 0) when full
    int j = 0;
    for (int k = drop; k < at; k++) {
      out[j++] = a[k];
    }
    out[j++] = v;
    for (int k = at; k < a.length; k++) {
      out[j++] = a[k];
    }
    return out;
  }

  private static long[] insert(long[] a, int at, long v, int max) {
    long[] out = new long[Math.min(a.length + 1, max)];
    int drop = a.length + 1 > max ? 1 : 0;
    int j = 0;
    for (int k = drop; k < at; k++) {
      out[j++] = a[k];
    }
    out[j++] = v;
    for (int k = at; k < a.length; k++) {
      out[j++] = a[k];
    }
    return out;
  }

  private static String[] remove(String[] a, int at) {
    String[] out = new String[a.length - 1];
    System.arraycopy(a, 0, out, 0, at);
    System.arraycopy(a, at + 1, out, at, a.length - at - 1);
    return out;
  }

  private static long[] remove(long[] a, int at) {
    long[] out = new long[a.length - 1];
    System.arraycopy(a, 0, out, 0, at);
    System.arraycopy(a, at + 1, out, at, a.length - at - 1);
    return out;
  }

  private static double[] remove(double[] a, int at) {
    double[] out = new double[a.length - 1];
    System.arraycopy(a, 0, out, 0, at);
    System.arraycopy(a, at + 1, out, at, a.length - at - 1);
    return out;
  }
}
