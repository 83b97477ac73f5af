package io.streamrec.core.store;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The online feature store (DESIGN §5): batched reads, batched versioned writes. Implementations: {@link
 * EmbeddedFeatureStore} (default, in-process) and the Aerospike adapter ({@code udfs/aerospike}).
 *
 * <p>Both calls are asynchronous so that callers on a Flink task thread never block on a remote store; a failed
 * call completes exceptionally with a {@link FeatureStoreException}. Writes are last-write-wins on the version (event
 * time): a write older than the stored version is refused ({@link WriteOutcome#STALE}), an equal one is applied
 * again.
 */
public interface FeatureStore extends AutoCloseable {

  /** Reads many records in one round trip. Missing and expired keys are absent from the result. */
  CompletableFuture<Map<FeatureKey, FeatureRecord>> readAll(Collection<FeatureKey> keys);

  /** Applies many writes in one round trip; the outcomes are in the order of {@code writes}. */
  CompletableFuture<List<WriteOutcome>> writeAll(List<FeatureWrite> writes);

  @Override
  void close();

  // ---- blocking conveniences, for tests, tools and the embedded store's in-process callers ----

  /** Default bound on the blocking conveniences; async callers set their own. */
  Duration BLOCKING_TIMEOUT = Duration.ofSeconds(10);

  default Map<FeatureKey, FeatureRecord> getAll(Collection<FeatureKey> keys) {
    return await(readAll(keys));
  }

  default Optional<FeatureRecord> get(FeatureKey key) {
    return Optional.ofNullable(getAll(List.of(key)).get(key));
  }

  /** Upserts one record; true if applied, false if a newer version was stored. */
  default boolean upsert(FeatureKey key, Map<String, Object> bins, long version, Duration ttl) {
    return await(writeAll(List.of(FeatureWrite.upsert(key, bins, version, ttl)))).get(0) == WriteOutcome.APPLIED;
  }

  /** Deletes one record unless a newer version is stored. */
  default boolean delete(FeatureKey key, long version) {
    return await(writeAll(List.of(FeatureWrite.delete(key, version)))).get(0) == WriteOutcome.APPLIED;
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(BLOCKING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof FeatureStoreException fse) {
        throw fse;
      }
      throw new FeatureStoreException("feature store call failed: " + cause, false, cause);
    } catch (TimeoutException e) {
      throw new FeatureStoreException("feature store call timed out after " + BLOCKING_TIMEOUT, true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FeatureStoreException("interrupted while waiting for the feature store", true, e);
    }
  }
}
