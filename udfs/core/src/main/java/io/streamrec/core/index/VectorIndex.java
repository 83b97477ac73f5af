package io.streamrec.core.index;

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
 * Item vectors with filterable attributes (DESIGN §5), written by the index job and searched by serving.
 * Implementations: the embedded Lucene HNSW index (default) and the Vespa adapter.
 *
 * <p>Generations: writes name the generation they belong to; searches read the active one only. A roll-out
 * {@link #create(Generation) creates} a generation, fills it completely and {@link #publish(long) publishes} it; from
 * that instant every search reads the new generation and older ones are dropped. A search never sees a half-built
 * generation.
 *
 * <p>All calls are asynchronous so that a Flink task thread never blocks on a remote index; failures complete the
 * future with a {@link VectorIndexException}. A write's future completes once the change is searchable, which is
 * what the index job's freshness metric measures.
 */
public interface VectorIndex extends AutoCloseable {

  /** Applies one write; completes once it is searchable (or with the reason it was not applied). */
  CompletableFuture<IndexWriteOutcome> write(IndexWrite write);

  /**
   * The {@code k} items of the active generation closest to {@code query} that pass {@code filter}, best first.
   * Empty when no generation is active. Fails if the query's length is not the active generation's dimension.
   */
  CompletableFuture<List<Hit>> search(float[] query, int k, SearchFilter filter);

  /**
   * Item-to-item: the {@code k} items closest to {@code itemId}'s vector that pass {@code filter}, without the item
   * itself. Empty when the active generation does not hold the item.
   */
  CompletableFuture<List<Hit>> similar(String itemId, int k, SearchFilter filter);

  /**
   * The stored vectors of the active generation for those of {@code itemIds} that it holds (deleted and unknown ids
   * are absent from the map), in one call. Empty when no generation is active; fails for a null id. The map and its
   * arrays are read-only: a backend may hand out the arrays it keeps (an array is never changed once stored, and a
   * caller must not change it either).
   */
  CompletableFuture<Map<String, float[]>> vectors(Collection<String> itemIds);

  /** The generation searches read, if one was published. */
  Optional<Generation> active();

  /** Every generation the index holds (the active one and any being built), by id. */
  List<Generation> generations();

  /**
   * Creates an empty generation to be filled (idempotent for an identical generation). Fails if the id is not newer
   * than the active one or is already used for a different model version or dimension.
   */
  void create(Generation generation);

  /** Makes a created generation the active one, atomically, and drops older generations. */
  void publish(long generationId);

  @Override
  void close();

  // ---- blocking conveniences for tests and tools ----

  Duration BLOCKING_TIMEOUT = Duration.ofSeconds(10);

  default IndexWriteOutcome writeNow(IndexWrite write) {
    return await(write(write));
  }

  default List<Hit> searchNow(float[] query, int k, SearchFilter filter) {
    return await(search(query, k, filter));
  }

  default List<Hit> similarNow(String itemId, int k, SearchFilter filter) {
    return await(similar(itemId, k, filter));
  }

  default Map<String, float[]> vectorsNow(Collection<String> itemIds) {
    return await(vectors(itemIds));
  }

  /** Waits for a future with {@link #BLOCKING_TIMEOUT}, unwrapping a {@link VectorIndexException}. */
  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(BLOCKING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | CompletionException e) {
      if (e.getCause() instanceof VectorIndexException v) {
        throw v;
      }
      throw new VectorIndexException("index call failed: " + e.getCause(), false, e.getCause());
    } catch (TimeoutException e) {
      throw new VectorIndexException("index call timed out after " + BLOCKING_TIMEOUT, true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VectorIndexException("interrupted", true, e);
    }
  }
}
