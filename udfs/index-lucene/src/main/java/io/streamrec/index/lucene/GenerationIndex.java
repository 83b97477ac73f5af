package io.streamrec.index.lucene;

import io.streamrec.core.index.Generation;
import io.streamrec.core.index.Hit;
import io.streamrec.core.index.IndexWrite;
import io.streamrec.core.index.IndexWriteOutcome;
import io.streamrec.core.index.ItemAttributes;
import io.streamrec.core.index.SearchFilter;
import io.streamrec.core.index.VectorIndexException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.Bits;

/**
 * One generation of the embedded index: its own Lucene index (heap directory, NRT {@link SearcherManager}), the
 * newest version of every item it has seen (for stale-write checks, tombstones, attribute-only updates,
 * item-to-item and vector lookups) and the writes waiting to become searchable.
 *
 * <p>Writes are serialised on this object and applied to the {@link IndexWriter} at once; their futures complete
 * when a refresh has made them visible. Searches and lookups take no lock: searches acquire a point-in-time
 * searcher, lookups read the concurrent map of newest entries.
 */
final class GenerationIndex {
  private record Entry(float[] vector, ItemAttributes attributes, long version) {
    boolean deleted() {
      return vector == null;
    }
  }

  private record Pending(long seqNo, CompletableFuture<IndexWriteOutcome> future) {}

  final Generation generation;
  private final LuceneIndexSettings settings;
  private final Directory directory = new ByteBuffersDirectory();
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final LeafColumns.Dictionary dictionary = new LeafColumns.Dictionary();
  private final Map<Object, LeafColumns> columns = new ConcurrentHashMap<>();

  /**
   * The newest entry of every item. Written only under this object's lock (so a write's stale check and its put are
   * atomic), read without it: serving's lookups ({@link #vectors}, {@link #similar}) must not wait behind a write,
   * which holds the lock across {@link IndexWriter#updateDocument} (a graph insertion, at times a segment flush).
   * Measured with a writer upserting flat out (32-d): a 300-id lookup under the lock took 1 ms median, 86 ms p99;
   * without it 0.1 ms and 0.2 ms. Entries are immutable and replaced, never changed, so a reader sees a whole old or
   * a whole new entry.
   */
  private final Map<String, Entry> items = new ConcurrentHashMap<>();

  // guarded by this
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private long lastSeqNo;
  private boolean retired;

  /** Searches in progress plus one for being open; the Lucene resources close when it reaches zero. */
  private final AtomicInteger refs = new AtomicInteger(1);
  final AtomicLong refreshes = new AtomicLong();
  final AtomicLong compactions = new AtomicLong();

  GenerationIndex(Generation generation, LuceneIndexSettings settings) {
    this.generation = generation;
    this.settings = settings;
    try {
      IndexWriterConfig cfg = new IndexWriterConfig();
      KnnVectorsFormat format = settings.ivfListDocs() > 0 ? new FlatVectorsOnly()
          : new Lucene99HnswVectorsFormat(settings.maxConn(), settings.beamWidth(), settings.mergeWorkers(),
              settings.mergeWorkers() > 1
                  ? java.util.concurrent.Executors.newFixedThreadPool(settings.mergeWorkers(), daemon("merge"))
                  : null);
      cfg.setCodec(new Lucene912Codec() {
        @Override
        public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
          return format;
        }
      });
      cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
      cfg.setRAMBufferSizeMB(64);
      TieredMergePolicy merges = new TieredMergePolicy();
      merges.setDeletesPctAllowed(Math.min(50.0, Math.max(20.0, settings.maxDeletedPct())));
      cfg.setMergePolicy(merges);
      writer = new IndexWriter(directory, cfg);
      searchers = new SearcherManager(writer, true, true, new SearcherFactory() {
        @Override
        public IndexSearcher newSearcher(IndexReader reader, IndexReader previous) throws IOException {
          // Warm: build the columns of new segments here, on the refresh thread, so queries never pay for it.
          for (LeafReaderContext ctx : reader.leaves()) {
            columns(ctx.reader());
          }
          IndexSearcher s = new IndexSearcher(reader);
          s.setQueryCache(null);
          return s;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the index of generation " + generation.id(), e);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, "streamrec-index-" + name);
      t.setDaemon(true);
      return t;
    };
  }

  // ------------------------------------------------------------------------------------------------------ writes

  synchronized CompletableFuture<IndexWriteOutcome> write(IndexWrite w) {
    if (retired) {
      return CompletableFuture.completedFuture(IndexWriteOutcome.RETIRED);
    }
    Entry current = items.get(w.itemId());
    if (current != null && current.version() >= w.version()) {
      return CompletableFuture.completedFuture(IndexWriteOutcome.STALE);
    }
    try {
      long seq;
      if (w instanceof IndexWrite.Upsert u) {
        checkDimension(u.vector().length, "vector of item " + u.itemId());
        float[] v = u.vector().clone();
        seq = writer.updateDocument(ItemDocuments.idTerm(u.itemId()),
            ItemDocuments.document(u.itemId(), v, u.attributes()));
        items.put(u.itemId(), new Entry(v, u.attributes(), u.version()));
      } else if (w instanceof IndexWrite.UpdateAttributes a) {
        if (current == null || current.deleted()) {
          return CompletableFuture.completedFuture(IndexWriteOutcome.NOT_FOUND);
        }
        // Lucene cannot change indexed fields in place: the document is re-added with the vector it already has.
        // No tower runs; the cost is one graph insertion.
        seq = writer.updateDocument(ItemDocuments.idTerm(a.itemId()),
            ItemDocuments.document(a.itemId(), current.vector(), a.attributes()));
        items.put(a.itemId(), new Entry(current.vector(), a.attributes(), a.version()));
      } else {
        IndexWrite.Delete d = (IndexWrite.Delete) w;
        seq = writer.deleteDocuments(ItemDocuments.idTerm(d.itemId()));
        items.put(d.itemId(), new Entry(null, null, d.version())); // tombstone: refuses older upserts
      }
      lastSeqNo = Math.max(lastSeqNo, seq);
      CompletableFuture<IndexWriteOutcome> f = new CompletableFuture<>();
      pending.add(new Pending(seq, f));
      return f;
    } catch (VectorIndexException e) {
      return CompletableFuture.failedFuture(e);
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(new VectorIndexException(
          "embedded index write failed for " + w.itemId() + ": " + e, false, e));
    }
  }

  synchronized int pendingWrites() {
    return pending.size();
  }

  /** Makes every write so far searchable and completes its future. Called by the refresh thread. */
  void refresh() {
    long target;
    synchronized (this) {
      if (pending.isEmpty() || retired) {
        return;
      }
      target = lastSeqNo;
    }
    try {
      searchers.maybeRefreshBlocking();
      refreshes.incrementAndGet();
    } catch (IOException | RuntimeException e) {
      failPending(new VectorIndexException("embedded index refresh failed: " + e, true, e));
      return;
    }
    List<Pending> done = new ArrayList<>();
    synchronized (this) {
      while (!pending.isEmpty() && pending.peek().seqNo() <= target) {
        done.add(pending.poll());
      }
    }
    done.forEach(p -> p.future().complete(IndexWriteOutcome.APPLIED));
  }

  private void failPending(VectorIndexException e) {
    List<Pending> failed;
    synchronized (this) {
      failed = new ArrayList<>(pending);
      pending.clear();
    }
    failed.forEach(p -> p.future().completeExceptionally(e));
  }

  /** Merges to one segment when the planner would otherwise search several graphs or skip many deletions. */
  void compactIfNeeded() {
    if (!acquire()) {
      return;
    }
    try {
      IndexSearcher s = searchers.acquire();
      int graphSegments = 0;
      int exactDocs = 0;
      long deleted = 0;
      long total = 0;
      try {
        for (LeafReaderContext ctx : s.getIndexReader().leaves()) {
          LeafReader r = ctx.reader();
          if (r.maxDoc() > settings.exactLeafDocs()) {
            graphSegments++;
          } else {
            exactDocs += r.numDocs();
          }
          deleted += r.numDeletedDocs();
          total += r.maxDoc();
        }
      } finally {
        searchers.release(s);
      }
      boolean tooManyGraphs = graphSegments > settings.maxGraphSegments();
      boolean tooManyDeleted = total > 0 && 100.0 * deleted / total > settings.maxDeletedPct();
      boolean tooMuchToScan = exactDocs > 2 * Math.max(settings.exactLeafDocs(), 1);
      if (tooManyGraphs || tooManyDeleted || tooMuchToScan) {
        writer.forceMerge(1);
        compactions.incrementAndGet();
        searchers.maybeRefreshBlocking();
      }
    } catch (IOException | RuntimeException e) {
      // A failed merge leaves the index as it was: searches stay correct, only slower. Try again next time.
      org.slf4j.LoggerFactory.getLogger(GenerationIndex.class)
          .warn("compaction of generation {} failed; will retry", generation.id(), e);
    } finally {
      release();
    }
  }

  /** Merges to one segment unconditionally and makes the result searchable. */
  void forceCompact() {
    try {
      writer.forceMerge(1);
      compactions.incrementAndGet();
      searchers.maybeRefreshBlocking();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------------------------------------------- searches

  List<Hit> search(float[] q, int k, SearchFilter filter) {
    return search(q, k, filter, settings.efFactor(), settings.ivfScanFactor());
  }

  List<Hit> search(float[] q, int k, SearchFilter filter, double efFactor, double ivfScanFactor) {
    checkDimension(q.length, "query");
    if (k <= 0) {
      return List.of();
    }
    CompiledFilter f = new CompiledFilter(filter, dictionary);
    IndexSearcher s;
    try {
      s = searchers.acquire();
    } catch (IOException e) {
      throw new VectorIndexException("embedded index is closed", true, e);
    }
    try {
      List<LeafReaderContext> leaves = s.getIndexReader().leaves();
      LeafColumns[] cols = new LeafColumns[leaves.size()];
      TopK top = new TopK(k);
      for (int i = 0; i < leaves.size(); i++) {
        LeafReader r = leaves.get(i).reader();
        cols[i] = columns(r);
        long driving = drivingDocs(r, cols[i], f);
        if (planExact(r, driving) || cols[i].graph != null && cols[i].graph.degenerate) {
          exact(r, cols[i], i, q, f, driving, top);
        } else if (cols[i].ivf != null) {
          ivf(r, cols[i], i, q, k, ivfScanFactor, settings.ivfMinScanned(), f, top);
        } else {
          graph(r, cols[i], i, q, k, efFactor, f, top);
        }
      }
      List<Hit> hits = new ArrayList<>(top.size());
      top.drainBestFirst((score, leaf, doc) -> hits.add(new Hit(cols[leaf].ids[doc], score)));
      return hits;
    } catch (IOException e) {
      throw new VectorIndexException("embedded index search failed: " + e, false, e);
    } finally {
      try {
        searchers.release(s);
      } catch (IOException ignored) {
        // releasing a reader reference cannot fail in a way a caller could act on
      }
    }
  }

  List<Hit> similar(String itemId, int k, SearchFilter filter) {
    Entry e = items.get(itemId);
    if (e == null || e.deleted()) {
      return List.of();
    }
    Set<String> excludes = new HashSet<>(filter.excludeIds());
    excludes.add(itemId);
    return search(e.vector(), k, filter.withExcludes(excludes));
  }

  /**
   * The stored vectors of those of {@code itemIds} this generation holds, as {@link #similar} sees them (a write is
   * visible here once applied, before the refresh that makes it searchable). The arrays are the entries' own: an
   * upsert stores a copy of the caller's vector and nothing changes it afterwards, so handing them out is safe as long
   * as callers treat them as read-only, which the {@code VectorIndex} contract requires.
   */
  Map<String, float[]> vectors(Collection<String> itemIds) {
    Map<String, float[]> out = new HashMap<>(Math.max(4, (int) (itemIds.size() / 0.75f) + 1));
    for (String id : itemIds) {
      if (id == null) {
        throw new VectorIndexException("item ids must not be null", false);
      }
      Entry e = items.get(id);
      if (e != null && !e.deleted()) {
        out.put(id, e.vector());
      }
    }
    return out;
  }

  /**
   * Exact scan or graph search, per segment: small (fresh) segments and filters that leave few documents are
   * scanned; large segments under a broad filter go through the HNSW graph.
   */
  private boolean planExact(LeafReader r, long drivingDocs) {
    if (r.maxDoc() <= settings.exactLeafDocs()) {
      return true;
    }
    return drivingDocs >= 0 && drivingDocs <= settings.exactFilterDocs();
  }

  /**
   * Documents of the segment the filter's driving terms select (their document frequencies, summed; deleted
   * documents included), or -1 when the filter has no driving terms. From the segment's cache: a term dictionary
   * lookup per query was a tenth of serving's search time in a JFR profile, and segments never change.
   */
  private static long drivingDocs(LeafReader r, LeafColumns c, CompiledFilter f) throws IOException {
    if (f.drivingTerms == null) {
      return -1;
    }
    long driving = 0;
    for (Term t : f.drivingTerms) {
      driving += c.docFreq(r, t);
    }
    return driving;
  }

  private static void exact(LeafReader r, LeafColumns c, int leaf, float[] q, CompiledFilter f, long drivingDocs,
      TopK top) throws IOException {
    Bits live = r.getLiveDocs();
    if (f.drivingTerms == null || !selective(r, drivingDocs)) {
      for (int doc = 0; doc < c.maxDoc; doc++) {
        if ((live == null || live.get(doc)) && c.ids[doc] != null
            && (f.matchesEverything || f.acceptAttributes(c, doc))) {
          offer(c, leaf, doc, c.dot(doc, q), f, top);
        }
      }
      return;
    }
    boolean check = !f.drivingTermsSuffice;
    float[] out = new float[BlockScores.WIDTH];
    for (Term t : f.drivingTerms) {
      LeafColumns.TermBlocks tb = c.termBlocks(r, t);
      if (tb != null) {
        int blockFloats = BlockScores.blockFloats(c.dim);
        for (int b = 0; b < tb.blockCount(); b++) {
          int mask = BlockScores.score(tb.blocks, b * blockFloats, q, c.dim, top.threshold(), out);
          while (mask != 0) {
            int lane = Integer.numberOfTrailingZeros(mask);
            mask &= mask - 1;
            int doc = tb.slotDoc[b * BlockScores.WIDTH + lane];
            if (doc >= 0 && (live == null || live.get(doc)) && (!check || f.acceptAttributes(c, doc))) {
              offer(c, leaf, doc, out[lane], f, top);
            }
          }
        }
        continue;
      }
      PostingsEnum docs = r.postings(t, PostingsEnum.NONE);
      if (docs == null) {
        continue;
      }
      for (int doc = docs.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.nextDoc()) {
        if ((live == null || live.get(doc)) && (!check || f.acceptAttributes(c, doc))) {
          offer(c, leaf, doc, c.dot(doc, q), f, top);
        }
      }
    }
  }

  /**
   * True if the filter's driving postings select few enough of the segment's documents that walking them beats
   * checking every document's columns. Decoding postings costs more per document than the column checks (a JFR
   * profile of the demo put most of serving's CPU in {@code PostingsEnum.nextDoc} for a region whose postings,
   * with the items sold everywhere, cover the whole segment), so postings only pay off when they skip most of it.
   */
  private static boolean selective(LeafReader r, long drivingDocs) {
    return drivingDocs * 4 <= r.maxDoc();
  }

  /**
   * Offers a scanned document that passed the column checks; the excluded-id probe (a string hash lookup, the
   * scan's most expensive check with a few hundred excludes) runs only for a score that would enter the top k.
   */
  private static void offer(LeafColumns c, int leaf, int doc, float score, CompiledFilter f, TopK top) {
    if (score > top.threshold() && !f.excluded(c, doc)) {
      top.offer(score, leaf, doc);
    }
  }

  /**
   * An inverted-file search: lists are scanned until they hold about {@code scanFactor × k} documents that pass the
   * filter, and at least {@code ivfMinScanned}.
   */
  private static void ivf(LeafReader r, LeafColumns c, int leaf, float[] q, int k, double scanFactor,
      int minPassingFloor, CompiledFilter f, TopK top) {
    int minPassing = (int) Math.min(c.ivf.docs, Math.max(minPassingFloor, Math.ceil(scanFactor * k)));
    c.ivf.search(c, leaf, q, f, r.getLiveDocs(), top, minPassing);
  }

  private static void graph(LeafReader r, LeafColumns c, int leaf, float[] q, int k, double efFactor,
      CompiledFilter f, TopK top) throws IOException {
    int ef = Math.max(k, (int) Math.ceil(k * efFactor));
    Bits accept = f.acceptDocs(c, r.getLiveDocs());
    if (c.graph != null) {
      for (ScoreDoc sd : c.graph.search(c, q, ef, accept)) {
        top.offer(sd.score, leaf, sd.doc); // the heap graph scores by inner product itself
      }
      return;
    }
    TopDocs td = r.searchNearestVectors(ItemDocuments.VECTOR, q, ef, accept, Integer.MAX_VALUE);
    for (ScoreDoc sd : td.scoreDocs) {
      top.offer(ItemDocuments.innerProduct(sd.score), leaf, sd.doc);
    }
  }

  private LeafColumns columns(LeafReader r) throws IOException {
    Object key = r.getCoreCacheHelper().getKey();
    LeafColumns c = columns.get(key);
    if (c == null) {
      synchronized (columns) {
        c = columns.get(key);
        if (c == null) {
          LeafColumns.Search search = r.maxDoc() <= settings.exactLeafDocs() ? LeafColumns.Search.EXACT
              : settings.ivfListDocs() > 0 ? LeafColumns.Search.IVF : LeafColumns.Search.GRAPH;
          c = LeafColumns.read(r, generation.dimension(), dictionary, search, settings.ivfListDocs());
          columns.put(key, c);
          r.getCoreCacheHelper().addClosedListener(columns::remove);
        }
      }
    }
    return c;
  }

  private void checkDimension(int length, String what) {
    if (length != generation.dimension()) {
      throw new VectorIndexException(what + " has dimension " + length + " but generation " + generation.id()
          + " (model " + generation.modelVersion() + ") has dimension " + generation.dimension(), false);
    }
  }

  // ------------------------------------------------------------------------------------------------- lifecycle

  /** Counts a search in; false once the generation is closed. */
  boolean acquire() {
    while (true) {
      int n = refs.get();
      if (n == 0) {
        return false;
      }
      if (refs.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void release() {
    if (refs.decrementAndGet() == 0) {
      closeResources();
    }
  }

  /** Stops accepting writes; the resources close when the last search finishes. */
  void retire() {
    synchronized (this) {
      if (retired) {
        return;
      }
      retired = true;
    }
    List<Pending> left;
    synchronized (this) {
      left = new ArrayList<>(pending);
      pending.clear();
    }
    left.forEach(p -> p.future().complete(IndexWriteOutcome.RETIRED));
    release();
  }

  private void closeResources() {
    try {
      searchers.close();
      writer.rollback();
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  synchronized int liveItems() {
    int n = 0;
    for (Entry e : items.values()) {
      if (!e.deleted()) {
        n++;
      }
    }
    return n;
  }

  /** Segments of the current searcher (for metrics). */
  int segments() {
    try {
      IndexSearcher s = searchers.acquire();
      try {
        return s.getIndexReader().leaves().size();
      } finally {
        searchers.release(s);
      }
    } catch (IOException e) {
      return -1;
    }
  }
}
