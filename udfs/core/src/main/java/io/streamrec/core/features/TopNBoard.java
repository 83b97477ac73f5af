package io.streamrec.core.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The N best items by a score that only ever grows (a log score from {@link ExponentialDecay}), kept exactly and
 * without rescanning all items: an item outside the board can only enter by overtaking the last entry, and an entry
 * can only move up.
 *
 * <p>A Flink POJO (public fields, no-arg constructor) so it can be keyed state without Kryo. Entries are sorted best
 * first; ties keep the earlier entry first.
 */
public final class TopNBoard {
  public int capacity;
  public String[] ids = new String[0];
  public double[] scores = new double[0];

  public TopNBoard() {}

  public TopNBoard(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  public int size() {
    return ids.length;
  }

  /**
   * Offers an item's new score. Returns true if the board changed (the item entered, moved or its score changed).
   * A lower score than the one on the board is ignored: scores are expected to be non-decreasing.
   */
  public boolean offer(String id, double score) {
    int at = indexOf(id);
    if (at >= 0) {
      if (score <= scores[at]) {
        return false;
      }
      // Move up: shift the entries it overtakes one place down.
      int to = at;
      while (to > 0 && scores[to - 1] < score) {
        ids[to] = ids[to - 1];
        scores[to] = scores[to - 1];
        to--;
      }
      ids[to] = id;
      scores[to] = score;
      return true;
    }
    int n = ids.length;
    if (n == capacity && !(score > scores[n - 1])) {
      return false;
    }
    int newSize = Math.min(n + 1, capacity);
    String[] newIds = Arrays.copyOf(ids, newSize);
    double[] newScores = Arrays.copyOf(scores, newSize);
    int to = Math.min(n, capacity - 1);
    while (to > 0 && newScores[to - 1] < score) {
      newIds[to] = newIds[to - 1];
      newScores[to] = newScores[to - 1];
      to--;
    }
    newIds[to] = id;
    newScores[to] = score;
    ids = newIds;
    scores = newScores;
    return true;
  }

  private int indexOf(String id) {
    for (int i = 0; i < ids.length; i++) {
      if (ids[i].equals(id)) {
        return i;
      }
    }
    return -1;
  }

  public List<String> idList() {
    return List.of(ids);
  }

  public List<Double> scoreList() {
    List<Double> out = new ArrayList<>(scores.length);
    for (double s : scores) {
      out.add(s);
    }
    return out;
  }
}
