package io.streamrec.vespa;

import io.streamrec.core.index.Generation;
import io.streamrec.core.index.IndexWrite;
import io.streamrec.core.index.ItemAttributes;
import io.streamrec.core.index.VectorIndex;
import io.streamrec.core.index.VectorIndexContract;
import io.streamrec.core.index.VectorIndexException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The backend contract against a real Vespa, when one is configured:
 *
 * <pre>
 * VESPA_ENDPOINT=http://localhost:8080 [VESPA_PARAMS='cluster=streamrec'] mvn -pl udfs/vespa verify
 * VESPA_ENDPOINT=https://my-app.vespa-app.cloud VESPA_PARAMS='cert=/p/cert.pem&amp;key=/p/key.pem' mvn ...
 * </pre>
 *
 * The application package of this module must be deployed <em>with dimension 8</em> (the contract's {@code DIM};
 * the package says 32), see the README: copy {@code src/main/application}, replace {@code x[32]} by {@code x[8]}
 * in {@code schemas/item.sd}, {@code vespa deploy} the copy. Each test uses a namespace of its own, deleted by
 * selection afterwards, so the suite can share an application with other data. Real HNSW search is approximate;
 * the contract's recall bound (0.95 at top-10 of 300) holds with the package's HNSW settings.
 */
@EnabledIfEnvironmentVariable(named = "VESPA_ENDPOINT", matches = ".+")
class VespaRealServerITCase extends VectorIndexContract {
  private VespaVectorIndex vespaIndex;

  static String spec(String namespace) {
    String endpoint = System.getenv("VESPA_ENDPOINT").trim();
    String base = endpoint.startsWith("vespa+") ? endpoint : "vespa+" + endpoint;
    if (!base.endsWith("/")) {
      base = base + "/";
    }
    String params = System.getenv().getOrDefault("VESPA_PARAMS", "");
    return base + "?namespace=" + namespace + "&dimension=" + DIM + (params.isEmpty() ? "" : "&" + params);
  }

  /** Fails early, and clearly, when the deployed package is not the one (or not the dimension) the suite needs. */
  @BeforeAll
  static void theDeployedPackageHasDimension8() {
    String ns = "it-probe-" + UUID.randomUUID().toString().substring(0, 8);
    try (VespaVectorIndex probe = VespaVectorIndex.open(VespaSettings.parse(spec(ns)))) {
      try {
        probe.create(new Generation(1, "probe", DIM));
        probe.publish(1);
        probe.writeNow(new IndexWrite.Upsert(1, "probe", new float[DIM],
            new ItemAttributes(true, List.of(), 0, "", 0), 1));
      } catch (VectorIndexException e) {
        throw new IllegalStateException("the Vespa at " + System.getenv("VESPA_ENDPOINT") + " does not take this "
            + "module's application package with tensor<float>(x[" + DIM + "]) (see the README): " + e.getMessage(),
            e);
      } finally {
        probe.dropNamespace();
      }
    }
  }

  @Override
  protected VectorIndex openEmptyIndex() {
    vespaIndex = VespaVectorIndex.open(VespaSettings.parse(spec("it-" + UUID.randomUUID().toString().substring(0, 8))));
    return vespaIndex;
  }

  @AfterEach
  void dropNamespace() {
    if (vespaIndex != null) {
      vespaIndex.dropNamespace(); // before the contract closes the index
    }
  }
}
