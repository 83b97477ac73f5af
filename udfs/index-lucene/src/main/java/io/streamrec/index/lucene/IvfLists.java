package io.streamrec.index.lucene;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.lucene.util.Bits;

/**
 * An inverted-file partition of one segment's vectors (IVF, as in FAISS's {@code IndexIVFFlat}): spherical k-means
 * centroids, and each document's vector stored once more in its nearest centroid's list, the lists packed in
 * {@link BlockScores} blocks. A search scores the centroids, then scans the lists of the best ones in order until it
 * has seen enough documents, so it reads a few contiguous runs of memory instead of hopping through a graph: at
 * 100,000 × 64-d a graph search's random reads cost ≈ 150 ns each (the vectors do not fit this box's caches), a
 * block scan ≈ 6 ns per document in cache.
 *
 * <p>Built once per large segment when it becomes searchable (segments are immutable; deleted documents are
 * skipped with the reader's live docs at query time), from a sample of its vectors; deterministic for a segment.
 */
final class IvfLists {
  final int dim;
  final int lists;
  /** Documents in the partition (those with a vector). */
  final int docs;
  private final float[] centroids;
  /** First block of list {@code l}; {@code blockStart[lists]} is the number of blocks. */
  private final int[] blockStart;
  private final int[] listDocs;
  private final float[] blocks;
  /** Document of each block lane; -1 pads a list's last block. */
  private final int[] slotDoc;

  private IvfLists(int dim, float[] centroids, int lists, int[] blockStart, int[] listDocs, float[] blocks,
      int[] slotDoc, int docs) {
    this.dim = dim;
    this.centroids = centroids;
    this.lists = lists;
    this.blockStart = blockStart;
    this.listDocs = listDocs;
    this.blocks = blocks;
    this.slotDoc = slotDoc;
    this.docs = docs;
  }

  /**
   * Partitions the documents of {@code c} that have an id into about {@code docs / listDocs} lists.
   *
   * @param listDocs the mean list length to aim for
   * @param iterations k-means iterations over the training sample
   */
  static IvfLists build(LeafColumns c, int listDocs, int iterations) {
    int dim = c.dim;
    int[] members = new int[c.maxDoc];
    int n = 0;
    for (int doc = 0; doc < c.maxDoc; doc++) {
      if (c.ids[doc] != null) {
        members[n++] = doc;
      }
    }
    int lists = Math.max(1, Math.min(n, Math.round(n / (float) Math.max(1, listDocs))));
    SplittableRandom random = new SplittableRandom(31L * c.maxDoc + n);
    float[] centroids = train(c, members, n, lists, iterations, random);

    int[] assignment = new int[n];
    int[] sizes = new int[lists];
    float[] scratch = new float[paddedLists(lists)];
    float[] q = new float[dim];
    for (int i = 0; i < n; i++) {
      System.arraycopy(c.vectors, members[i] * dim, q, 0, dim);
      assignment[i] = nearest(centroids, lists, q, dim, scratch);
      sizes[assignment[i]]++;
    }
    int[] blockStart = new int[lists + 1];
    for (int l = 0; l < lists; l++) {
      blockStart[l + 1] = blockStart[l] + BlockScores.blocksFor(sizes[l]);
    }
    int totalBlocks = blockStart[lists];
    float[] blocks = new float[totalBlocks * BlockScores.blockFloats(dim)];
    int[] slotDoc = new int[totalBlocks * BlockScores.WIDTH];
    Arrays.fill(slotDoc, -1);
    int[] fill = new int[lists];
    for (int i = 0; i < n; i++) {
      int l = assignment[i];
      int slot = blockStart[l] * BlockScores.WIDTH + fill[l]++;
      BlockScores.putSlot(blocks, slot, c.vectors, members[i] * dim, dim);
      slotDoc[slot] = members[i];
    }
    return new IvfLists(dim, centroids, lists, blockStart, sizes, blocks, slotDoc, n);
  }

  private static int paddedLists(int lists) {
    return BlockScores.blocksFor(lists) * BlockScores.WIDTH;
  }

  /**
   * Spherical k-means (inner-product assignment, unit centroids) over a sample of at most 64 documents per list,
   * seeded with distinct sampled documents; an emptied list is reseeded with a random sampled document.
   */
  private static float[] train(LeafColumns c, int[] members, int n, int lists, int iterations,
      SplittableRandom random) {
    int dim = c.dim;
    int m = Math.min(n, lists * 64);
    int[] sample = Arrays.copyOf(members, n);
    for (int i = 0; i < m; i++) { // partial Fisher–Yates: the first m are a uniform sample
      int j = i + random.nextInt(n - i);
      int t = sample[i];
      sample[i] = sample[j];
      sample[j] = t;
    }
    float[] centroids = new float[paddedLists(lists) * dim];
    for (int l = 0; l < lists; l++) {
      placeCentroid(centroids, l, c.vectors, sample[l] * dim, dim);
    }
    float[] scratch = new float[paddedLists(lists)];
    float[] q = new float[dim];
    int[] assignment = new int[m];
    for (int it = 0; it < iterations; it++) {
      for (int i = 0; i < m; i++) {
        System.arraycopy(c.vectors, sample[i] * dim, q, 0, dim);
        assignment[i] = nearest(centroids, lists, q, dim, scratch);
      }
      double[] sums = new double[lists * dim];
      int[] counts = new int[lists];
      for (int i = 0; i < m; i++) {
        int l = assignment[i];
        counts[l]++;
        int o = sample[i] * dim;
        for (int d = 0; d < dim; d++) {
          sums[l * dim + d] += c.vectors[o + d];
        }
      }
      float[] mean = new float[dim];
      for (int l = 0; l < lists; l++) {
        if (counts[l] == 0) {
          placeCentroid(centroids, l, c.vectors, sample[random.nextInt(m)] * dim, dim);
          continue;
        }
        double norm = 0;
        for (int d = 0; d < dim; d++) {
          norm += sums[l * dim + d] * sums[l * dim + d];
        }
        if (norm == 0) {
          continue; // opposite vectors cancelled out: keep the old centroid
        }
        double inv = 1 / Math.sqrt(norm);
        for (int d = 0; d < dim; d++) {
          mean[d] = (float) (sums[l * dim + d] * inv);
        }
        placeCentroid(centroids, l, mean, 0, dim);
      }
    }
    return centroids;
  }

  private static void placeCentroid(float[] centroids, int list, float[] v, int offset, int dim) {
    BlockScores.putSlot(centroids, list, v, offset, dim);
  }

  /** Scores every centroid into {@code scores} (padded to whole blocks). */
  private static void scoreCentroids(float[] centroids, int lists, float[] q, int dim, float[] scores) {
    int blocks = BlockScores.blocksFor(lists);
    float[] out = new float[BlockScores.WIDTH];
    for (int b = 0; b < blocks; b++) {
      BlockScores.score(centroids, b * BlockScores.blockFloats(dim), q, dim, Float.NEGATIVE_INFINITY, out);
      System.arraycopy(out, 0, scores, b * BlockScores.WIDTH, BlockScores.WIDTH);
    }
  }

  private static int nearest(float[] centroids, int lists, float[] q, int dim, float[] scores) {
    scoreCentroids(centroids, lists, q, dim, scores);
    int best = 0;
    for (int l = 1; l < lists; l++) {
      if (scores[l] > scores[best]) {
        best = l;
      }
    }
    return best;
  }

  /**
   * Scans the lists of the centroids nearest {@code q}, best first, offering every live document that passes
   * {@code f} to {@code top}, until {@code top} is full and the lists scanned hold an estimated
   * {@code minPassing} documents that pass the filter (or every list has been scanned). The estimate is the share
   * of the documents checked so far that passed: every document is checked until the top is full, later only those
   * that would enter it, which is a fair sample as long as the filter does not depend on the score. Returns the
   * documents scanned.
   */
  int search(LeafColumns c, int leaf, float[] q, CompiledFilter f, Bits live, TopK top, int minPassing) {
    float[] scores = new float[paddedLists(lists)];
    scoreCentroids(centroids, lists, q, dim, scores);
    // The lists to probe, best first: enough for minPassing at the mean list length, twice over; the rest are
    // ordered only if those run out first (a restrictive filter).
    int want = Math.min(lists, 2 * (int) Math.ceil(minPassing / Math.max(1.0, docs / (double) lists)) + 1);
    int[] order = best(scores, lists, want, null);
    float[] out = new float[BlockScores.WIDTH];
    long[] checks = new long[2]; // checked, passed
    int scanned = 0;
    for (int phase = 0; phase < 2; phase++) {
      for (int l : order) {
        scanList(c, leaf, l, q, f, live, top, out, checks);
        scanned += listDocs[l];
        if (top.full() && checks[0] > 0 && scanned * (double) checks[1] / checks[0] >= minPassing) {
          return scanned;
        }
      }
      if (order.length == lists) {
        break;
      }
      boolean[] probed = new boolean[lists];
      for (int l : order) {
        probed[l] = true;
      }
      order = best(scores, lists, lists - order.length, probed);
    }
    return scanned;
  }

  private void scanList(LeafColumns c, int leaf, int list, float[] q, CompiledFilter f, Bits live, TopK top,
      float[] out, long[] checks) {
    int blockFloats = BlockScores.blockFloats(dim);
    for (int b = blockStart[list]; b < blockStart[list + 1]; b++) {
      int mask = BlockScores.score(blocks, b * blockFloats, q, dim, top.threshold(), out);
      while (mask != 0) {
        int lane = Integer.numberOfTrailingZeros(mask);
        mask &= mask - 1;
        int doc = slotDoc[b * BlockScores.WIDTH + lane];
        float score = out[lane];
        if (doc < 0 || score <= top.threshold()) {
          continue;
        }
        checks[0]++;
        if ((live == null || live.get(doc)) && (f.matchesEverything || f.acceptAttributes(c, doc))
            && !f.excluded(c, doc)) {
          checks[1]++;
          top.offer(score, leaf, doc);
        }
      }
    }
  }

  /** The {@code want} best lists by score, best first, leaving out those already {@code probed}. */
  private static int[] best(float[] scores, int lists, int want, boolean[] probed) {
    TopK t = new TopK(Math.max(1, want));
    for (int l = 0; l < lists; l++) {
      if ((probed == null || !probed[l]) && scores[l] > t.threshold()) {
        t.offer(scores[l], 0, l);
      }
    }
    int[] order = new int[t.size()];
    int[] k = {0};
    t.drainBestFirst((score, ignored, l) -> order[k[0]++] = l);
    return order;
  }
}
