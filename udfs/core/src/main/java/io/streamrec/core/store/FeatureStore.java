package io.streamrec.core.store;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * The online feature store (DESIGN §5). Implementations: {@link EmbeddedFeatureStore} (default, in-process) and,
 * later, Aerospike.
 *
 * <p>Writes are versioned by event time and applied last-write-wins: a write whose version is older than the stored
 * one is refused, an equal one is applied again (so replaying the same writes after a restore is harmless).
 */
public interface FeatureStore extends AutoCloseable {

  /** Reads many records in one round trip. Missing and expired keys are absent from the result. */
  Map<FeatureKey, FeatureRecord> getAll(Collection<FeatureKey> keys);

  default Optional<FeatureRecord> get(FeatureKey key) {
    return Optional.ofNullable(getAll(java.util.List.of(key)).get(key));
  }

  /**
   * Writes the given bins into the record (other bins are kept) if {@code version} is not older than the stored
   * version.
   *
   * @param ttl time to live from now; {@link Duration#ZERO} means never expire
   * @return true if the write was applied, false if a newer version was already stored
   */
  boolean upsert(FeatureKey key, Map<String, Object> bins, long version, Duration ttl);

  /** Removes a record unless a newer version is stored. */
  boolean delete(FeatureKey key, long version);

  @Override
  void close();
}
