package io.streamrec.trainer.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The baselines every learned model must beat: global popularity, popularity in region, item-kNN. */
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

  /** The most bought items over the training events, the same for everyone. */
  public static Recommender popularity(List<InteractionLog.Event> train) {
    Map<String, Integer> counts = new HashMap<>();
    train.forEach(e -> counts.merge(e.itemId(), 1, Integer::sum));
    List<String> ranked = byCount(counts);
    return new Recommender() {
      @Override
      public String name() {
        return "popularity";
      }

      @Override
      public List<String> recommend(String userId, int k, Set<String> exclude) {
        return topExcluding(ranked, k, exclude);
      }
    };
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
  public static Recommender itemKnn(List<InteractionLog.Event> train) {
    Map<String, Integer> index = new HashMap<>();
    List<String> items = new ArrayList<>();
    Map<String, java.util.LinkedHashSet<Integer>> recency = new HashMap<>();
    for (InteractionLog.Event e : train) {
      int i = index.computeIfAbsent(e.itemId(), id -> {
        items.add(id);
        return items.size() - 1;
      });
      java.util.LinkedHashSet<Integer> seen = recency.computeIfAbsent(e.userId(), u -> new java.util.LinkedHashSet<>());
      seen.remove(i);
      seen.add(i); // most recent last
    }
    int n = items.size();
    float[] co = new float[n * n];
    int[] buyers = new int[n];
    for (java.util.LinkedHashSet<Integer> basket : recency.values()) {
      int[] b = basket.stream().mapToInt(Integer::intValue).toArray();
      for (int x : b) {
        buyers[x]++;
        for (int y : b) {
          if (x != y) {
            co[x * n + y]++;
          }
        }
      }
    }
    for (int x = 0; x < n; x++) {
      for (int y = 0; y < n; y++) {
        if (co[x * n + y] > 0) {
          co[x * n + y] /= (float) Math.sqrt((double) buyers[x] * buyers[y]);
        }
      }
    }
    Recommender fallback = popularity(train);
    return new Recommender() {
      @Override
      public String name() {
        return "item-knn";
      }

      @Override
      public List<String> recommend(String userId, int k, Set<String> exclude) {
        java.util.LinkedHashSet<Integer> history = recency.get(userId);
        if (history == null || history.isEmpty()) {
          return fallback.recommend(userId, k, exclude);
        }
        List<Integer> recent = new ArrayList<>(history);
        List<Integer> last = recent.subList(Math.max(0, recent.size() - 50), recent.size());
        float[] score = new float[n];
        for (int x : last) {
          for (int y = 0; y < n; y++) {
            score[y] += co[x * n + y];
          }
        }
        List<Integer> candidates = new ArrayList<>();
        for (int y = 0; y < n; y++) {
          if (score[y] > 0 && !exclude.contains(items.get(y))) {
            candidates.add(y);
          }
        }
        candidates.sort((a, b) -> score[a] != score[b] ? Float.compare(score[b], score[a])
            : items.get(a).compareTo(items.get(b)));
        List<String> out = new ArrayList<>(k);
        for (int y : candidates.subList(0, Math.min(k, candidates.size()))) {
          out.add(items.get(y));
        }
        if (out.size() < k) {
          Set<String> skip = new java.util.HashSet<>(exclude);
          skip.addAll(out);
          out.addAll(fallback.recommend(userId, k - out.size(), skip));
        }
        return out;
      }
    };
  }
}
