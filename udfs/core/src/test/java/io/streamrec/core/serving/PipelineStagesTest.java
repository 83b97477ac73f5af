package io.streamrec.core.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.serving.CandidateMerger.Proposal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The pure serving stages: merging with weights, diversity and exploration, deadlines. */
class PipelineStagesTest {

  private static List<Proposal> list(String... ids) {
    List<Proposal> out = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      out.add(new Proposal(ids[i], 1.0 - 0.01 * i));
    }
    return out;
  }

  private static List<String> ids(List<Candidate> cs) {
    return cs.stream().map(Candidate::itemId).toList();
  }

  @Test
  void mergingDeduplicatesTagsEverySourceAndSumsWeightedReciprocalRanks() {
    Map<RetrievalSource, List<Proposal>> lists = new EnumMap<>(RetrievalSource.class);
    lists.put(RetrievalSource.ANN, list("a", "b", "c"));
    lists.put(RetrievalSource.TRENDING, list("c", "d"));
    List<Candidate> merged = new CandidateMerger(new CandidateMerger.Weights(1.0, 0, 1.0, 0)).merge(lists, 10);

    assertThat(ids(merged)).containsExactlyInAnyOrder("a", "b", "c", "d");
    Candidate c = merged.stream().filter(x -> x.itemId().equals("c")).findFirst().orElseThrow();
    assertThat(c.sourceNames()).containsExactly("ann", "trending");
    assertThat(c.mergedScore()).isEqualTo(1.0 / 63 + 1.0 / 61, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(ids(merged).get(0)).isEqualTo("c"); // proposed by two sources
    assertThat(c.annScore()).isEqualTo(0.98, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(merged.stream().filter(x -> x.itemId().equals("d")).findFirst().orElseThrow().annScore()).isNaN();
  }

  @Test
  void weightsDecideBetweenSourcesAndZeroTurnsASourceOff() {
    Map<RetrievalSource, List<Proposal>> lists = new EnumMap<>(RetrievalSource.class);
    lists.put(RetrievalSource.ANN, list("ann1"));
    lists.put(RetrievalSource.FRESH, list("fresh1"));
    assertThat(ids(new CandidateMerger(new CandidateMerger.Weights(1, 0, 0, 2)).merge(lists, 10)))
        .containsExactly("fresh1", "ann1");
    assertThat(ids(new CandidateMerger(new CandidateMerger.Weights(2, 0, 0, 1)).merge(lists, 10)))
        .containsExactly("ann1", "fresh1");
    assertThat(ids(new CandidateMerger(new CandidateMerger.Weights(1, 0, 0, 0)).merge(lists, 10)))
        .containsExactly("ann1");
    assertThat(new CandidateMerger(CandidateMerger.Weights.defaults()).merge(lists, 1)).hasSize(1);
  }

  @Test
  void theCategoryCapSpreadsCategoriesAndRelaxesOnlyWhenItMust() {
    List<Candidate> ranked = IntStream.range(0, 8).mapToObj(i -> new Candidate("i" + i)).toList();
    Map<String, String> cat = new HashMap<>();
    for (int i = 0; i < 8; i++) {
      cat.put("i" + i, i < 6 ? "mugs" : "lamps");
    }
    FinalStage stage = new FinalStage(new FinalStage.Settings(2, 0.0, 0));
    assertThat(ids(stage.select(ranked, cat, List.of(), 4, "r"))).containsExactly("i0", "i1", "i6", "i7");
    assertThat(ids(stage.select(ranked, cat, List.of(), 6, "r")))
        .containsExactly("i0", "i1", "i6", "i7", "i2", "i3");
  }

  @Test
  void theExplorationSlotTakesAFreshItemDeterministicallyPerRequest() {
    List<Candidate> ranked = IntStream.range(0, 10).mapToObj(i -> new Candidate("i" + i)).toList();
    List<Candidate> fresh = List.of(new Candidate("new1"), new Candidate("new2"));
    FinalStage always = new FinalStage(new FinalStage.Settings(10, 1.0, 2));
    List<Candidate> out = always.select(ranked, Map.of(), fresh, 5, "req-1");
    assertThat(out).hasSize(5);
    assertThat(out.get(2).itemId()).startsWith("new");
    assertThat(out.get(2).sourceNames()).contains("explore");
    assertThat(ids(out)).doesNotHaveDuplicates();
    List<Candidate> again = always.select(ranked, Map.of(), List.of(new Candidate("new1"), new Candidate("new2")),
        5, "req-1");
    assertThat(ids(again)).isEqualTo(ids(out));

    FinalStage never = new FinalStage(new FinalStage.Settings(10, 0.0, 2));
    assertThat(ids(never.select(ranked, Map.of(), fresh, 5, "req-1"))).containsExactly("i0", "i1", "i2", "i3", "i4");
    // A fresh item already picked on its merit is not picked twice.
    List<Candidate> withFresh = new ArrayList<>(ranked);
    withFresh.add(0, new Candidate("new1"));
    List<Candidate> picked = always.select(withFresh, Map.of(), List.of(new Candidate("new1")), 5, "req-2");
    assertThat(ids(picked)).doesNotHaveDuplicates();
  }

  @Test
  void exploreRateIsCloseToEpsilonOverManyRequests() {
    FinalStage stage = new FinalStage(new FinalStage.Settings(10, 0.2, 0));
    List<Candidate> ranked = List.of(new Candidate("a"), new Candidate("b"));
    int explored = 0;
    for (int i = 0; i < 2_000; i++) {
      List<Candidate> out = stage.select(ranked, Map.of(), List.of(new Candidate("f")), 2, "request-" + i);
      if (out.stream().anyMatch(c -> c.itemId().equals("f"))) {
        explored++;
      }
    }
    assertThat(explored / 2_000.0).isBetween(0.15, 0.25);
  }

  @Test
  void aDeadlineExpires() throws InterruptedException {
    Deadline d = Deadline.startingNow(5);
    assertThat(d.expired()).isFalse();
    assertThat(d.remainingNanos()).isPositive();
    long end = System.nanoTime() + 2_000_000_000L;
    while (!d.expired() && System.nanoTime() < end) {
      Thread.sleep(1);
    }
    assertThat(d.expired()).isTrue();
    assertThat(d.remainingNanos()).isZero();
    assertThat(Deadline.of(System.nanoTime(), 0).expired()).isTrue();
  }
}
