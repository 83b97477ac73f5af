package io.streamrec.core.features;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.ItemOp;
import io.streamrec.core.contract.StoreLayout.ItemBins;
import io.streamrec.core.store.FeatureRecord;
import io.streamrec.core.store.FeatureVersion;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the system knows about one item: its catalog attributes (from the {@code items} topic, newest version
 * wins) and its interaction statistics. Like {@link UserFeatureState}, a pure, order-independent state machine
 * shared by the feature job and offline replay.
 *
 * <p>A Flink POJO.
 */
public final class ItemFeatureState {
  /** Popularity half-life: what is hot today. */
  public static final ExponentialDecay POPULARITY = new ExponentialDecay(24L * 3600 * 1000);
  /** CTR prior (mean, strength): a new item starts at 5 % as if it had 20 views. */
  public static final double CTR_PRIOR = 0.05;
  public static final double CTR_PRIOR_VIEWS = 20;
  /** Conversion prior: 10 % of clicks buy, as if seen over 20 clicks. */
  public static final double CVR_PRIOR = 0.10;
  public static final double CVR_PRIOR_CLICKS = 20;

  /** Duplicates of an item's events arrive close together (producer retries): a short window suffices. */
  public static final int DEDUP_WINDOW = 64;

  public String itemId;
  public String title;
  public String category;
  public Double price;
  public boolean inStock;
  public String[] regions = new String[0];
  public int minAge;
  public boolean deleted;
  /** Event time of the catalog version held; 0 = no catalog record yet. */
  public long catalogTs;
  public WindowedCounts[] counts = new WindowedCounts[InteractionType.values().length];
  public double popularityLog = Double.NEGATIVE_INFINITY;
  /** Earliest event time seen for the item (catalog or interaction); 0 = none. */
  public long firstSeenTs;
  public long lastEventTs;
  /** Newest event time seen. */
  public long version;
  /** Updates applied since {@link #version} was reached; with it, the store version (see FeatureVersion). */
  public long sequence;
  public RecentIds seenEvents = new RecentIds(DEDUP_WINDOW);

  public ItemFeatureState() {}

  public static ItemFeatureState empty(String itemId) {
    ItemFeatureState s = new ItemFeatureState();
    s.itemId = itemId;
    return s;
  }

  /** Applies a catalog change; an older version than the one held is ignored. Returns whether it applied. */
  public boolean applyCatalog(Item item) {
    seen(item.ts);
    if (item.ts < catalogTs) {
      return false;
    }
    catalogTs = item.ts;
    deleted = item.op == ItemOp.DELETE;
    if (!deleted) {
      title = item.title;
      category = item.category;
      price = item.price;
      inStock = item.inStock;
      regions = item.regions == null ? new String[0] : item.regions;
      minAge = item.minAge;
    } else {
      // A deleted item has no attributes: the store record drops them too (see toBins), so views agree.
      title = null;
      category = null;
      price = null;
      inStock = false;
      regions = new String[0];
      minAge = 0;
    }
    return true;
  }

  /**
   * Counts an interaction with this item.
   *
   * @return false if it is a duplicate (an event id among the item's last {@value #DEDUP_WINDOW}) and was ignored
   */
  public boolean apply(Interaction i) {
    if (!seenEvents.add(i.eventId)) {
      return false;
    }
    int t = i.type.ordinal();
    if (counts[t] == null) {
      counts[t] = new WindowedCounts();
    }
    counts[t].add(i.ts);
    double w = UserFeatureState.affinityWeight(i.type);
    if (w > 0) {
      popularityLog = POPULARITY.add(popularityLog, w, i.ts);
    }
    seen(i.ts);
    lastEventTs = Math.max(lastEventTs, i.ts);
    return true;
  }

  private void seen(long ts) {
    firstSeenTs = firstSeenTs == 0 ? ts : Math.min(firstSeenTs, ts);
    advance(ts);
  }

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
    WindowedCounts.encodeByType(counts, ItemBins.COUNTS_PREFIX, bins);
    if (catalogTs > 0) {
      bins.put(ItemBins.DELETED, deleted);
      if (!deleted) {
        bins.put(ItemBins.TITLE, title);
        bins.put(ItemBins.CATEGORY, category);
        bins.put(ItemBins.PRICE, price);
        bins.put(ItemBins.IN_STOCK, inStock);
        bins.put(ItemBins.REGIONS, List.of(regions));
        bins.put(ItemBins.MIN_AGE, (long) minAge);
      }
    }
    if (popularityLog != Double.NEGATIVE_INFINITY) {
      bins.put(ItemBins.POPULARITY, popularityLog);
    }
    bins.put(ItemBins.FIRST_SEEN, firstSeenTs);
    bins.put(ItemBins.LAST_EVENT, lastEventTs);
    return bins;
  }

  public static ItemFeatureView viewOf(String itemId, FeatureRecord record, long asOf) {
    return decode(itemId, record).view(asOf);
  }

  /**
   * The state a stored record holds. Views of it ({@link #view}) only read it, so a decoded state may be shared
   * by concurrent readers as long as nobody applies events to it (serving caches decoded records per version).
   */
  public static ItemFeatureState decode(String itemId, FeatureRecord record) {
    ItemFeatureState stored = record.decode(StoreForms.ITEMS);
    if (stored != null) {
      return stored; // kept in its compact form: no bins to read
    }
    ItemFeatureState s = empty(itemId);
    s.counts = WindowedCounts.decodeByType(record.bins(), ItemBins.COUNTS_PREFIX);
    if (record.bins().containsKey(ItemBins.DELETED)) {
      s.catalogTs = FeatureVersion.eventTime(record.version());
      s.deleted = (Boolean) record.bins().get(ItemBins.DELETED);
      if (!s.deleted) {
        s.title = record.getString(ItemBins.TITLE);
        s.category = record.getString(ItemBins.CATEGORY);
        s.price = record.getDouble(ItemBins.PRICE, 0);
        s.inStock = Boolean.TRUE.equals(record.bins().get(ItemBins.IN_STOCK));
        s.regions = record.<String>getList(ItemBins.REGIONS).toArray(new String[0]);
        s.minAge = (int) record.getLong(ItemBins.MIN_AGE, 0);
      }
    }
    s.popularityLog = record.getDouble(ItemBins.POPULARITY, Double.NEGATIVE_INFINITY);
    s.firstSeenTs = record.getLong(ItemBins.FIRST_SEEN, 0);
    s.lastEventTs = record.getLong(ItemBins.LAST_EVENT, 0);
    s.version = FeatureVersion.eventTime(record.version());
    return s;
  }

  public ItemFeatureView view(long asOf) {
    return new ItemFeatureView(this, asOf);
  }
}
