package io.streamrec.core.features;

import io.streamrec.core.contract.InteractionType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An item's features as of one instant. */
public final class ItemFeatureView {
  private final ItemFeatureState s;
  private final long asOf;

  ItemFeatureView(ItemFeatureState state, long asOf) {
    this.s = state;
    this.asOf = asOf;
  }

  public String itemId() {
    return s.itemId;
  }

  /** The instant the view is as of (epoch ms). */
  public long asOf() {
    return asOf;
  }

  public long count(InteractionType type, WindowRange range) {
    WindowedCounts c = s.counts[type.ordinal()];
    return c == null ? 0 : c.count(range, asOf);
  }

  /** Click-through rate over 7 days, smoothed towards {@link ItemFeatureState#CTR_PRIOR}. */
  public double smoothedCtr() {
    long views = count(InteractionType.VIEW, WindowRange.D7);
    long clicks = count(InteractionType.CLICK, WindowRange.D7);
    return (clicks + ItemFeatureState.CTR_PRIOR * ItemFeatureState.CTR_PRIOR_VIEWS)
        / (views + ItemFeatureState.CTR_PRIOR_VIEWS);
  }

  /** Purchases per click over 7 days, smoothed towards {@link ItemFeatureState#CVR_PRIOR}. */
  public double smoothedConversion() {
    long clicks = count(InteractionType.CLICK, WindowRange.D7);
    long purchases = count(InteractionType.PURCHASE, WindowRange.D7);
    return (purchases + ItemFeatureState.CVR_PRIOR * ItemFeatureState.CVR_PRIOR_CLICKS)
        / (clicks + ItemFeatureState.CVR_PRIOR_CLICKS);
  }

  /** Decayed, interaction-weighted popularity as of {@link #asOf()} (half-life one day). */
  public double popularity() {
    return s.popularityLog == Double.NEGATIVE_INFINITY ? 0 : ItemFeatureState.POPULARITY.valueAt(s.popularityLog, asOf);
  }

  /** Age of the item in days as of {@link #asOf()}, from the first time it was seen; -1 if never seen. */
  public double ageDays() {
    return s.firstSeenTs == 0 ? -1 : (asOf - s.firstSeenTs) / 86_400_000.0;
  }

  public boolean inCatalog() {
    return s.catalogTs > 0 && !s.deleted;
  }

  public boolean deleted() {
    return s.deleted;
  }

  public String title() {
    return s.title;
  }

  public String category() {
    return s.category;
  }

  public Double price() {
    return s.price;
  }

  public boolean inStock() {
    return s.inStock;
  }

  public List<String> regions() {
    return List.of(s.regions);
  }

  public int minAge() {
    return s.minAge;
  }

  public long firstSeenTs() {
    return s.firstSeenTs;
  }

  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (InteractionType t : InteractionType.values()) {
      for (WindowRange r : WindowRange.values()) {
        m.put("count_" + t.wireName() + "_" + r.label(), count(t, r));
      }
    }
    m.put("ctr", smoothedCtr());
    m.put("conversion", smoothedConversion());
    m.put("popularity", popularity());
    m.put("first_seen", firstSeenTs());
    m.put("in_catalog", inCatalog());
    m.put("deleted", deleted());
    m.put("title", title());
    m.put("category", category());
    m.put("price", price());
    m.put("in_stock", inStock());
    m.put("regions", regions());
    m.put("min_age", minAge());
    return m;
  }
}
