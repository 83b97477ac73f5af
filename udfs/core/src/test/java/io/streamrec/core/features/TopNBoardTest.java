package io.streamrec.core.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopNBoardTest {

  /**
   * Brute force over every item ("item-<k>"): its current score and the step at which it reached it; the top N by
   * score, ties broken by who got there first (the board's documented tie rule), found by N linear scans.
   */
  static final class Reference {
    final double[] score;
    final long[] reachedAt;
    final boolean[] seen;
    long step;

    Reference(int items) {
      score = new double[items];
      reachedAt = new long[items];
      seen = new boolean[items];
    }

    void offer(int item, double s) {
      step++;
      if (!seen[item] || s > score[item]) {
        seen[item] = true;
        score[item] = s;
        reachedAt[item] = step;
      }
    }

    List<Integer> top(int n) {
      List<Integer> out = new ArrayList<>(n);
      boolean[] chosen = new boolean[score.length];
      while (out.size() < n) {
        int best = -1;
        for (int i = 0; i < score.length; i++) {
          if (!seen[i] || chosen[i]) {
            continue;
          }
          if (best < 0 || score[i] > score[best] || (score[i] == score[best] && reachedAt[i] < reachedAt[best])) {
            best = i;
          }
        }
        if (best < 0) {
          break;
        }
        chosen[best] = true;
        out.add(best);
      }
      return out;
    }
  }

  static void assertMatches(TopNBoard board, Reference ref, int capacity, Supplier<String> context) {
    List<Integer> top = ref.top(capacity);
    List<String> expectedIds = top.stream().map(i -> "item-" + i).toList();
    List<Double> expectedScores = top.stream().map(i -> ref.score[i]).toList();
    // Plain equals first: AssertJ's diff is only needed (and only paid for) on a mismatch.
    if (!board.idList().equals(expectedIds) || !board.scoreList().equals(expectedScores)) {
      assertThat(board.idList()).as(context.get()).containsExactlyElementsOf(expectedIds);
      assertThat(board.scoreList()).as(context.get()).containsExactlyElementsOf(expectedScores);
    }
    assertThat(board.size()).isEqualTo(expectedIds.size());
  }

  @ParameterizedTest(name = "{0} events over {1} items, capacity {2}, {3}")
  @CsvSource({
      "5000, 300, 20, continuous",
      "5000, 300, 20, integer",   // integer steps: many ties
      "3000, 50, 1, integer",
      "3000, 50, 1, continuous",
      "2000, 10, 20, integer",    // fewer items than the capacity
      "4000, 300, 5, log"})       // real log scores from ExponentialDecay
  void exactTopNAgainstBruteForceAfterEveryEvent(int events, int items, int capacity, String kind) {
    Random rnd = new Random(1234 + events + items + capacity + kind.hashCode());
    ExponentialDecay decay = new ExponentialDecay(3_600_000L);
    TopNBoard board = new TopNBoard(capacity);
    Reference ref = new Reference(items);
    Map<String, Double> current = new HashMap<>();
    long ts = 1_700_000_000_000L;
    for (int e = 0; e < events; e++) {
      // Skewed popularity so the top changes hands often but not always.
      int item = (int) (items * Math.pow(rnd.nextDouble(), 2));
      String id = "item-" + item;
      double old = current.getOrDefault(id, kind.equals("log") ? ExponentialDecay.empty() : 0.0);
      ts += rnd.nextInt(60_000);
      double next = switch (kind) {
        case "continuous" -> old + rnd.nextDouble();
        case "integer" -> old + rnd.nextInt(3); // 0 repeats the same score
        case "log" -> decay.add(old, 1.0, ts);
        default -> throw new IllegalArgumentException(kind);
      };
      current.put(id, next);

      List<String> idsBefore = board.idList();
      List<Double> scoresBefore = board.scoreList();
      boolean changed = board.offer(id, next);
      ref.offer(item, next);

      int step = e;
      Supplier<String> context = () -> "after event " + step + " (" + id + " -> " + next + ")";
      assertMatches(board, ref, capacity, context);
      boolean differs = !board.idList().equals(idsBefore) || !board.scoreList().equals(scoresBefore);
      if (changed != differs) {
        assertThat(changed).as("return value " + context.get()).isEqualTo(differs);
      }
    }
  }

  @Test
  void tiesKeepTheEarlierEntryFirst() {
    TopNBoard board = new TopNBoard(3);
    assertThat(board.offer("a", 1)).isTrue();
    assertThat(board.offer("b", 1)).isTrue();
    assertThat(board.offer("c", 1)).isTrue();
    assertThat(board.idList()).containsExactly("a", "b", "c");
    // A full board is not entered by a tie with the last entry.
    assertThat(board.offer("d", 1)).isFalse();
    assertThat(board.idList()).containsExactly("a", "b", "c");
    // Moving up stops behind an equal score reached earlier.
    assertThat(board.offer("a", 2)).isTrue();
    assertThat(board.offer("c", 2)).isTrue();
    assertThat(board.idList()).containsExactly("a", "c", "b");
    assertThat(board.offer("b", 2)).isTrue();
    assertThat(board.idList()).containsExactly("a", "c", "b");
    assertThat(board.scoreList()).containsExactly(2.0, 2.0, 2.0);
  }

  @Test
  void newEntryOnAnUnfullBoardGoesBehindEqualScores() {
    TopNBoard board = new TopNBoard(5);
    board.offer("a", 5);
    board.offer("b", 3);
    board.offer("c", 3);
    board.offer("d", 4);
    assertThat(board.idList()).containsExactly("a", "d", "b", "c");
    assertThat(board.scoreList()).containsExactly(5.0, 4.0, 3.0, 3.0);
  }

  @Test
  void capacityOneKeepsTheSingleBest() {
    TopNBoard board = new TopNBoard(1);
    assertThat(board.offer("a", 1)).isTrue();
    assertThat(board.offer("b", 0.5)).isFalse();
    assertThat(board.offer("b", 1)).isFalse();
    assertThat(board.offer("b", 1.5)).isTrue();
    assertThat(board.idList()).containsExactly("b");
    assertThat(board.scoreList()).containsExactly(1.5);
    assertThat(board.offer("b", 2)).isTrue();
    assertThat(board.offer("a", 2)).isFalse();
    assertThat(board.offer("a", 2.5)).isTrue();
    assertThat(board.idList()).containsExactly("a");
    assertThat(board.size()).isEqualTo(1);
  }

  @Test
  void lowerOrEqualScoreForAnEntryIsIgnored() {
    TopNBoard board = new TopNBoard(3);
    board.offer("a", 3);
    board.offer("b", 2);
    assertThat(board.offer("a", 1)).isFalse();
    assertThat(board.offer("a", 3)).isFalse();
    assertThat(board.offer("b", Double.NEGATIVE_INFINITY)).isFalse();
    assertThat(board.idList()).containsExactly("a", "b");
    assertThat(board.scoreList()).containsExactly(3.0, 2.0);
  }

  @Test
  void higherScoreWithoutMovingStillChangesTheBoard() {
    TopNBoard board = new TopNBoard(3);
    board.offer("a", 3);
    board.offer("b", 2);
    assertThat(board.offer("b", 2.5)).isTrue();
    assertThat(board.idList()).containsExactly("a", "b");
    assertThat(board.scoreList()).containsExactly(3.0, 2.5);
  }

  @Test
  void entryOvertakingSeveralMovesToItsPlace() {
    TopNBoard board = new TopNBoard(4);
    board.offer("a", 4);
    board.offer("b", 3);
    board.offer("c", 2);
    board.offer("d", 1);
    assertThat(board.offer("d", 3.5)).isTrue();
    assertThat(board.idList()).containsExactly("a", "d", "b", "c");
    assertThat(board.offer("e", 2.5)).isTrue(); // evicts c
    assertThat(board.idList()).containsExactly("a", "d", "b", "e");
    assertThat(board.offer("c", 2.4)).isFalse();
    assertThat(board.offer("c", 10)).isTrue();
    assertThat(board.idList()).containsExactly("c", "a", "d", "b");
    assertThat(board.scoreList()).containsExactly(10.0, 4.0, 3.5, 3.0);
  }

  @Test
  void capacityMustBePositive() {
    assertThatThrownBy(() -> new TopNBoard(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity must be >= 1, got 0");
  }

  @Test
  void listsAreSnapshots() {
    TopNBoard board = new TopNBoard(2);
    board.offer("a", 1);
    List<String> ids = board.idList();
    List<Double> scores = board.scoreList();
    board.offer("b", 2);
    assertThat(ids).containsExactly("a");
    assertThat(scores).containsExactly(1.0);
    assertThat(Arrays.asList(board.ids)).containsExactly("b", "a");
    assertThat(new ArrayList<>(board.scoreList())).containsExactly(2.0, 1.0);
  }
}
