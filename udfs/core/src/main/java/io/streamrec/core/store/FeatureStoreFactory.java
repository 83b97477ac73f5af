package io.streamrec.core.store;

/**
 * Opens a networked {@link FeatureStore} from its spec. Backends outside udfs-core (Aerospike) register one through
 * {@code META-INF/services/io.streamrec.core.store.FeatureStoreFactory}, so a job carries a backend just by having
 * its module on the classpath.
 */
public interface FeatureStoreFactory {

  /** The URI scheme this factory opens, e.g. {@code aerospike}. */
  String scheme();

  /** Opens a store; the caller closes it. Fails with a clear message on a bad spec or an unreachable store. */
  FeatureStore open(FeatureStoreSpec spec);
}
