package io.streamrec.index.lucene;

import io.streamrec.core.index.Generation;
import io.streamrec.core.index.Hit;
import io.streamrec.core.index.IndexWrite;
import io.streamrec.core.index.IndexWriteOutcome;
import io.streamrec.core.index.SearchFilter;
import io.streamrec.core.index.VectorIndex;
import io.streamrec.core.index.VectorIndexException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The embedded vector index: Apache Lucene 9.12 HNSW ({@code KnnFloatVectorField}, maximum-inner-product) in the
 * JVM's heap, refreshed near-real-time. The default backend; shared by name inside one JVM
 * ({@link #shared(String)}), so the index job and serving see the same index on a local cluster.
 *
 * <p><b>Freshness.</b> A write is applied to Lucene's {@code IndexWriter} at once; a refresh thread reopens the
 * searcher every {@link LuceneIndexSettings#refreshInterval()} (100 ms by default) and then completes the write's
 * future, so "completed" means "searchable".
 *
 * <p><b>Search plan.</b> Streaming writes leave many small segments behind, and a graph search per segment costs
 * about as much as in one large segment; under a restrictive filter a graph search visits most of the graph anyway
 * (DESIGN §5 has the measurements). So, per segment: segments of at most {@code exactLeafDocs} documents are
 * scanned exactly; so are segments where the filter's region or category postings leave at most
 * {@code exactFilterDocs} candidates; everything else goes through Lucene's HNSW search with the filter evaluated
 * lazily on per-segment columns ({@link LeafColumns}). A compactor merges to one segment when there would be more
 * than {@code maxGraphSegments} graphs, too many replaced documents, or too much to scan.
 *
 * <p><b>Generations.</b> Each generation is its own Lucene index; {@link #publish(long)} swaps the active reference
 * and retires older generations (a search in progress keeps its generation open until it finishes).
 *
 * <p>Searches and {@link #vectors} lookups run on the caller's thread (in-process CPU work, no I/O) and return
 * completed futures.
 */
public final class LuceneVectorIndex implements VectorIndex {
  private static final Map<String, LuceneVectorIndex> SHARED = new ConcurrentHashMap<>();

  private final LuceneIndexSettings settings;
  private final boolean shared;
  private final TreeMap<Long, GenerationIndex> generations = new TreeMap<>(); // guarded by this
  private volatile GenerationIndex active;
  private final ScheduledExecutorService refresher;
  private final ScheduledExecutorService compactor;
  private volatile boolean closed;

  private LuceneVectorIndex(LuceneIndexSettings settings, boolean shared) {
    this.settings = settings;
    this.shared = shared;
    refresher = Executors.newSingleThreadScheduledExecutor(daemon("refresh"));
    compactor = Executors.newSingleThreadScheduledExecutor(daemon("compact"));
    long refreshMs = Math.max(1, settings.refreshInterval().toMillis());
    refresher.scheduleWithFixedDelay(this::refreshAll, refreshMs, refreshMs, TimeUnit.MILLISECONDS);
    long compactMs = Math.max(1, settings.compactionCheck().toMillis());
    compactor.scheduleWithFixedDelay(this::compactAll, compactMs, compactMs, TimeUnit.MILLISECONDS);
  }

  /** A private index; {@link #close()} releases it. */
  public static LuceneVectorIndex create(LuceneIndexSettings settings) {
    return new LuceneVectorIndex(settings, false);
  }

  public static LuceneVectorIndex create() {
    return create(LuceneIndexSettings.defaults());
  }

  /**
   * The JVM-wide index of this name, created with default settings on first use. {@link #close()} does nothing on
   * it (other jobs in the JVM keep using it); {@link #dropShared(String)} removes it.
   */
  public static LuceneVectorIndex shared(String name) {
    return shared(name, LuceneIndexSettings.defaults());
  }

  /** The shared index of that name, opened with {@code settings} if it is not open yet. */
  public static LuceneVectorIndex shared(String name, LuceneIndexSettings settings) {
    return SHARED.computeIfAbsent(name, n -> new LuceneVectorIndex(settings, true));
  }

  /** Closes and forgets a shared index (tests, local restarts). */
  public static void dropShared(String name) {
    LuceneVectorIndex idx = SHARED.remove(name);
    if (idx != null) {
      idx.shutdown();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, "streamrec-index-" + name);
      t.setDaemon(true);
      return t;
    };
  }

  public LuceneIndexSettings settings() {
    return settings;
  }

  // ------------------------------------------------------------------------------------------------------ writes

  @Override
  public CompletableFuture<IndexWriteOutcome> write(IndexWrite write) {
    GenerationIndex g;
    synchronized (this) {
      checkOpen();
      g = generations.get(write.generation());
      if (g == null) {
        GenerationIndex a = active;
        if (a != null && write.generation() < a.generation.id()) {
          return CompletableFuture.completedFuture(IndexWriteOutcome.RETIRED);
        }
        return CompletableFuture.failedFuture(new VectorIndexException("generation " + write.generation()
            + " was never created (known: " + generations.keySet() + ")", false));
      }
    }
    return g.write(write);
  }

  // ---------------------------------------------------------------------------------------------------- searches

  @Override
  public CompletableFuture<List<Hit>> search(float[] query, int k, SearchFilter filter) {
    return onActive(g -> g.search(query, k, filter));
  }

  /**
   * A search with another effort than the configured one: the graph exploration factor for graph-searched segments
   * ({@link LuceneIndexSettings#efFactor()}) and the scan factor for inverted-file ones
   * ({@link LuceneIndexSettings#ivfScanFactor()}). For tuning and the ANN benchmark.
   */
  public List<Hit> search(float[] query, int k, SearchFilter filter, double efFactor, double ivfScanFactor) {
    if (!(efFactor >= 1.0) || !(ivfScanFactor >= 1.0)) {
      throw new IllegalArgumentException("efFactor and ivfScanFactor must be >= 1, got " + efFactor + " and "
          + ivfScanFactor);
    }
    return VectorIndex.await(onActive(g -> g.search(query, k, filter, efFactor, ivfScanFactor)));
  }

  @Override
  public CompletableFuture<List<Hit>> similar(String itemId, int k, SearchFilter filter) {
    return onActive(g -> g.similar(itemId, k, filter));
  }

  /**
   * The active generation's newest vectors, read from its entries without a lock or a Lucene searcher: one map
   * lookup per id, on the caller's thread. The arrays are the index's own and read-only (see
   * {@link VectorIndex#vectors}).
   */
  @Override
  public CompletableFuture<Map<String, float[]>> vectors(Collection<String> itemIds) {
    if (itemIds == null) {
      return CompletableFuture.failedFuture(new VectorIndexException("item ids must not be null", false));
    }
    return onActive(g -> g.vectors(itemIds), Map.of());
  }

  private CompletableFuture<List<Hit>> onActive(java.util.function.Function<GenerationIndex, List<Hit>> search) {
    return onActive(search, List.of());
  }

  private <T> CompletableFuture<T> onActive(java.util.function.Function<GenerationIndex, T> read, T none) {
    try {
      while (true) {
        checkOpen();
        GenerationIndex g = active;
        if (g == null) {
          return CompletableFuture.completedFuture(none);
        }
        if (!g.acquire()) {
          continue; // retired between the read and the acquire: the next read sees its successor
        }
        try {
          return CompletableFuture.completedFuture(read.apply(g));
        } finally {
          g.release();
        }
      }
    } catch (VectorIndexException e) {
      return CompletableFuture.failedFuture(e);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(new VectorIndexException("embedded index search failed: " + e, false,
          e));
    }
  }

  // ------------------------------------------------------------------------------------------------ generations

  @Override
  public Optional<Generation> active() {
    GenerationIndex g = active;
    return g == null ? Optional.empty() : Optional.of(g.generation);
  }

  @Override
  public synchronized List<Generation> generations() {
    List<Generation> out = new ArrayList<>();
    generations.values().forEach(g -> out.add(g.generation));
    return out;
  }

  @Override
  public synchronized void create(Generation generation) {
    checkOpen();
    GenerationIndex existing = generations.get(generation.id());
    if (existing != null) {
      if (!existing.generation.equals(generation)) {
        throw new VectorIndexException("generation " + generation.id() + " already exists as "
            + existing.generation + ", cannot create it as " + generation, false);
      }
      return;
    }
    GenerationIndex a = active;
    if (a != null && generation.id() <= a.generation.id()) {
      throw new VectorIndexException("generation " + generation.id() + " is not newer than the active generation "
          + a.generation.id(), false);
    }
    generations.put(generation.id(), new GenerationIndex(generation, settings));
  }

  @Override
  public void publish(long generationId) {
    List<GenerationIndex> retired = new ArrayList<>();
    synchronized (this) {
      checkOpen();
      GenerationIndex g = generations.get(generationId);
      if (g == null) {
        throw new VectorIndexException("cannot publish generation " + generationId + ": it does not exist (known: "
            + generations.keySet() + ")", false);
      }
      if (g == active) {
        return;
      }
      g.refresh(); // everything written to it so far is searchable the moment it becomes active
      active = g;
      while (generations.firstKey() < generationId) {
        retired.add(generations.pollFirstEntry().getValue());
      }
    }
    retired.forEach(GenerationIndex::retire);
  }

  // ------------------------------------------------------------------------------------------------ maintenance

  private List<GenerationIndex> snapshot() {
    synchronized (this) {
      return new ArrayList<>(generations.values());
    }
  }

  private void refreshAll() {
    for (GenerationIndex g : snapshot()) {
      if (g.acquire()) {
        try {
          g.refresh();
        } finally {
          g.release();
        }
      }
    }
  }

  private void compactAll() {
    snapshot().forEach(GenerationIndex::compactIfNeeded);
  }

  /** Numbers for metrics and tools. */
  public record Stats(long activeGeneration, int liveItems, int segments, int pendingWrites, long refreshes,
      long compactions) {}

  public Stats stats() {
    GenerationIndex g = active;
    if (g == null || !g.acquire()) {
      return new Stats(0, 0, 0, 0, 0, 0);
    }
    try {
      return new Stats(g.generation.id(), g.liveItems(), g.segments(), g.pendingWrites(), g.refreshes.get(),
          g.compactions.get());
    } finally {
      g.release();
    }
  }

  /** Compacts now (benchmarks and tests; normally the compactor decides). */
  public void compactNow() {
    snapshot().forEach(g -> {
      if (g.acquire()) {
        try {
          g.forceCompact();
        } finally {
          g.release();
        }
      }
    });
  }

  // -------------------------------------------------------------------------------------------------- lifecycle

  private void checkOpen() {
    if (closed) {
      throw new VectorIndexException("the embedded index is closed", false);
    }
  }

  /** Closes a private index. A {@link #shared(String) shared} one stays open for the other users in the JVM. */
  @Override
  public void close() {
    if (!shared) {
      shutdown();
    }
  }

  private void shutdown() {
    List<GenerationIndex> all;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      all = new ArrayList<>(generations.values());
      generations.clear();
      active = null;
    }
    refresher.shutdownNow();
    compactor.shutdownNow();
    all.forEach(GenerationIndex::retire);
  }
}
