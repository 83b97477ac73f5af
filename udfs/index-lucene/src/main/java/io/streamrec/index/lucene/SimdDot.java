package io.streamrec.index.lucene;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Inner products with JDK 17's incubating Vector API (SIMD lanes: 8 floats with AVX2, 16 with AVX-512). Loaded only
 * when the JVM runs with {@code --add-modules jdk.incubator.vector} (see {@link LeafColumns#SIMD}); Lucene's own SIMD
 * scorer needs JDK 20+, so on JDK 17 exact scans over the per-segment columns would otherwise be scalar.
 */
final class SimdDot {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  /** Lane vectors per {@link BlockScores#WIDTH}-document block (1 with AVX-512, 2 with AVX2). */
  private static final int PER_BLOCK = Math.max(1, BlockScores.WIDTH / SPECIES.length());

  private SimdDot() {}

  static float dot(float[] v, int offset, float[] q, int dim) {
    FloatVector acc = FloatVector.zero(SPECIES);
    int i = 0;
    int bound = SPECIES.loopBound(dim);
    for (; i < bound; i += SPECIES.length()) {
      acc = FloatVector.fromArray(SPECIES, v, offset + i).fma(FloatVector.fromArray(SPECIES, q, i), acc);
    }
    float s = acc.reduceLanes(VectorOperators.ADD);
    for (; i < dim; i++) {
      s += v[offset + i] * q[i];
    }
    return s;
  }

  /**
   * Scores one transposed block (see {@link BlockScores}): one lane per document, so no horizontal sums, and two
   * accumulators so consecutive multiply-adds do not wait on each other. Returns the lanes that beat
   * {@code threshold} as a bit mask.
   */
  static int block(float[] blocks, int offset, float[] q, int dim, float threshold, float[] out) {
    if (SPECIES.length() > BlockScores.WIDTH) {
      return BlockScores.scalarBlock(blocks, offset, q, dim, threshold, out);
    }
    int mask = 0;
    for (int p = 0; p < PER_BLOCK; p++) {
      int lane0 = p * SPECIES.length();
      FloatVector a0 = FloatVector.zero(SPECIES);
      FloatVector a1 = FloatVector.zero(SPECIES);
      int o = offset + lane0;
      int d = 0;
      for (; d + 1 < dim; d += 2, o += 2 * BlockScores.WIDTH) {
        a0 = FloatVector.fromArray(SPECIES, blocks, o).fma(FloatVector.broadcast(SPECIES, q[d]), a0);
        a1 = FloatVector.fromArray(SPECIES, blocks, o + BlockScores.WIDTH)
            .fma(FloatVector.broadcast(SPECIES, q[d + 1]), a1);
      }
      if (d < dim) {
        a0 = FloatVector.fromArray(SPECIES, blocks, o).fma(FloatVector.broadcast(SPECIES, q[d]), a0);
      }
      FloatVector s = a0.add(a1);
      s.intoArray(out, lane0);
      mask |= (int) (s.compare(VectorOperators.GT, threshold).toLong() << lane0);
    }
    return mask;
  }
}
