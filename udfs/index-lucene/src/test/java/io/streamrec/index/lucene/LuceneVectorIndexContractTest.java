package io.streamrec.index.lucene;

import io.streamrec.core.index.VectorIndex;
import io.streamrec.core.index.VectorIndexContract;
import java.time.Duration;
import org.junit.jupiter.api.Nested;

/**
 * The embedded index passes the contract every backend passes, once per search path: with the default plan (the
 * contract's small indexes are scanned exactly) and with every segment forced through the HNSW graph and its lazy
 * filter.
 */
class LuceneVectorIndexContractTest {

  /** The refresh interval only changes how long writes wait; short, so the suite is quick. */
  static LuceneIndexSettings fast() {
    return LuceneIndexSettings.defaults().withRefreshInterval(Duration.ofMillis(5));
  }

  @Nested
  class DefaultPlan extends VectorIndexContract {
    @Override
    protected VectorIndex openEmptyIndex() {
      return LuceneVectorIndex.create(fast());
    }
  }

  @Nested
  class GraphSearchOnly extends VectorIndexContract {
    @Override
    protected VectorIndex openEmptyIndex() {
      return LuceneVectorIndex.create(fast().withExactThresholds(0, 0)
          .withCompaction(Duration.ofHours(1), 1_000, 100.0));
    }
  }
}
