package io.streamrec.datasets.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The baselines every learned model must beat: global popularity (over the whole training period, and over its
 * last days), popularity in region, item-kNN, EASE ({@link Ease}) and, for the repeat protocol, buy-again
 * ({@link BuyAgain}).
 */
public final class Baselines {
  private Baselines() {}

  /** Items by purchase count, most first (ties by id, for determinism). */
  static List<String> byCount(Map<String, Integer> counts) {
    List<String> items = new ArrayList<>(counts.keySet());
    items.sort(Comparator.<String>comparingInt(counts::get).reversed().thenComparing(Comparator.naturalOrder()));
    return items;
  }

  static List<String> topExcluding(List<String> ranked, int k, Set<String> exclude) {
    List<String> out = new ArrayList<>(k);
    for (String item : ranked) {
      if (out.size() == k) {
        break;
      }
      if (!exclude.contains(item)) {
        out.add(item);
      }
    }
    return out;
  }

  /** One ranked list for everyone: its first {@code k} items that are not excluded. */
  static Recommender fixed(String name, List<String> ranked) {
    return new Recommender() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<String> recommend(String userId, int k, Set<String> exclude) {
        return topExcluding(ranked, k, exclude);
      }
    };
  }

  /** The most bought items over the training events, the same for everyone. */
  public static Recommender popularity(List<InteractionLog.Event> train) {
    Map<String, Integer> counts = new HashMap<>();
    train.forEach(e -> counts.merge(e.itemId(), 1, Integer::sum));
    List<String> ranked = byCount(counts);
    return fixed("popularity", ranked);
  }

  /**
   * The most bought items over the {@code days} before {@code cut} (events with {@code cut - days <= ts < cut}), the
   * same for everyone, topped up by popularity over everything in {@code train} before {@code cut} when the window
   * has too few items. Named
   * {@code popularity-<days>d}.
   */
  public static Recommender popularityLastDays(List<InteractionLog.Event> train, long cut, int days) {
    if (days <= 0) {
      throw new IllegalArgumentException("days must be positive: " + days);
    }
    long from = cut - days * TemporalSplit.DAY;
    Map<String, Integer> counts = new HashMap<>();
    for (InteractionLog.Event e : train) {
      if (e.ts() >= from && e.ts() < cut) {
        counts.merge(e.itemId(), 1, Integer::sum);
      }
    }
    List<String> ranked = new ArrayList<>(byCount(counts));
    Set<String> inWindow = new java.util.HashSet<>(ranked);
    Map<String, Integer> all = new HashMap<>();
    for (InteractionLog.Event e : train) {
      if (e.ts() < cut) {
        all.merge(e.itemId(), 1, Integer::sum);
      }
    }
    byCount(all).stream().filter(i -> !inWindow.contains(i)).forEach(ranked::add);
    return fixed("popularity-" + days + "d", ranked);
  }

  /** The most bought items in the user's region, topped up from global popularity. */
  public static Recommender regionPopularity(List<InteractionLog.Event> train, Map<String, String> userRegions) {
    Map<String, Map<String, Integer>> byRegion = new HashMap<>();
    Map<String, Integer> global = new HashMap<>();
    for (InteractionLog.Event e : train) {
      byRegion.computeIfAbsent(e.region(), r -> new HashMap<>()).merge(e.itemId(), 1, Integer::sum);
      global.merge(e.itemId(), 1, Integer::sum);
    }
    Map<String, List<String>> ranked = new HashMap<>();
    byRegion.forEach((region, counts) -> ranked.put(region, byCount(counts)));
    List<String> globalRanked = byCount(global);
    return new Recommender() {
      @Override
      public String name() {
        return "region-popularity";
      }

      @Override
      public List<String> recommend(String userId, int k, Set<String> exclude) {
        List<String> regional = ranked.getOrDefault(userRegions.get(userId), List.of());
        List<String> out = topExcluding(regional, k, exclude);
        if (out.size() < k) {
          Set<String> skip = new java.util.HashSet<>(exclude);
          skip.addAll(out);
          out.addAll(topExcluding(globalRanked, k - out.size(), skip));
        }
        return out;
      }
    };
  }

  /**
   * Item-kNN on co-purchases: cosine similarity between items over the sets of users who bought them; a user's
   * score for an item is the summed similarity to the (up to 50) items they bought most recently; users with no
   * history get global popularity.
   */
  public static ItemKnn itemKnn(List<InteractionLog.Event> train) {
    return new ItemKnn(train);
  }
}
