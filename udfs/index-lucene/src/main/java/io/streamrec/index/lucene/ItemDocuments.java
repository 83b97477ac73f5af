package io.streamrec.index.lucene;

import io.streamrec.core.index.ItemAttributes;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.SortedSetDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.BytesRef;

/**
 * How an item is laid out as a Lucene document. Every filter attribute is indexed (so a plain filtered
 * {@code KnnFloatVectorQuery} works on the index, e.g. from Luke or a test) and also kept as doc values, from which
 * {@link LeafColumns} builds the per-segment columns the search planner uses.
 */
final class ItemDocuments {
  static final String ID = "id";
  static final String VECTOR = "vector";
  static final String IN_STOCK = "in_stock";
  static final String REGION = "region";
  /** The region term of an item with no regions, which is sold everywhere. */
  static final String EVERYWHERE = "*";
  static final String MIN_AGE = "min_age";
  static final String CATEGORY = "category";

  /**
   * Maximum inner product: the towers emit unit vectors, for which it equals the cosine, and unlike Lucene's
   * DOT_PRODUCT it stays correct (and its scores positive) for a vector that is not normalised.
   */
  static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;

  private ItemDocuments() {}

  static Term idTerm(String itemId) {
    return new Term(ID, itemId);
  }

  static Document document(String itemId, float[] vector, ItemAttributes a) {
    Document d = new Document();
    d.add(new StringField(ID, itemId, Field.Store.NO));
    d.add(new SortedDocValuesField(ID, new BytesRef(itemId)));
    d.add(new KnnFloatVectorField(VECTOR, vector, SIMILARITY));
    d.add(new IntField(IN_STOCK, a.inStock() ? 1 : 0, Field.Store.NO));
    if (a.regions().isEmpty()) {
      d.add(new StringField(REGION, EVERYWHERE, Field.Store.NO));
      d.add(new SortedSetDocValuesField(REGION, new BytesRef(EVERYWHERE)));
    } else {
      for (String r : a.regions()) {
        d.add(new StringField(REGION, r, Field.Store.NO));
        d.add(new SortedSetDocValuesField(REGION, new BytesRef(r)));
      }
    }
    d.add(new IntField(MIN_AGE, a.minAge(), Field.Store.NO));
    d.add(new StringField(CATEGORY, a.category(), Field.Store.NO));
    d.add(new SortedDocValuesField(CATEGORY, new BytesRef(a.category())));
    d.add(new NumericDocValuesField("price_bits", Double.doubleToLongBits(a.price())));
    return d;
  }

  /**
   * Lucene's score for a raw inner product under {@link #SIMILARITY} is {@code 1/(1-dot)} below zero and
   * {@code dot+1} above; this inverts it so callers see the inner product itself.
   */
  static float innerProduct(float luceneScore) {
    return luceneScore < 1f ? 1f - 1f / luceneScore : luceneScore - 1f;
  }
}
