package io.streamrec.datasets.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** popularity-Nd's window edges, and what the repeat protocol counts that the discovery protocol does not. */
class PopularityWindowAndRepeatTest {
  private static final long DAY = TemporalSplit.DAY;
  private static final long CUT = 100 * DAY;

  private static InteractionLog.Event buy(String user, String item, long ts) {
    return new InteractionLog.Event(user, item, ts, "UK");
  }

  @Test
  void theWindowIsFromCutMinusDaysInclusiveToTheCutExclusiveAndTheRestFollowsByAllTimeCount() {
    List<InteractionLog.Event> log = List.of(
        // "edge" once, exactly at the window's first instant: inside
        buy("u1", "edge", CUT - 30 * DAY),
        // "old" three times, one millisecond before the window: outside, but the most bought of all time
        buy("u1", "old", CUT - 30 * DAY - 1), buy("u2", "old", CUT - 30 * DAY - 1), buy("u3", "old", CUT - 40 * DAY),
        // "recent" twice inside
        buy("u1", "recent", CUT - DAY), buy("u2", "recent", CUT - 1),
        // "future" four times at and after the cut: never counted, never recommended
        buy("u1", "future", CUT), buy("u2", "future", CUT), buy("u3", "future", CUT + DAY), buy("u4", "future", CUT),
        // "older" once, outside
        buy("u4", "older", CUT - 50 * DAY));

    Recommender pop = Baselines.popularityLastDays(log, CUT, 30);

    assertThat(pop.name()).isEqualTo("popularity-30d");
    // in the window by count (recent 2, edge 1), then the rest by all-time count before the cut (old 3, older 1)
    assertThat(pop.recommend("anyone", 10, Set.of())).containsExactly("recent", "edge", "old", "older");
    assertThat(pop.recommend("anyone", 2, Set.of())).containsExactly("recent", "edge");
    assertThat(pop.recommend("anyone", 10, Set.of("recent", "old"))).containsExactly("edge", "older");
    // a 60-day window takes "old" in, and it leads
    assertThat(Baselines.popularityLastDays(log, CUT, 60).recommend("anyone", 10, Set.of()))
        .containsExactly("old", "recent", "edge", "older");
    assertThatThrownBy(() -> Baselines.popularityLastDays(log, CUT, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theRepeatProtocolCountsRepeatsAndExcludesNothingWhereDiscoveryDropsThem() {
    Map<String, Set<String>> history = Map.of("a", Set.of("x", "y"), "b", Set.of("x"));
    // a only re-buys (x) and buys one new item (z); b only re-buys (x); c is new
    Map<String, Set<String>> test = Map.of("a", Set.of("x", "z"), "b", Set.of("x"), "c", Set.of("z"));

    Evaluator discovery = new Evaluator("d", history, test, 10);
    Evaluator repeat = Evaluator.repeat("r", history, test, 10);

    assertThat(discovery.evaluatedUsers()).containsExactly("a", "c");
    assertThat(discovery.relevant("a")).containsExactly("z");
    assertThat(discovery.excluded("a")).containsExactlyInAnyOrder("x", "y");
    assertThat(repeat.evaluatedUsers()).containsExactly("a", "b", "c");
    assertThat(repeat.relevant("a")).containsExactlyInAnyOrder("x", "z");
    assertThat(repeat.excluded("a")).isEmpty();

    // a model that always says [x, z]: discovery never lets it show x
    Recommender xz = Baselines.fixed("xz", List.of("x", "z"));
    Evaluator.Result r = repeat.evaluate(xz, 1);
    assertThat(r.users()).isEqualTo(3);
    // k = 1: a gets x (1 of 2), b gets x (1 of 1), c gets x (0 of 1)
    assertThat(r.recall()).isCloseTo((0.5 + 1 + 0) / 3, within(1e-12));
    Evaluator.Result d = discovery.evaluate(xz, 1);
    // k = 1: a is shown z (x is excluded) — 1 of 1; c is shown x — 0 of 1
    assertThat(d.recall()).isCloseTo(0.5, within(1e-12));
  }
}
