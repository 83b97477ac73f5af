package io.streamrec.index.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SimdDotTest {

  @Test
  void theBuildsJvmFlagsEnableTheVectorApi() {
    // surefire runs with the parent pom's flink.jvm.flags, which add jdk.incubator.vector; so do the launcher,
    // the benchmarks and the standalone cluster
    assertThat(LeafColumns.SIMD).isTrue();
  }

  @Test
  void equalsTheScalarInnerProductForEveryLengthAndOffset() {
    Random r = new Random(3);
    for (int dim = 1; dim <= 70; dim++) {
      float[] q = new float[dim];
      for (int i = 0; i < dim; i++) {
        q[i] = (float) r.nextGaussian();
      }
      int docs = 5;
      float[] v = new float[docs * dim];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) r.nextGaussian();
      }
      for (int doc = 0; doc < docs; doc++) {
        double expected = 0;
        for (int i = 0; i < dim; i++) {
          expected += (double) v[doc * dim + i] * q[i];
        }
        assertThat((double) SimdDot.dot(v, doc * dim, q, dim)).as("dim %d doc %d", dim, doc)
            .isCloseTo(expected, within(1e-4 * Math.max(1, Math.abs(expected)) + 1e-4));
      }
    }
  }
}
