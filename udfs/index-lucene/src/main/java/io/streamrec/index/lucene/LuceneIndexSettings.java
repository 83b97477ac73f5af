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
 */
public record LuceneIndexSettings(int maxConn, int beamWidth, double efFactor, Duration refreshInterval,
    int exactLeafDocs, int exactFilterDocs, Duration compactionCheck, int maxGraphSegments, double maxDeletedPct,
    int mergeWorkers) {

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
  }

  public static LuceneIndexSettings defaults() {
    return new LuceneIndexSettings(16, 100, 1.5, Duration.ofMillis(100), 4_000, 15_000, Duration.ofSeconds(2), 1,
        20.0, 1);
  }

  public LuceneIndexSettings withGraph(int m, int beam, double ef) {
    return new LuceneIndexSettings(m, beam, ef, refreshInterval, exactLeafDocs, exactFilterDocs, compactionCheck,
        maxGraphSegments, maxDeletedPct, mergeWorkers);
  }

  public LuceneIndexSettings withEfFactor(double ef) {
    return withGraph(maxConn, beamWidth, ef);
  }

  public LuceneIndexSettings withExactThresholds(int leafDocs, int filterDocs) {
    return new LuceneIndexSettings(maxConn, beamWidth, efFactor, refreshInterval, leafDocs, filterDocs,
        compactionCheck, maxGraphSegments, maxDeletedPct, mergeWorkers);
  }

  public LuceneIndexSettings withRefreshInterval(Duration d) {
    return new LuceneIndexSettings(maxConn, beamWidth, efFactor, d, exactLeafDocs, exactFilterDocs, compactionCheck,
        maxGraphSegments, maxDeletedPct, mergeWorkers);
  }

  public LuceneIndexSettings withCompaction(Duration check, int maxSegments, double deletedPct) {
    return new LuceneIndexSettings(maxConn, beamWidth, efFactor, refreshInterval, exactLeafDocs, exactFilterDocs,
        check, maxSegments, deletedPct, mergeWorkers);
  }
}
