package io.streamrec.vespa;

import io.streamrec.core.index.VectorIndex;
import io.streamrec.core.index.VectorIndexContract;
import io.streamrec.core.index.VectorIndexSpec;
import org.junit.jupiter.api.AfterEach;

/**
 * The adapter against the backend contract through {@link VespaProtocolDouble}, opened through its spec and the
 * service loader as a job would open it. A fresh double per test is the fresh, empty index the contract wants.
 */
class VespaVectorIndexContractTest extends VectorIndexContract {
  private VespaProtocolDouble vespa;

  @Override
  protected VectorIndex openEmptyIndex() {
    vespa = VespaProtocolDouble.start(DIM);
    return VectorIndexSpec.parse(vespa.spec("namespace=contract")).open();
  }

  @AfterEach
  void stopDouble() {
    if (index != null) {
      index.close(); // before the double goes away (the contract's own close then does nothing)
    }
    if (vespa != null) {
      vespa.close();
    }
  }
}
