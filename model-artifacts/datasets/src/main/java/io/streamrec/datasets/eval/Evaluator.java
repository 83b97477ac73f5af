package io.streamrec.datasets.eval;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Offline evaluation with full ranking over the catalog (no sampled negatives).
 *
 * <p>Two protocols. The main one measures <b>discovery</b>, as serving works: for every user who bought something
 * in the test window, the model recommends {@code k} items the user has not bought before the window (serving
 * filters bought items too), and the relevant items are the test-window purchases that are new to the user. Users
 * with no new item in the test window are left out. The <b>repeat</b> protocol ({@link #repeat}) lets repeats count:
 * every item a user bought in the test window is relevant, and nothing is excluded from the recommendations, so a
 * model may recommend what the user bought before.
 *
 * <ul>
 *   <li>Recall@k: relevant items recommended / relevant items, averaged over users.
 *   <li>NDCG@k: binary relevance, log2 discount, normalised by the ideal ranking.
 *   <li>HitRate@k: share of users with at least one relevant item recommended.
 *   <li>Coverage: distinct items recommended to anyone / catalog size.
 * </ul>
 */
public final class Evaluator {

  /** Which purchases are relevant, and what a model may not recommend. */
  public enum Protocol {
    /** Relevant = test-window items new to the user; the user's earlier items are excluded. */
    DISCOVERY,
    /** Relevant = every test-window item; nothing is excluded. */
    REPEAT
  }

  /** One model's scores. */
  public record Result(String dataset, String model, int k, int users, double recall, double ndcg, double hitRate,
      double coverage) {
    /** The line tools compare over time (DESIGN §8). */
    public String line() {
      return String.format(Locale.ROOT, "EVAL %s %s recall@%d=%.4f ndcg@%d=%.4f hit@%d=%.4f coverage=%.4f",
          dataset, model, k, recall, k, ndcg, k, hitRate, coverage);
    }
  }

  private final String dataset;
  private final Protocol protocol;
  private final Map<String, Set<String>> history;
  private final Map<String, Set<String>> relevant;
  private final int catalogSize;

  /**
   * The discovery protocol.
   *
   * @param history each user's items before the test window (excluded from recommendations)
   * @param testWindow each user's items in the test window
   */
  public Evaluator(String dataset, Map<String, Set<String>> history, Map<String, Set<String>> testWindow,
      int catalogSize) {
    this(dataset, Protocol.DISCOVERY, history, testWindow, catalogSize);
  }

  private Evaluator(String dataset, Protocol protocol, Map<String, Set<String>> history,
      Map<String, Set<String>> testWindow, int catalogSize) {
    this.dataset = dataset;
    this.protocol = protocol;
    this.history = history;
    this.catalogSize = catalogSize;
    this.relevant = new java.util.TreeMap<>();
    testWindow.forEach((user, items) -> {
      Set<String> truth = new HashSet<>(items);
      if (protocol == Protocol.DISCOVERY) {
        truth.removeAll(history.getOrDefault(user, Set.of()));
      }
      if (!truth.isEmpty()) {
        relevant.put(user, truth);
      }
    });
  }

  /**
   * The repeat protocol: every item a user bought in the test window is relevant, and models are asked for their
   * top {@code k} with nothing excluded.
   *
   * @param history each user's items before the test window (not excluded; kept for reporting)
   */
  public static Evaluator repeat(String dataset, Map<String, Set<String>> history,
      Map<String, Set<String>> testWindow, int catalogSize) {
    return new Evaluator(dataset, Protocol.REPEAT, history, testWindow, catalogSize);
  }

  public Protocol protocol() {
    return protocol;
  }

  public String dataset() {
    return dataset;
  }

  /** The relevant items of an evaluated user (empty for anyone else). */
  public Set<String> relevant(String user) {
    return java.util.Collections.unmodifiableSet(relevant.getOrDefault(user, Set.of()));
  }

  /** What a model may not recommend to {@code user} under this protocol. */
  public Set<String> excluded(String user) {
    return protocol == Protocol.DISCOVERY ? history.getOrDefault(user, Set.of()) : Set.of();
  }

  public int users() {
    return relevant.size();
  }

  public Set<String> evaluatedUsers() {
    return relevant.keySet();
  }

  public Result evaluate(Recommender model, int k) {
    double recall = 0;
    double ndcg = 0;
    int hits = 0;
    Set<String> recommended = new HashSet<>();
    for (Map.Entry<String, Set<String>> e : relevant.entrySet()) {
      Set<String> truth = e.getValue();
      List<String> recs = model.recommend(e.getKey(), k, excluded(e.getKey()));
      recommended.addAll(recs);
      int found = 0;
      double dcg = 0;
      for (int r = 0; r < Math.min(k, recs.size()); r++) {
        if (truth.contains(recs.get(r))) {
          found++;
          dcg += 1 / log2(r + 2);
        }
      }
      double idcg = 0;
      for (int r = 0; r < Math.min(k, truth.size()); r++) {
        idcg += 1 / log2(r + 2);
      }
      recall += (double) found / truth.size();
      ndcg += dcg / idcg;
      hits += found > 0 ? 1 : 0;
    }
    int n = Math.max(1, relevant.size());
    return new Result(dataset, model.name(), k, relevant.size(), recall / n, ndcg / n, (double) hits / n,
        (double) recommended.size() / catalogSize);
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
