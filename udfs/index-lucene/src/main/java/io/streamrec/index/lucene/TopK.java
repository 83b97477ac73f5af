package io.streamrec.index.lucene;

/**
 * The k best (score, segment, doc) seen so far: a primitive min-heap, so scanning thousands of candidates allocates
 * nothing.
 */
final class TopK {
  private final float[] scores;
  private final long[] refs;
  private int size;

  TopK(int k) {
    scores = new float[k];
    refs = new long[k];
  }

  /** The score a candidate must beat to enter (−∞ until full). */
  float threshold() {
    return size < scores.length ? Float.NEGATIVE_INFINITY : scores[0];
  }

  void offer(float score, int leaf, int doc) {
    long ref = ((long) leaf << 32) | (doc & 0xffffffffL);
    if (size < scores.length) {
      scores[size] = score;
      refs[size] = ref;
      up(size++);
    } else if (score > scores[0]) {
      scores[0] = score;
      refs[0] = ref;
      down();
    }
  }

  int size() {
    return size;
  }

  /** True once it holds k entries. */
  boolean full() {
    return size == scores.length;
  }

  /** Drains the heap best first; calls {@code sink} with (score, leaf, doc). */
  void drainBestFirst(Sink sink) {
    int n = size;
    float[] s = new float[n];
    long[] r = new long[n];
    for (int i = n - 1; i >= 0; i--) {
      s[i] = scores[0];
      r[i] = refs[0];
      size--;
      if (size > 0) {
        scores[0] = scores[size];
        refs[0] = refs[size];
        down();
      }
    }
    for (int i = 0; i < n; i++) {
      sink.accept(s[i], (int) (r[i] >>> 32), (int) r[i]);
    }
  }

  interface Sink {
    void accept(float score, int leaf, int doc);
  }

  private void up(int i) {
    while (i > 0) {
      int p = (i - 1) >>> 1;
      if (!less(i, p)) {
        break;
      }
      swap(i, p);
      i = p;
    }
  }

  private void down() {
    int i = 0;
    while (true) {
      int l = 2 * i + 1;
      int r = l + 1;
      int m = i;
      if (l < size && less(l, m)) {
        m = l;
      }
      if (r < size && less(r, m)) {
        m = r;
      }
      if (m == i) {
        return;
      }
      swap(i, m);
      i = m;
    }
  }

  /** Lower score first; among equal scores the later reference ranks lower, so results are deterministic. */
  private boolean less(int a, int b) {
    return scores[a] < scores[b] || (scores[a] == scores[b] && refs[a] > refs[b]);
  }

  private void swap(int a, int b) {
    float s = scores[a];
    scores[a] = scores[b];
    scores[b] = s;
    long r = refs[a];
    refs[a] = refs[b];
    refs[b] = r;
  }
}
