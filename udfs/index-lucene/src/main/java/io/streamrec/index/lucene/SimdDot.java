package io.streamrec.index.lucene;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner product with JDK 17's incubating Vector API (SIMD lanes: 8 floats with AVX2). Loaded only when the JVM
 * runs with {@code --add-modules jdk.incubator.vector} (see {@link LeafColumns#SIMD}); Lucene's own SIMD scorer
 * needs JDK 20+, so on JDK 17 exact scans over the per-segment columns would otherwise be scalar.
 */
final class SimdDot {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

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
}
