package io.streamrec.datasets.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019): an item-item weight matrix in closed
 * form. With X the binary user × item purchase matrix, {@code G = XᵀX + λI}, {@code P = G⁻¹}, and
 * {@code B_ij = -P_ij / P_jj} off the diagonal, {@code B_jj = 0}; a user's scores are their row of {@code X·B}.
 *
 * <p>The inverse is dense and cubic in the number of items, so the vocabulary is restricted ({@link Gram#of}): the
 * items with at least {@code minBuyers} distinct buyers, at most {@code maxItems} of them (most buyers first). Items
 * outside it are never recommended by EASE; users with none of their purchases in it get the fallback, which also
 * tops up short lists.
 */
public final class Ease implements Recommender, CandidateSource {

  /**
   * The part of the fit that does not depend on λ: the vocabulary, each user's distinct vocabulary items and
   * {@code XᵀX}, computed once and shared by every λ tried.
   */
  public static final class Gram {
    private final List<String> items;
    private final Map<String, int[]> baskets;
    private final double[] xtx;

    private Gram(List<String> items, Map<String, int[]> baskets, double[] xtx) {
      this.items = items;
      this.baskets = baskets;
      this.xtx = xtx;
    }

    /**
     * @param train the purchases to fit on (a user buying an item once or often counts as 1)
     * @param maxItems the most items kept, by distinct buyers (ties by id)
     * @param minBuyers the fewest distinct buyers an item needs to be kept
     */
    public static Gram of(List<InteractionLog.Event> train, int maxItems, int minBuyers) {
      if (maxItems <= 0 || minBuyers <= 0) {
        throw new IllegalArgumentException("maxItems and minBuyers must be positive");
      }
      Map<String, Set<String>> byUser = new HashMap<>();
      for (InteractionLog.Event e : train) {
        byUser.computeIfAbsent(e.userId(), u -> new LinkedHashSet<>()).add(e.itemId());
      }
      Map<String, Integer> buyers = new HashMap<>();
      byUser.values().forEach(basket -> basket.forEach(i -> buyers.merge(i, 1, Integer::sum)));
      List<String> items = buyers.keySet().stream().filter(i -> buyers.get(i) >= minBuyers)
          .sorted(Comparator.<String>comparingInt(buyers::get).reversed().thenComparing(Comparator.naturalOrder()))
          .limit(maxItems).toList();
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < items.size(); i++) {
        index.put(items.get(i), i);
      }
      int n = items.size();
      double[] xtx = new double[n * n];
      Map<String, int[]> baskets = new HashMap<>();
      byUser.forEach((user, basket) -> {
        int[] b = basket.stream().filter(index::containsKey).mapToInt(index::get).toArray();
        if (b.length > 0) {
          baskets.put(user, b);
          for (int x : b) {
            for (int y : b) {
              xtx[x * n + y]++;
            }
          }
        }
      });
      return new Gram(items, baskets, xtx);
    }

    /** Items in the vocabulary. */
    public int size() {
      return items.size();
    }

    /** Users with at least one vocabulary item. */
    public int users() {
      return baskets.size();
    }

    List<String> items() {
      return items;
    }
  }

  private final Gram gram;
  private final double lambda;
  private final float[] weights; // B, row-major n × n
  private final Recommender fallback;
  private final long fitMillis;

  private Ease(Gram gram, double lambda, float[] weights, Recommender fallback, long fitMillis) {
    this.gram = gram;
    this.lambda = lambda;
    this.weights = weights;
    this.fallback = fallback;
    this.fitMillis = fitMillis;
  }

  /** Solves for B at {@code lambda} (L2 weight, > 0). */
  public static Ease fit(Gram gram, double lambda, Recommender fallback) {
    if (!(lambda > 0)) {
      throw new IllegalArgumentException("lambda must be positive: " + lambda);
    }
    long start = System.nanoTime();
    int n = gram.size();
    DMatrixRMaj g = new DMatrixRMaj(n, n);
    System.arraycopy(gram.xtx, 0, g.data, 0, n * n);
    for (int i = 0; i < n; i++) {
      g.data[i * n + i] += lambda;
    }
    DMatrixRMaj p = new DMatrixRMaj(n, n);
    // XᵀX + λI is symmetric positive definite for λ > 0: a Cholesky inverse, half the work of LU.
    if (n > 0 && !CommonOps_DDRM.invertSPD(g, p)) {
      throw new IllegalStateException("XᵀX + λI is not positive definite (λ = " + lambda + ")");
    }
    float[] b = new float[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        b[i * n + j] = i == j ? 0f : (float) (-p.data[i * n + j] / p.data[j * n + j]);
      }
    }
    return new Ease(gram, lambda, b, fallback, (System.nanoTime() - start) / 1_000_000);
  }

  public double lambda() {
    return lambda;
  }

  /** Wall time of {@link #fit} (the inverse and B), in milliseconds. */
  public long fitMillis() {
    return fitMillis;
  }

  /** B_ij, for tests. */
  double weight(String from, String to) {
    List<String> items = gram.items();
    int n = items.size();
    return weights[items.indexOf(from) * n + items.indexOf(to)];
  }

  @Override
  public String name() {
    return "ease";
  }

  @Override
  public List<CandidateSource.Candidate> candidates(String userId, int k, Set<String> exclude) {
    List<CandidateSource.Candidate> out = new ArrayList<>(k);
    int[] basket = gram.baskets.get(userId);
    List<String> items = gram.items();
    if (basket != null) {
      int n = items.size();
      double[] score = new double[n];
      for (int x : basket) {
        int row = x * n;
        for (int y = 0; y < n; y++) {
          score[y] += weights[row + y];
        }
      }
      List<Integer> ranked = new ArrayList<>(n);
      for (int y = 0; y < n; y++) {
        if (!exclude.contains(items.get(y))) {
          ranked.add(y);
        }
      }
      ranked.sort((a, b) -> score[a] != score[b] ? Double.compare(score[b], score[a])
          : items.get(a).compareTo(items.get(b)));
      for (int y : ranked.subList(0, Math.min(k, ranked.size()))) {
        out.add(new CandidateSource.Candidate(items.get(y), score[y]));
      }
    }
    if (out.size() < k) {
      Set<String> skip = new HashSet<>(exclude);
      out.forEach(c -> skip.add(c.itemId()));
      for (String item : fallback.recommend(userId, k - out.size(), skip)) {
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
