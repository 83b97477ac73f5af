package io.streamrec.index.lucene;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.DocIdSetIterator;

/**
 * One segment's items as plain arrays, built once when a segment first becomes searchable (segments are
 * immutable; deletions come from the reader's live docs at query time). The planner scans these exactly and
 * evaluates filters on them lazily during a graph search, instead of materialising a filter bit set per query.
 */
final class LeafColumns {
  final int maxDoc;
  final int dim;
  /** Row-major vectors, {@code dim} floats per document. */
  final float[] vectors;
  final String[] ids;
  final boolean[] inStock;
  final int[] minAge;
  /** Category ordinals in {@link Dictionary}. */
  final int[] category;
  /** Region ordinals per document; null means sold everywhere. */
  final int[][] regions;
  /**
   * The filter columns of each document in one int, so a filter check reads one cache line instead of four: bit 0
   * in stock, bits 1–8 minimum age ({@link #AGE_OVERFLOW}: read {@link #minAge}), bits 9–20 category ordinal
   * ({@link #CATEGORY_OVERFLOW}: read {@link #category}), bits 21–31 region (0 sold everywhere, else ordinal + 1;
   * {@link #REGION_OVERFLOW}: several or a large ordinal, read {@link #regions}).
   */
  final int[] packed;
  static final int AGE_OVERFLOW = 0xFF;
  static final int CATEGORY_OVERFLOW = 0xFFF;
  static final int REGION_OVERFLOW = 0x7FF;
  /** The document of each id, the one live when the segment was read if it holds several (older, deleted). */
  private final Map<String, Integer> docOfId;
  /** The segment's HNSW graph on the heap, when it was asked for and could be copied (see {@link HeapGraph}). */
  HeapGraph graph;
  /** The segment's inverted-file partition, when it was asked for (see {@link IvfLists}). */
  IvfLists ivf;
  /** k-means iterations when a segment's inverted-file partition is trained. */
  static final int IVF_ITERATIONS = 8;
  /** Document frequencies of the filter terms asked so far (a segment's never change). */
  private final Map<Term, Integer> docFreqs = new ConcurrentHashMap<>();

  private LeafColumns(int maxDoc, int dim) {
    this.maxDoc = maxDoc;
    this.dim = dim;
    this.vectors = new float[maxDoc * dim];
    this.ids = new String[maxDoc];
    this.inStock = new boolean[maxDoc];
    this.minAge = new int[maxDoc];
    this.category = new int[maxDoc];
    this.regions = new int[maxDoc][];
    this.packed = new int[maxDoc];
    this.docOfId = new java.util.HashMap<>(Math.max(4, (int) (maxDoc / 0.75f) + 1));
  }

  /** The document of {@code id} in this segment (see {@link #docOfId}), or -1. */
  int docOf(String id) {
    Integer d = docOfId.get(id);
    return d == null ? -1 : d;
  }

  private void pack(org.apache.lucene.util.Bits live) {
    for (int doc = 0; doc < maxDoc; doc++) {
      int age = minAge[doc] >= 0 && minAge[doc] < AGE_OVERFLOW ? minAge[doc] : AGE_OVERFLOW;
      int cat = category[doc] >= 0 && category[doc] < CATEGORY_OVERFLOW ? category[doc] : CATEGORY_OVERFLOW;
      int[] r = regions[doc];
      int reg = r == null ? 0 : r.length == 1 && r[0] + 1 < REGION_OVERFLOW ? r[0] + 1 : REGION_OVERFLOW;
      packed[doc] = (inStock[doc] ? 1 : 0) | age << 1 | cat << 9 | reg << 21;
      if (ids[doc] != null && (live == null || live.get(doc) || !docOfId.containsKey(ids[doc]))) {
        docOfId.put(ids[doc], doc);
      }
    }
  }

  /** How a large segment is searched when the planner does not scan it exactly. */
  enum Search {
    /** Only exact scans: a small segment. */
    EXACT,
    /** A heap copy of the segment's HNSW graph. */
    GRAPH,
    /** An inverted-file partition with lists of about {@code ivfListDocs} documents. */
    IVF
  }

  /**
   * Reads a segment's columns and, for segments the planner does not always scan, the structure it searches them
   * through: a heap copy of the HNSW graph or an inverted-file partition.
   */
  static LeafColumns read(LeafReader leaf, int dim, Dictionary dict, Search search, int ivfListDocs)
      throws IOException {
    LeafColumns c = new LeafColumns(leaf.maxDoc(), dim);
    FloatVectorValues vectors = leaf.getFloatVectorValues(ItemDocuments.VECTOR);
    int withVectors = 0;
    if (vectors != null) {
      for (int doc = vectors.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = vectors.nextDoc()) {
        System.arraycopy(vectors.vectorValue(), 0, c.vectors, doc * dim, dim);
        withVectors++;
      }
    }
    SortedDocValues ids = DocValues.getSorted(leaf, ItemDocuments.ID);
    for (int doc = ids.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = ids.nextDoc()) {
      c.ids[doc] = ids.lookupOrd(ids.ordValue()).utf8ToString();
    }
    SortedNumericDocValues stock = DocValues.getSortedNumeric(leaf, ItemDocuments.IN_STOCK);
    for (int doc = stock.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = stock.nextDoc()) {
      c.inStock[doc] = stock.nextValue() == 1;
    }
    SortedNumericDocValues age = DocValues.getSortedNumeric(leaf, ItemDocuments.MIN_AGE);
    for (int doc = age.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = age.nextDoc()) {
      c.minAge[doc] = (int) age.nextValue();
    }
    SortedDocValues cat = DocValues.getSorted(leaf, ItemDocuments.CATEGORY);
    int[] catOrds = new int[Math.max(0, cat.getValueCount())];
    for (int o = 0; o < catOrds.length; o++) {
      catOrds[o] = dict.ordinal(cat.lookupOrd(o).utf8ToString());
    }
    for (int doc = cat.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = cat.nextDoc()) {
      c.category[doc] = catOrds[cat.ordValue()];
    }
    SortedSetDocValues reg = DocValues.getSortedSet(leaf, ItemDocuments.REGION);
    int[] regOrds = new int[(int) Math.max(0, reg.getValueCount())];
    for (int o = 0; o < regOrds.length; o++) {
      regOrds[o] = dict.ordinal(reg.lookupOrd(o).utf8ToString());
    }
    int everywhere = dict.ordinal(ItemDocuments.EVERYWHERE);
    for (int doc = reg.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = reg.nextDoc()) {
      int n = reg.docValueCount();
      int[] r = new int[n];
      for (int i = 0; i < n; i++) {
        r[i] = regOrds[(int) reg.nextOrd()];
      }
      c.regions[doc] = n == 1 && r[0] == everywhere ? null : r;
    }
    c.pack(leaf.getLiveDocs());
    if (search == Search.GRAPH) {
      c.graph = HeapGraph.copyOf(leaf, ItemDocuments.VECTOR, c, withVectors);
    } else if (search == Search.IVF) {
      c.ivf = IvfLists.build(c, ivfListDocs, IVF_ITERATIONS);
    }
    return c;
  }

  /**
   * A filter term's documents (deleted ones included: live docs are checked at query time) with their vectors in
   * {@link BlockScores} blocks, for exact scans of the documents a selective filter leaves. Scanning a region's
   * postings decoded them and scored one document at a time (≈ 40 ns per document at 100,000 × 64-d); blocks
   * score 16 at once from contiguous memory.
   */
  static final class TermBlocks {
    /** Document of each block lane; -1 pads the last block. */
    final int[] slotDoc;
    final float[] blocks;

    TermBlocks(int[] slotDoc, float[] blocks) {
      this.slotDoc = slotDoc;
      this.blocks = blocks;
    }

    int blockCount() {
      return slotDoc.length / BlockScores.WIDTH;
    }
  }

  private final Map<Term, TermBlocks> termBlocks = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong termBlockFloats = new java.util.concurrent.atomic.AtomicLong();

  /**
   * The blocks of {@code t}'s documents, built on first use and kept (segments never change), or null once the
   * blocks kept would hold more than twice the segment's vectors (many distinct filter terms, e.g. categories):
   * the caller then scans the postings.
   */
  TermBlocks termBlocks(LeafReader leaf, Term t) throws IOException {
    TermBlocks tb = termBlocks.get(t);
    if (tb != null) {
      return tb;
    }
    int n = docFreq(leaf, t);
    long floats = (long) BlockScores.blocksFor(n) * BlockScores.blockFloats(dim);
    if (termBlockFloats.get() + floats > 2L * vectors.length) {
      return null;
    }
    synchronized (termBlocks) {
      tb = termBlocks.get(t);
      if (tb != null) {
        return tb;
      }
      int[] slotDoc = new int[(int) (floats / dim)];
      java.util.Arrays.fill(slotDoc, -1);
      float[] blocks = new float[(int) floats];
      org.apache.lucene.index.PostingsEnum docs = leaf.postings(t, org.apache.lucene.index.PostingsEnum.NONE);
      int slot = 0;
      if (docs != null) {
        for (int doc = docs.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS && slot < slotDoc.length;
            doc = docs.nextDoc()) {
          BlockScores.putSlot(blocks, slot, vectors, doc * dim, dim);
          slotDoc[slot++] = doc;
        }
      }
      tb = new TermBlocks(slotDoc, blocks);
      termBlocks.put(t, tb);
      termBlockFloats.addAndGet(floats);
      return tb;
    }
  }

  /** The segment's document frequency of {@code t}, looked up in the term dictionary once. */
  int docFreq(LeafReader leaf, Term t) throws IOException {
    Integer n = docFreqs.get(t);
    if (n == null) {
      n = leaf.docFreq(t);
      docFreqs.put(t, n);
    }
    return n;
  }

  /**
   * True when the JVM has the incubating Vector API ({@code --add-modules jdk.incubator.vector}, which the build's
   * Flink JVM flags add): exact scans then use {@link SimdDot}; without it they stay scalar and correct.
   */
  static final boolean SIMD = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  /** Inner product of document {@code doc}'s vector with {@code q}. */
  float dot(int doc, float[] q) {
    if (SIMD) {
      return SimdDot.dot(vectors, doc * dim, q, dim);
    }
    return scalarDot(doc, q);
  }

  float scalarDot(int doc, float[] q) {
    float[] v = vectors;
    int o = doc * dim;
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (; i + 3 < dim; i += 4) {
      s0 += v[o + i] * q[i];
      s1 += v[o + i + 1] * q[i + 1];
      s2 += v[o + i + 2] * q[i + 2];
      s3 += v[o + i + 3] * q[i + 3];
    }
    for (; i < dim; i++) {
      s0 += v[o + i] * q[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Interns category and region strings to small ordinals shared by all segments of a generation. */
  static final class Dictionary {
    private final Map<String, Integer> ords = new ConcurrentHashMap<>();

    int ordinal(String s) {
      return ords.computeIfAbsent(s, k -> ords.size());
    }

    /** The ordinal if the string was ever indexed, else -1 (no document can match it). */
    int lookup(String s) {
      Integer o = ords.get(s);
      return o == null ? -1 : o;
    }
  }
}
