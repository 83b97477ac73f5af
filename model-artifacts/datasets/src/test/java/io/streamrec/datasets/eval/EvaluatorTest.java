package io.streamrec.datasets.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

  @Test
  void metricsFollowTheirDefinitions() {
    // u1 bought a before; in the test window a (not new) and b, c (new). u2 bought d (new).
    Evaluator e = new Evaluator("toy", Map.of("u1", Set.of("a")),
        Map.of("u1", Set.of("a", "b", "c"), "u2", Set.of("d")), 10);
    assertThat(e.users()).isEqualTo(2);

    Evaluator.Result r = e.evaluate(Baselines.fixed("m", List.of("x", "b", "a", "y")), 3);
    // u1 gets [x, b, y] (a is excluded): one of its two new items, at rank 2. u2 gets [x, b, a]: nothing.
    assertThat(r.recall()).isCloseTo((0.5 + 0) / 2, within(1e-12));
    double idcgU1 = 1 + 1 / (Math.log(3) / Math.log(2));
    assertThat(r.ndcg()).isCloseTo(((1 / (Math.log(3) / Math.log(2))) / idcgU1 + 0) / 2, within(1e-12));
    assertThat(r.hitRate()).isCloseTo(0.5, within(1e-12));
    // Distinct items recommended: x, b, y, a over a catalog of 10.
    assertThat(r.coverage()).isCloseTo(0.4, within(1e-12));
    assertThat(r.line()).isEqualTo("EVAL toy m recall@3=0.2500 ndcg@3=" + String.format(java.util.Locale.ROOT,
        "%.4f", r.ndcg()) + " hit@3=0.5000 coverage=0.4000");
  }

  @Test
  void usersWithNothingNewAreLeftOut() {
    Evaluator e = new Evaluator("toy", Map.of("u1", Set.of("a")), Map.of("u1", Set.of("a")), 5);
    assertThat(e.users()).isZero();
  }

  @Test
  void popularityRanksByCountAndNeverRecommendsWhatWasBought() {
    List<InteractionLog.Event> train = List.of(
        new InteractionLog.Event("u1", "a", 1, "UK"), new InteractionLog.Event("u2", "a", 2, "UK"),
        new InteractionLog.Event("u2", "b", 3, "UK"), new InteractionLog.Event("u3", "c", 4, "FR"),
        new InteractionLog.Event("u4", "c", 5, "FR"), new InteractionLog.Event("u5", "c", 6, "FR"));
    assertThat(Baselines.popularity(train).recommend("u9", 3, Set.of())).containsExactly("c", "a", "b");
    assertThat(Baselines.popularity(train).recommend("u9", 3, Set.of("c"))).containsExactly("a", "b");
    Recommender regional = Baselines.regionPopularity(train, Map.of("u9", "UK"));
    assertThat(regional.recommend("u9", 3, Set.of())).containsExactly("a", "b", "c");
  }

  @Test
  void itemKnnScoresByCosineOverCoBuyers() {
    // a and b are always bought together; a and c once.
    List<InteractionLog.Event> train = List.of(
        new InteractionLog.Event("u1", "a", 1, "UK"), new InteractionLog.Event("u1", "b", 2, "UK"),
        new InteractionLog.Event("u2", "a", 3, "UK"), new InteractionLog.Event("u2", "b", 4, "UK"),
        new InteractionLog.Event("u3", "a", 5, "UK"), new InteractionLog.Event("u3", "c", 6, "UK"),
        new InteractionLog.Event("u4", "c", 7, "UK"), new InteractionLog.Event("u5", "c", 8, "UK"));
    ItemKnn knn = Baselines.itemKnn(train);
    // A user who bought a: b (cos 2/sqrt(3*2)) beats c (cos 1/sqrt(3*3)).
    var candidates = knn.candidates("u3", 2, Set.of("a"));
    assertThat(candidates).extracting(c -> c.itemId()).startsWith("b");
    assertThat(candidates.get(0).score()).isCloseTo(2 / Math.sqrt(6), within(1e-6));
    // No history: popularity (a and c both have three buyers; ties go to the smaller id).
    assertThat(knn.recommend("nobody", 1, Set.of())).containsExactly("a");
  }
}
