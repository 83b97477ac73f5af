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

  @Test
  void blockScoresEqualTheInnerProductsOfTheirLanesAndFlagThoseAboveTheThreshold() {
    Random r = new Random(4);
    for (int dim : new int[] {1, 3, 8, 16, 31, 32, 64, 65}) {
      float[] q = new float[dim];
      for (int i = 0; i < dim; i++) {
        q[i] = (float) r.nextGaussian();
      }
      float[][] docs = new float[BlockScores.WIDTH][dim];
      float[] block = new float[BlockScores.blockFloats(dim) + 7];
      for (int lane = 0; lane < BlockScores.WIDTH; lane++) {
        for (int i = 0; i < dim; i++) {
          docs[lane][i] = (float) r.nextGaussian();
        }
        BlockScores.put(block, 7, lane, docs[lane], 0, dim); // at an offset, as lists sit in one array
      }
      float threshold = 0.1f;
      float[] simd = new float[BlockScores.WIDTH];
      float[] scalar = new float[BlockScores.WIDTH];
      int simdMask = SimdDot.block(block, 7, q, dim, threshold, simd);
      int scalarMask = BlockScores.scalarBlock(block, 7, q, dim, threshold, scalar);
      int expectedMask = 0;
      for (int lane = 0; lane < BlockScores.WIDTH; lane++) {
        double expected = 0;
        for (int i = 0; i < dim; i++) {
          expected += (double) docs[lane][i] * q[i];
        }
        double tolerance = 1e-4 * Math.max(1, Math.abs(expected)) + 1e-4;
        assertThat((double) simd[lane]).as("simd dim %d lane %d", dim, lane).isCloseTo(expected, within(tolerance));
        assertThat((double) scalar[lane]).as("scalar dim %d lane %d", dim, lane)
            .isCloseTo(expected, within(tolerance));
        if (simd[lane] > threshold) {
          expectedMask |= 1 << lane;
        }
      }
      assertThat(simdMask).as("dim %d", dim).isEqualTo(expectedMask);
      assertThat(Integer.bitCount(scalarMask ^ expectedMask)).isLessThanOrEqualTo(1); // a tie at the threshold
    }
  }
}
