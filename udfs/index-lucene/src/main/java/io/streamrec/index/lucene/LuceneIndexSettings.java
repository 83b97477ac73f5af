package io.streamrec.index.lucene;

import java.time.Duration;

/**
 * Tuning of the embedded index. The defaults come from the ANN benchmark (docs/benchmarks.md).
 *
 * @param maxConn HNSW links per node (Lucene's {@code M}); more links, better recall per visited node, slower inserts
 * @param beamWidth candidates explored when inserting a node; a better graph for slower inserts
 * @param efFactor a graph search explores {@code max(k, ceil(k * efFactor))} candidates and keeps the best k
 * @param refreshInterval how often buffered writes are made searchable (near-real-time reopen)
 * @param exactLeafDocs segments up to this many documents are scanned exactly instead of searched through their
 *     graph: fresh segments are small, and a scan of a few thousand vectors is cheaper and exact
 * @param exactFilterDocs a filter expected to leave at most this many documents in a segment is scanned exactly: a
 *     graph search under a restrictive filter visits most of the graph anyway
 * @param compactionCheck how often the compactor looks at the segments
 * @param maxGraphSegments more graph-searched segments than this triggers a merge to one segment
 * @param maxDeletedPct deleted documents (replaced items) above this share trigger a merge to one segment
 * @param mergeWorkers threads building the merged graph
 * @param ivfListDocs large segments are searched through an inverted-file partition ({@link IvfLists}) with lists of
 *     about this many documents instead of their HNSW graph; 0 searches the graph
 * @param ivfScanFactor an inverted-file search scans lists until they hold about {@code ivfScanFactor × k}
 *     documents that pass the search's filter
 * @param ivfMinScanned and at least this many: for small k the lists nearest the query hold too few of the true
 *     neighbours when vectors are spread evenly (16-d Gaussian vectors: recall@20 0.86 scanning 10 %)
 */
public record LuceneIndexSettings(int maxConn, int beamWidth, double efFactor, Duration refreshInterval,
    int exactLeafDocs, int exactFilterDocs, Duration compactionCheck, int maxGraphSegments, double maxDeletedPct,
    int mergeWorkers, int ivfListDocs, double ivfScanFactor, int ivfMinScanned) {

  public LuceneIndexSettings {
    if (maxConn < 2 || maxConn > 512) {
      throw new IllegalArgumentException("maxConn must be in 2..512, got " + maxConn);
    }
    if (beamWidth < 1 || beamWidth > 3200) {
      throw new IllegalArgumentException("beamWidth must be in 1..3200, got " + beamWidth);
    }
    if (!(efFactor >= 1.0)) {
      throw new IllegalArgumentException("efFactor must be >= 1, got " + efFactor);
    }
    if (refreshInterval.isNegative() || refreshInterval.isZero()) {
      throw new IllegalArgumentException("refreshInterval must be > 0");
    }
    if (exactLeafDocs < 0 || exactFilterDocs < 0 || maxGraphSegments < 1 || mergeWorkers < 1) {
      throw new IllegalArgumentException("bad segment/merge settings");
    }
    if (ivfListDocs < 0) {
      throw new IllegalArgumentException("ivfListDocs must be >= 0 (0: search the graph), got " + ivfListDocs);
    }
    if (!(ivfScanFactor >= 1.0)) {
      throw new IllegalArgumentException("ivfScanFactor must be >= 1, got " + ivfScanFactor);
    }
    if (ivfMinScanned < 0) {
      throw new IllegalArgumentException("ivfMinScanned must be >= 0, got " + ivfMinScanned);
    }
  }

  /** Settings that answer large segments through their HNSW graph instead of the inverted-file partition. */
  public LuceneIndexSettings withGraphSearch() {
    return withIvf(0, ivfScanFactor);
  }

  public LuceneIndexSettings withIvfMinScanned(int minScanned) {
    return new LuceneIndexSettings(maxConn, beamWidth, efFactor, refreshInterval, exactLeafDocs, exactFilterDocs,
        compactionCheck, maxGraphSegments, maxDeletedPct, mergeWorkers, ivfListDocs, ivfScanFactor, minScanned);
  }

  public LuceneIndexSettings withIvf(int listDocs, double scanFactor) {
    return new LuceneIndexSettings(maxConn, beamWidth, efFactor, refreshInterval, exactLeafDocs, exactFilterDocs,
        compactionCheck, maxGraphSegments, maxDeletedPct, mergeWorkers, listDocs, scanFactor, ivfMinScanned);
  }

  public static LuceneIndexSettings defaults() {
    return new LuceneIndexSettings(16, 100, 1.5, Duration.ofMillis(100), 4_000, 15_000, Duration.ofSeconds(2), 1,
        20.0, 1, 100, 40.0, 2_000);
  }

  public LuceneIndexSettings withGraph(int m, int beam, double ef) {
    return new LuceneIndexSettings(m, beam, ef, refreshInterval, exactLeafDocs, exactFilterDocs, compactionCheck,
        maxGraphSegments, maxDeletedPct, mergeWorkers, ivfListDocs, ivfScanFactor, ivfMinScanned);
  }

  public LuceneIndexSettings withEfFactor(double ef) {
    return withGraph(maxConn, beamWidth, ef);
  }

  public LuceneIndexSettings withExactThresholds(int leafDocs, int filterDocs) {
    return new LuceneIndexSettings(maxConn, beamWidth, efFactor, refreshInterval, leafDocs, filterDocs,
        compactionCheck, maxGraphSegments, maxDeletedPct, mergeWorkers, ivfListDocs, ivfScanFactor, ivfMinScanned);
  }

  public LuceneIndexSettings withRefreshInterval(Duration d) {
    return new LuceneIndexSettings(maxConn, beamWidth, efFactor, d, exactLeafDocs, exactFilterDocs, compactionCheck,
        maxGraphSegments, maxDeletedPct, mergeWorkers, ivfListDocs, ivfScanFactor, ivfMinScanned);
  }

  public LuceneIndexSettings withCompaction(Duration check, int maxSegments, double deletedPct) {
    return new LuceneIndexSettings(maxConn, beamWidth, efFactor, refreshInterval, exactLeafDocs, exactFilterDocs,
        check, maxSegments, deletedPct, mergeWorkers, ivfListDocs, ivfScanFactor, ivfMinScanned);
  }
}
