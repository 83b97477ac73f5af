package io.streamrec.datasets.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Buy-again, the baseline of the repeat protocol: a user's own past purchases, each purchase line of item {@code i}
 * adding {@code exp(-(cut - ts) / tau)} to the item's score, best first, topped up by a fallback (for users with no
 * history, or fewer past items than asked for). Under the discovery protocol every candidate is excluded and only
 * the fallback is left, so it is scored on the repeat protocol only.
 */
public final class BuyAgain implements Recommender, CandidateSource {

  private final Map<String, List<CandidateSource.Candidate>> ranked = new HashMap<>();
  private final Recommender fallback;
  private final double tauDays;

  /**
   * @param train purchases; only those before {@code cut} count
   * @param cut the instant the scores are taken at (the start of the window evaluated)
   * @param tauDays the decay time constant in days (half-life = tau · ln 2); must be positive
   */
  public BuyAgain(List<InteractionLog.Event> train, long cut, double tauDays, Recommender fallback) {
    if (!(tauDays > 0)) {
      throw new IllegalArgumentException("tau must be positive: " + tauDays);
    }
    this.fallback = fallback;
    this.tauDays = tauDays;
    double tauMs = tauDays * TemporalSplit.DAY;
    Map<String, Map<String, Double>> scores = new HashMap<>();
    for (InteractionLog.Event e : train) {
      if (e.ts() < cut) {
        scores.computeIfAbsent(e.userId(), u -> new HashMap<>())
            .merge(e.itemId(), Math.exp(-(cut - e.ts()) / tauMs), Double::sum);
      }
    }
    scores.forEach((user, byItem) -> {
      List<CandidateSource.Candidate> list = new ArrayList<>(byItem.size());
      byItem.forEach((item, score) -> list.add(new CandidateSource.Candidate(item, score)));
      list.sort((a, b) -> a.score() != b.score() ? Double.compare(b.score(), a.score())
          : a.itemId().compareTo(b.itemId()));
      ranked.put(user, List.copyOf(list));
    });
  }

  public double tauDays() {
    return tauDays;
  }

  @Override
  public String name() {
    return "buy-again";
  }

  @Override
  public List<CandidateSource.Candidate> candidates(String userId, int n, Set<String> exclude) {
    List<CandidateSource.Candidate> out = new ArrayList<>(n);
    for (CandidateSource.Candidate c : ranked.getOrDefault(userId, List.of())) {
      if (out.size() == n) {
        return out;
      }
      if (!exclude.contains(c.itemId())) {
        out.add(c);
      }
    }
    if (out.size() < n) {
      Set<String> skip = new HashSet<>(exclude);
      out.forEach(c -> skip.add(c.itemId()));
      for (String item : fallback.recommend(userId, n - out.size(), skip)) {
        out.add(new CandidateSource.Candidate(item, 0));
      }
    }
    return out;
  }

  @Override
  public List<String> recommend(String userId, int k, Set<String> exclude) {
    return candidates(userId, k, exclude).stream().map(CandidateSource.Candidate::itemId).toList();
  }
}
