package io.streamrec.datasets.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** EASE and buy-again against small cases computed independently in the test. */
class EaseAndBuyAgainTest {
  private static final Recommender NOTHING = new Recommender() {
    @Override
    public String name() {
      return "nothing";
    }

    @Override
    public List<String> recommend(String userId, int k, Set<String> exclude) {
      return List.of();
    }
  };

  private static InteractionLog.Event buy(String user, String item, long ts) {
    return new InteractionLog.Event(user, item, ts, "UK");
  }

  /** Gauss-Jordan with partial pivoting: an inverse written independently of EJML. */
  private static double[][] inverse(double[][] a) {
    int n = a.length;
    double[][] m = new double[n][2 * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], 0, m[i], 0, n);
      m[i][n + i] = 1;
    }
    for (int c = 0; c < n; c++) {
      int p = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(m[r][c]) > Math.abs(m[p][c])) {
          p = r;
        }
      }
      double[] t = m[c];
      m[c] = m[p];
      m[p] = t;
      double d = m[c][c];
      for (int j = 0; j < 2 * n; j++) {
        m[c][j] /= d;
      }
      for (int r = 0; r < n; r++) {
        if (r != c) {
          double f = m[r][c];
          for (int j = 0; j < 2 * n; j++) {
            m[r][j] -= f * m[c][j];
          }
        }
      }
    }
    double[][] inv = new double[n][n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(m[i], n, inv[i], 0, n);
    }
    return inv;
  }

  @Test
  void easeWeightsAreTheClosedFormOfSteck2019() {
    // Baskets: u1 {a, b}, u2 {a, b, c}, u3 {b, c}, u4 {a}; a repeat purchase counts once.
    List<InteractionLog.Event> train = List.of(buy("u1", "a", 1), buy("u1", "b", 2), buy("u1", "b", 3),
        buy("u2", "a", 1), buy("u2", "b", 1), buy("u2", "c", 1), buy("u3", "b", 1), buy("u3", "c", 1),
        buy("u4", "a", 1));
    double lambda = 2.0;
    Ease ease = Ease.fit(Ease.Gram.of(train, 10, 1), lambda, NOTHING);
    String[] ids = {"a", "b", "c"};
    // XᵀX by hand: a bought by 3, b by 3, c by 2; a&b 2, a&c 1, b&c 2.
    double[][] g = {{3 + lambda, 2, 1}, {2, 3 + lambda, 2}, {1, 2, 2 + lambda}};
    double[][] p = inverse(g);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double expected = i == j ? 0 : -p[i][j] / p[j][j];
        assertThat(ease.weight(ids[i], ids[j])).as("B[%s][%s]", ids[i], ids[j]).isCloseTo(expected, within(1e-6));
      }
    }
    // u4 bought a: its scores are row a of B; a itself is excluded by the caller.
    String best = -p[0][1] / p[1][1] > -p[0][2] / p[2][2] ? "b" : "c";
    assertThat(ease.recommend("u4", 1, Set.of("a"))).containsExactly(best);
  }

  @Test
  void buyAgainRanksAUsersOwnPurchasesByDecayedCount() {
    long day = TemporalSplit.DAY;
    long cut = 100 * day;
    // x: once 1 day before the cut; y: twice, 20 and 21 days before; z: after the cut (does not count).
    List<InteractionLog.Event> train = List.of(buy("u", "x", cut - day), buy("u", "y", cut - 20 * day),
        buy("u", "y", cut - 21 * day), buy("u", "z", cut + day));
    double tau = 10;
    double x = Math.exp(-1 / tau);
    double y = Math.exp(-20 / tau) + Math.exp(-21 / tau);
    assertThat(x).isGreaterThan(y);
    BuyAgain shortMemory = new BuyAgain(train, cut, tau, NOTHING);
    List<CandidateSource.Candidate> got = shortMemory.candidates("u", 5, Set.of());
    assertThat(got).extracting(CandidateSource.Candidate::itemId).containsExactly("x", "y");
    assertThat(got.get(0).score()).isCloseTo(x, within(1e-12));
    assertThat(got.get(1).score()).isCloseTo(y, within(1e-12));
    // With a long memory the two purchases of y outweigh the recent single x.
    assertThat(new BuyAgain(train, cut, 1_000, NOTHING).recommend("u", 2, Set.of())).containsExactly("y", "x");
    assertThat(shortMemory.recommend("stranger", 3, Set.of())).isEmpty();
  }
}
