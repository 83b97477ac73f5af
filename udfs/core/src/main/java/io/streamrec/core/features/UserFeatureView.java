package io.streamrec.core.features;

import io.streamrec.core.contract.InteractionType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/** A user's features as of one instant: what serving and the trainer read. */
public final class UserFeatureView {
  private final UserFeatureState s;
  private final long asOf;

  UserFeatureView(UserFeatureState state, long asOf) {
    this.s = state;
    this.asOf = asOf;
  }

  public long asOf() {
    return asOf;
  }

  public String userId() {
    return s.userId;
  }

  /** Interactions of {@code type} in {@code range} up to {@link #asOf()}. */
  public long count(InteractionType type, WindowRange range) {
    WindowedCounts c = s.counts[type.ordinal()];
    return c == null ? 0 : c.count(range, asOf);
  }

  /** Item ids of the recent interactions, newest first (interactions after {@link #asOf()} excluded). */
  public List<String> recentItems() {
    List<String> out = new ArrayList<>();
    for (int k = s.recentItems.length - 1; k >= 0; k--) {
      if (s.recentTs[k] <= asOf) {
        out.add(s.recentItems[k]);
      }
    }
    return out;
  }

  public Set<String> bought() {
    return new LinkedHashSet<>(List.of(s.boughtItems));
  }

  /** Decayed category affinity as of {@link #asOf()}. */
  public double affinity(String category) {
    for (int k = 0; k < s.categories.length; k++) {
      if (s.categories[k].equals(category)) {
        return UserFeatureState.AFFINITY.valueAt(s.categoryLogScores[k], asOf);
      }
    }
    return 0;
  }

  /** The {@code m} strongest categories with their affinity, strongest first (ties by name). */
  public Map<String, Double> topCategories(int m) {
    List<Integer> order = new ArrayList<>();
    for (int k = 0; k < s.categories.length; k++) {
      order.add(k);
    }
    order.sort(Comparator.<Integer>comparingDouble(k -> -s.categoryLogScores[k])
        .thenComparing(k -> s.categories[k]));
    Map<String, Double> out = new LinkedHashMap<>();
    for (int k : order.subList(0, Math.min(m, order.size()))) {
      out.put(s.categories[k], UserFeatureState.AFFINITY.valueAt(s.categoryLogScores[k], asOf));
    }
    return out;
  }

  /** Interaction-weighted mean price of what the user engaged with, recent engagement weighing more. */
  public OptionalDouble pricePreference() {
    return s.priceLogWeight == Double.NEGATIVE_INFINITY
        ? OptionalDouble.empty()
        : OptionalDouble.of(Math.exp(s.priceLogSum - s.priceLogWeight));
  }

  public long lastActiveTs() {
    return s.lastActiveTs;
  }

  public Integer age() {
    return s.age;
  }

  public String region() {
    return s.region();
  }

  /** Every feature in one map with stable names, e.g. for comparing an online record with an offline replay. */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (InteractionType t : InteractionType.values()) {
      for (WindowRange r : WindowRange.values()) {
        m.put("count_" + t.wireName() + "_" + r.label(), count(t, r));
      }
    }
    m.put("recent_items", recentItems());
    m.put("bought", List.copyOf(bought()));
    m.put("top_categories", topCategories(10));
    m.put("price_preference", pricePreference().isPresent() ? pricePreference().getAsDouble() : null);
    m.put("last_active", lastActiveTs());
    m.put("age", age());
    m.put("region", region());
    return m;
  }
}
