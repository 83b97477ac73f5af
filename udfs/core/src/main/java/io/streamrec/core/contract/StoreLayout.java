package io.streamrec.core.contract;

/**
 * Where features live in the online store: the namespace, the sets (tables) and their bins (columns). Aerospike
 * limits bin names to 15 bytes; every name here respects that so all backends share one layout.
 */
public final class StoreLayout {

  public static final String NAMESPACE = "streamrec";

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

  /** Region key of the list over all regions (a user whose region is unknown gets it). */
  public static final String GLOBAL_REGION = "_global";

  private StoreLayout() {}
}
