package io.streamrec.core.serving;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The last step before the response: diversity (at most {@code maxPerCategory} items of one category, relaxed only
 * when there are not enough other items) and one exploration slot (ε-greedy among fresh items, so that new items
 * get shown and the system learns about them). Deterministic for a request: the randomness is seeded with the
 * request id, so a retried request gets the same answer.
 */
public final class FinalStage {

  /**
   * @param maxPerCategory items of one category in a response (before relaxing)
   * @param epsilon probability that a response carries an exploration item
   * @param explorationSlot 0-based position the exploration item takes
   */
  public record Settings(int maxPerCategory, double epsilon, int explorationSlot) {
    public Settings {
      if (maxPerCategory < 1 || !(epsilon >= 0 && epsilon <= 1) || explorationSlot < 0) {
        throw new IllegalArgumentException("bad final-stage settings");
      }
    }

    public static Settings defaults() {
      return new Settings(5, 0.2, 4);
    }
  }

  private final Settings settings;

  public FinalStage(Settings settings) {
    this.settings = settings;
  }

  /**
   * Picks {@code k} items from {@code ranked} (best first) under the category cap, then maybe puts one item from
   * {@code explorePool} (fresh items that passed the filters, not already picked) into the exploration slot.
   *
   * @param category each candidate's category (missing = its own category)
   */
  public List<Candidate> select(List<Candidate> ranked, Map<String, String> category, List<Candidate> explorePool,
      int k, String requestId) {
    List<Candidate> picked = new ArrayList<>(k);
    List<Candidate> overflow = new ArrayList<>();
    Map<String, Integer> perCategory = new HashMap<>();
    for (Candidate c : ranked) {
      if (picked.size() == k) {
        break;
      }
      String cat = category.getOrDefault(c.itemId(), "\u0000" + c.itemId());
      int n = perCategory.getOrDefault(cat, 0);
      if (n < settings.maxPerCategory()) {
        perCategory.put(cat, n + 1);
        picked.add(c);
      } else {
        overflow.add(c);
      }
    }
    for (int i = 0; i < overflow.size() && picked.size() < k; i++) {
      picked.add(overflow.get(i)); // not enough variety: fill with the best of the rest, in order
    }
    SplittableRandom random = new SplittableRandom(requestId == null ? 0 : requestId.hashCode());
    if (k > 0 && !explorePool.isEmpty() && random.nextDouble() < settings.epsilon()) {
      Set<String> taken = new HashSet<>();
      picked.forEach(c -> taken.add(c.itemId()));
      List<Candidate> fresh = explorePool.stream().filter(c -> !taken.contains(c.itemId())).toList();
      if (!fresh.isEmpty()) {
        Candidate explore = fresh.get(random.nextInt(fresh.size()));
        explore.sources().add(RetrievalSource.EXPLORE);
        int slot = Math.min(settings.explorationSlot(), picked.size());
        if (picked.size() == k) {
          picked.remove(picked.size() - 1);
          slot = Math.min(slot, picked.size());
        }
        picked.add(slot, explore);
      }
    }
    return picked;
  }
}
