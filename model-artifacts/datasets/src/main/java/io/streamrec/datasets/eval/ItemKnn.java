package io.streamrec.datasets.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Item-kNN (see {@link Baselines#itemKnn}); also a candidate source for the ranker. */
public final class ItemKnn implements Recommender, CandidateSource {
  private static final int HISTORY = 50;

  private final List<String> items = new ArrayList<>();
  private final Map<String, LinkedHashSet<Integer>> recency = new HashMap<>();
  private final float[] sim;
  private final int n;
  private final Recommender fallback;

  ItemKnn(List<InteractionLog.Event> train) {
    Map<String, Integer> index = new HashMap<>();
    for (InteractionLog.Event e : train) {
      int i = index.computeIfAbsent(e.itemId(), id -> {
        items.add(id);
        return items.size() - 1;
      });
      LinkedHashSet<Integer> seen = recency.computeIfAbsent(e.userId(), u -> new LinkedHashSet<>());
      seen.remove(i);
      seen.add(i); // most recent last
    }
    n = items.size();
    sim = new float[n * n];
    int[] buyers = new int[n];
    for (LinkedHashSet<Integer> basket : recency.values()) {
      int[] b = basket.stream().mapToInt(Integer::intValue).toArray();
      for (int x : b) {
        buyers[x]++;
        for (int y : b) {
          if (x != y) {
            sim[x * n + y]++;
          }
        }
      }
    }
    for (int x = 0; x < n; x++) {
      for (int y = 0; y < n; y++) {
        if (sim[x * n + y] > 0) {
          sim[x * n + y] /= (float) Math.sqrt((double) buyers[x] * buyers[y]);
        }
      }
    }
    fallback = Baselines.popularity(train);
  }

  @Override
  public String name() {
    return "item-knn";
  }

  @Override
  public List<Candidate> candidates(String userId, int k, Set<String> exclude) {
    LinkedHashSet<Integer> history = recency.get(userId);
    List<Candidate> out = new ArrayList<>(k);
    if (history != null && !history.isEmpty()) {
      List<Integer> recent = new ArrayList<>(history);
      float[] score = new float[n];
      for (int x : recent.subList(Math.max(0, recent.size() - HISTORY), recent.size())) {
        for (int y = 0; y < n; y++) {
          score[y] += sim[x * n + y];
        }
      }
      List<Integer> ranked = new ArrayList<>();
      for (int y = 0; y < n; y++) {
        if (score[y] > 0 && !exclude.contains(items.get(y))) {
          ranked.add(y);
        }
      }
      ranked.sort((a, b) -> score[a] != score[b] ? Float.compare(score[b], score[a])
          : items.get(a).compareTo(items.get(b)));
      for (int y : ranked.subList(0, Math.min(k, ranked.size()))) {
        out.add(new Candidate(items.get(y), score[y]));
      }
    }
    if (out.size() < k) {
      Set<String> skip = new HashSet<>(exclude);
      out.forEach(c -> skip.add(c.itemId()));
      for (String item : fallback.recommend(userId, k - out.size(), skip)) {
        out.add(new Candidate(item, 0));
      }
    }
    return out;
  }

  @Override
  public List<String> recommend(String userId, int k, Set<String> exclude) {
    return candidates(userId, k, exclude).stream().map(Candidate::itemId).toList();
  }
}
