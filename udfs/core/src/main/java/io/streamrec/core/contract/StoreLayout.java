package io.streamrec.core.contract;

/**
 * Where features live in the online store: the namespace, the sets (tables) and their bins (columns). Aerospike
 * limits bin names to 15 bytes; every name here respects that so all backends share one layout.
 */
public final class StoreLayout {

  public static final String NAMESPACE = "streamrec";

  /**
   * Bins the store backends keep for themselves (the record version and the delete marker): feature writers must
   * not use these names.
   */
  public static final java.util.Set<String> RESERVED_BINS = java.util.Set.of("_v", "_del");

  /** Trending items per region, written by the feature job; key = region id, or {@link #GLOBAL_REGION}. */
  public static final class Trending {
    public static final String SET = "trending";
    /** Item ids, best first. */
    public static final String ITEMS = "items";
    /** Natural log of each item's decayed score, referenced to {@link #REF_TS}; same order as {@link #ITEMS}. */
    public static final String LOG_SCORES = "log_scores";
    /** The half-life the scores decay with, so readers can turn them into counts at any time. */
    public static final String HALF_LIFE_MS = "half_life_ms";
    /** Event time of the newest event that went into the list. */
    public static final String UPDATED_AT = "updated_at";

    private Trending() {}
  }

  /**
   * The newest catalog items per region (item cold start), written by the feature job; key = region id, or
   * {@link #GLOBAL_REGION}. Same bins as {@link Trending}: each item entered once, when it first appeared in the
   * catalog, so the decayed score orders the board newest first.
   */
  public static final class Fresh {
    public static final String SET = "fresh";

    private Fresh() {}
  }

  /** Per-user features, written by the feature job's user operator; key = user_id. See UserFeatureState. */
  public static final class UserBins {
    public static final String SET = "user";
    /** Prefix of the windowed-count bins, one per interaction type: {@code c_purchase}, {@code c_view}, ... */
    public static final String COUNTS_PREFIX = "c_";
    /** Map event_id → [ts, item_id, type], the newest {@code UserFeatureState.MAX_RECENT}. */
    public static final String RECENT = "recent";
    /** Item ids the user bought, oldest purchase first. */
    public static final String BOUGHT = "bought";
    /** Map category → log decayed affinity (see ExponentialDecay). */
    public static final String CATEGORY_AFFINITY = "cat_aff";
    public static final String PRICE_LOG_SUM = "price_lsum";
    public static final String PRICE_LOG_WEIGHT = "price_lw";
    public static final String LAST_ACTIVE = "last_active";
    /** Age in years, or {@link #UNKNOWN_AGE}. */
    public static final String AGE = "age";
    /** The user's region, or {@link #UNKNOWN_REGION}. */
    public static final String REGION = "region";
    public static final long UNKNOWN_AGE = -1;
    public static final String UNKNOWN_REGION = "";

    private UserBins() {}
  }

  /** Per-item features: catalog attributes and interaction statistics; key = item_id. See ItemFeatureState. */
  public static final class ItemBins {
    public static final String SET = "item";
    public static final String COUNTS_PREFIX = "c_";
    public static final String TITLE = "title";
    public static final String CATEGORY = "category";
    public static final String PRICE = "price";
    public static final String IN_STOCK = "in_stock";
    public static final String REGIONS = "regions";
    public static final String MIN_AGE = "min_age";
    public static final String DELETED = "deleted";
    /** Log of the decayed interaction-weighted popularity (see ExponentialDecay). */
    public static final String POPULARITY = "pop_log";
    public static final String FIRST_SEEN = "first_seen";
    public static final String LAST_EVENT = "last_event";

    private ItemBins() {}
  }

  /** Region key of the list over all regions (a user whose region is unknown gets it). */
  public static final String GLOBAL_REGION = "_global";

  private StoreLayout() {}
}
