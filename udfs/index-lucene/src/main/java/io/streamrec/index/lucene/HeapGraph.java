package io.streamrec.index.lucene;

import java.io.IOException;
import java.util.Arrays;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.hnsw.HnswGraphProvider;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.FilterLeafReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.hnsw.HnswGraph;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/**
 * A segment's HNSW graph copied onto the heap once (segments are immutable), searched with Lucene's own
 * {@link HnswGraphSearcher} but scored against the segment's {@link LeafColumns} (SIMD inner products over one
 * packed array) instead of through the codec, which decodes every neighbour list from bytes and copies every
 * vector out of a byte buffer before a scalar dot product: that decoding was three quarters of serving's graph
 * searches in a JFR profile of the serving benchmark.
 *
 * <p>Built only for segments whose vectors are dense (ordinal = document), which is what this index writes (every
 * item document has a vector); for anything else {@link #copyOf} returns null and the codec's search is used.
 */
final class HeapGraph {
  private static final int[] NONE = new int[0];
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HeapGraph.class);
  /** Candidates explored when looking for the node to link a group to. */
  private static final int CONNECT_EF = 16;
  /** Links {@link #connect} added to level 0 when the graph was copied. */
  int linksAdded;
  /**
   * More than {@link #MAX_UNREACHED_SHARE} of level 0 was out of the entry node's reach: the graph is not worth
   * searching (or repairing), and the segment is scanned exactly instead.
   */
  boolean degenerate;
  private static final double MAX_UNREACHED_SHARE = 0.05;

  private final int size;
  private final int entryNode;
  /** Neighbours of every node on level 0, by node. */
  private final int[][] level0;
  /** For each level above 0: its nodes in ascending order, and their neighbours in the same order. */
  private final int[][] upperNodes;
  private final int[][][] upperNeighbours;

  private HeapGraph(int size, int entryNode, int[][] level0, int[][] upperNodes, int[][][] upperNeighbours) {
    this.size = size;
    this.entryNode = entryNode;
    this.level0 = level0;
    this.upperNodes = upperNodes;
    this.upperNeighbours = upperNeighbours;
  }

  /**
   * The heap copy of {@code reader}'s graph for {@code field}, or null when it cannot be made (see above), with level
   * 0 made strongly connected ({@link #connect}) over {@code columns}' vectors.
   */
  static HeapGraph copyOf(LeafReader reader, String field, LeafColumns columns, int vectors) throws IOException {
    int maxDoc = columns.maxDoc;
    if (vectors != maxDoc || maxDoc == 0) {
      return null;
    }
    LeafReader unwrapped = FilterLeafReader.unwrap(reader);
    if (!(unwrapped instanceof CodecReader codec)) {
      return null;
    }
    KnnVectorsReader vr = codec.getVectorReader();
    if (vr instanceof PerFieldKnnVectorsFormat.FieldsReader perField) {
      vr = perField.getFieldReader(field);
    }
    if (!(vr instanceof HnswGraphProvider provider)) {
      return null;
    }
    HnswGraph g = provider.getGraph(field);
    if (g == null || g.size() != maxDoc) {
      return null;
    }
    int size = g.size();
    NeighbourReader neighboursOf = new NeighbourReader(g);
    int[][] level0 = new int[size][];
    for (int node = 0; node < size; node++) {
      level0[node] = neighboursOf.read(0, node);
    }
    int levels = g.numLevels();
    int[][] upperNodes = new int[Math.max(0, levels - 1)][];
    int[][][] upperNeighbours = new int[Math.max(0, levels - 1)][][];
    for (int level = 1; level < levels; level++) {
      int[] nodes = HnswGraph.NodesIterator.getSortedNodes(g.getNodesOnLevel(level));
      int[][] neighbours = new int[nodes.length][];
      for (int i = 0; i < nodes.length; i++) {
        neighbours[i] = neighboursOf.read(level, nodes[i]);
      }
      upperNodes[level - 1] = nodes;
      upperNeighbours[level - 1] = neighbours;
    }
    HeapGraph copy = new HeapGraph(size, g.entryNode(), level0, upperNodes, upperNeighbours);
    long start = System.nanoTime();
    copy.linksAdded = copy.connect(columns);
    if (copy.degenerate) {
      LOG.warn("HNSW graph of a {}-document segment: more than {} % of level 0 cannot be reached from the entry node"
          + " (many duplicate or near-duplicate vectors); the segment is searched by an exact scan instead", size,
          (int) (100 * MAX_UNREACHED_SHARE));
    } else if (copy.linksAdded > 0) {
      LOG.info("HNSW graph of a {}-document segment: level 0 was not strongly connected (duplicate or near-duplicate"
          + " vectors do that to HNSW's neighbour selection); added {} links in {} ms so that every document can be"
          + " found", size, copy.linksAdded, (System.nanoTime() - start) / 1_000_000);
    }
    return copy;
  }

  /**
   * Makes level 0 strongly connected through the entry node, so that a search from wherever the upper levels lead can
   * reach every document. HNSW's neighbour selection keeps a candidate only if it is closer to the node than to the
   * neighbours already kept; among duplicate or near-duplicate vectors (a catalog of variants, an item tower that maps
   * many items to one point) that leaves groups linked only among themselves, so a search returns fewer than k
   * documents, or misses the best ones, however far it explores (apache/lucene#12627, #13611).
   *
   * <p>Forward: every node not reachable from the entry node gets a link from the nearest node that is; backward:
   * every node that cannot reach the entry node gets a link to the nearest node that can. Each added link brings a
   * whole group along, so the links added are about the number of such groups.
   *
   * @return the links added
   */
  private int connect(LeafColumns columns) throws IOException {
    if (size == 0) {
      return 0;
    }
    int added = 0;
    int[] queue = new int[size];
    FixedBitSet reached = new FixedBitSet(size);
    reach(entryNode, level0, reached, queue);
    if (size - reached.cardinality() > MAX_UNREACHED_SHARE * size) {
      degenerate = true; // linking it would take seconds and leave a chain, not a graph: scan the segment instead
      return 0;
    }
    for (int u = 0; u < size; u++) {
      if (!reached.get(u)) {
        int from = nearest(columns, u, reached);
        level0[from] = append(level0[from], u);
        added++;
        reach(u, level0, reached, queue);
      }
    }
    int[][] reverse = reverse(level0);
    FixedBitSet reaches = new FixedBitSet(size);
    reach(entryNode, reverse, reaches, queue);
    for (int v = 0; v < size; v++) {
      if (!reaches.get(v)) {
        int to = nearest(columns, v, reaches);
        level0[v] = append(level0[v], to);
        added++;
        reach(v, reverse, reaches, queue); // v reaches the entry now, and so does everything that reaches v
      }
    }
    return added;
  }

  /** Marks, in {@code seen}, the nodes reachable from {@code start} along {@code edges} that it did not hold. */
  private static void reach(int start, int[][] edges, FixedBitSet seen, int[] queue) {
    if (seen.getAndSet(start)) {
      return;
    }
    int head = 0;
    int tail = 0;
    queue[tail++] = start;
    while (head < tail) {
      for (int next : edges[queue[head++]]) {
        if (!seen.getAndSet(next)) {
          queue[tail++] = next;
        }
      }
    }
  }

  private static int[][] reverse(int[][] edges) {
    int[] degree = new int[edges.length];
    for (int[] out : edges) {
      for (int to : out) {
        degree[to]++;
      }
    }
    int[][] reverse = new int[edges.length][];
    for (int node = 0; node < edges.length; node++) {
      reverse[node] = new int[degree[node]];
    }
    int[] fill = new int[edges.length];
    for (int node = 0; node < edges.length; node++) {
      for (int to : edges[node]) {
        reverse[to][fill[to]++] = node;
      }
    }
    return reverse;
  }

  /** The node among {@code allowed} with the largest inner product with {@code node}: a graph search, else a scan. */
  private int nearest(LeafColumns columns, int node, FixedBitSet allowed) throws IOException {
    float[] q = Arrays.copyOfRange(columns.vectors, node * columns.dim, (node + 1) * columns.dim);
    ScoreDoc[] found = search(columns, q, CONNECT_EF, allowed);
    if (found.length > 0) {
      return found[0].doc;
    }
    int best = -1;
    float bestScore = Float.NEGATIVE_INFINITY;
    for (int other = allowed.nextSetBit(0); other != DocIdSetIterator.NO_MORE_DOCS;
        other = other + 1 < size ? allowed.nextSetBit(other + 1) : DocIdSetIterator.NO_MORE_DOCS) {
      float score = columns.dot(other, q);
      if (score > bestScore) {
        bestScore = score;
        best = other;
      }
    }
    return best;
  }

  private static int[] append(int[] list, int node) {
    int[] out = Arrays.copyOf(list, list.length + 1);
    out[list.length] = node;
    return out;
  }

  /** Reads neighbour lists out of the codec's graph through one growing scratch buffer. */
  private static final class NeighbourReader {
    private final HnswGraph graph;
    private int[] buffer = new int[64];

    NeighbourReader(HnswGraph graph) {
      this.graph = graph;
    }

    int[] read(int level, int node) throws IOException {
      graph.seek(level, node);
      int n = 0;
      for (int nb = graph.nextNeighbor(); nb != DocIdSetIterator.NO_MORE_DOCS; nb = graph.nextNeighbor()) {
        if (n == buffer.length) {
          buffer = Arrays.copyOf(buffer, n * 2);
        }
        buffer[n++] = nb;
      }
      return Arrays.copyOf(buffer, n);
    }
  }

  /**
   * The best {@code ef} documents for {@code q} by inner product among those {@code accept} lets through (null:
   * all), as (document, inner product) pairs best first.
   */
  ScoreDoc[] search(LeafColumns columns, float[] q, int ef, Bits accept) throws IOException {
    RandomVectorScorer scorer = new RandomVectorScorer() {
      @Override
      public float score(int node) {
        return columns.dot(node, q);
      }

      @Override
      public int maxOrd() {
        return size;
      }
    };
    TopKnnCollector collector = new TopKnnCollector(ef, Integer.MAX_VALUE);
    HnswGraphSearcher.search(scorer, collector, new Cursor(), accept);
    return collector.topDocs().scoreDocs;
  }

  /** One search's position in the shared graph (HnswGraph is a cursor; the arrays are shared read-only). */
  private final class Cursor extends HnswGraph {
    private int[] current = NONE;
    private int next;

    @Override
    public void seek(int level, int target) {
      if (level == 0) {
        current = level0[target];
      } else {
        int at = Arrays.binarySearch(upperNodes[level - 1], target);
        current = at >= 0 ? upperNeighbours[level - 1][at] : NONE;
      }
      next = 0;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public int nextNeighbor() {
      return next < current.length ? current[next++] : DocIdSetIterator.NO_MORE_DOCS;
    }

    @Override
    public int numLevels() {
      return upperNodes.length + 1;
    }

    @Override
    public int entryNode() {
      return entryNode;
    }

    @Override
    public NodesIterator getNodesOnLevel(int level) {
      if (level == 0) {
        return new ArrayNodesIterator(size);
      }
      int[] nodes = upperNodes[level - 1];
      return new ArrayNodesIterator(nodes, nodes.length);
    }
  }
}
