package io.streamrec.index.lucene;

import io.streamrec.core.index.SearchFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.lucene.index.Term;
import org.apache.lucene.util.Bits;

/**
 * A {@link SearchFilter} resolved against a generation's {@link LeafColumns.Dictionary}: a predicate over the
 * columns, plus the terms whose postings enumerate a superset of the matching documents when the filter names a
 * region or categories (so an exact scan visits only those, not the whole segment).
 */
final class CompiledFilter {
  private final boolean inStockOnly;
  private final boolean hasRegion;
  /** −1 when the region was never indexed: only items sold everywhere match. */
  private final int region;
  private final int maxMinAge;
  /** Null for "any category"; else the wanted category ordinals (−1 entries never match). */
  private final boolean[] categories;
  private final Set<String> excludes;
  /** Disjoint terms whose postings cover every match, or null to scan all documents. */
  final List<Term> drivingTerms;
  final boolean matchesEverything;
  /**
   * True if a document taken from the driving postings needs no further check: the filter restricts nothing but
   * the dimension the postings already select (the common "region only" case, scanned without touching the
   * columns).
   */
  final boolean drivingTermsSuffice;

  CompiledFilter(SearchFilter f, LeafColumns.Dictionary dict) {
    inStockOnly = f.inStockOnly();
    hasRegion = f.region() != null;
    region = hasRegion ? dict.lookup(f.region()) : -1;
    maxMinAge = f.maxMinAge();
    excludes = f.excludeIds();
    if (f.categories().isEmpty()) {
      categories = null;
    } else {
      int max = -1;
      List<Integer> ords = new ArrayList<>();
      for (String c : f.categories()) {
        int o = dict.lookup(c);
        if (o >= 0) {
          ords.add(o);
          max = Math.max(max, o);
        }
      }
      categories = new boolean[max + 1];
      ords.forEach(o -> categories[o] = true);
    }
    matchesEverything = f.attributeFree() && excludes.isEmpty();
    boolean noResidual = !inStockOnly && maxMinAge == Integer.MAX_VALUE && excludes.isEmpty();
    drivingTermsSuffice = noResidual && (hasRegion ? categories == null : categories != null);
    if (hasRegion) {
      // An item either lists regions or is sold everywhere ("*"), never both: the two postings are disjoint.
      drivingTerms = region >= 0
          ? List.of(new Term(ItemDocuments.REGION, f.region()), new Term(ItemDocuments.REGION,
              ItemDocuments.EVERYWHERE))
          : List.of(new Term(ItemDocuments.REGION, ItemDocuments.EVERYWHERE));
    } else if (categories != null) {
      drivingTerms = f.categories().stream().sorted().map(c -> new Term(ItemDocuments.CATEGORY, c)).toList();
    } else {
      drivingTerms = null;
    }
  }

  boolean accept(LeafColumns c, int doc) {
    return acceptAttributes(c, doc) && !excluded(c, doc);
  }

  /** True if the document is one of the excluded ids (a hash probe: exact scans ask it only of would-be hits). */
  boolean excluded(LeafColumns c, int doc) {
    return !excludes.isEmpty() && excludes.contains(c.ids[doc]);
  }

  /** The filter without the excluded ids: column checks only. */
  boolean acceptAttributes(LeafColumns c, int doc) {
    if (inStockOnly && !c.inStock[doc]) {
      return false;
    }
    if (c.minAge[doc] > maxMinAge) {
      return false;
    }
    if (hasRegion) {
      int[] r = c.regions[doc];
      if (r != null && !contains(r, region)) {
        return false;
      }
    }
    if (categories != null) {
      int cat = c.category[doc];
      if (cat >= categories.length || !categories[cat]) {
        return false;
      }
    }
    return true;
  }

  /** The documents of a segment a graph search may return: live and passing the filter, evaluated lazily. */
  Bits acceptDocs(LeafColumns c, Bits live) {
    if (matchesEverything) {
      return live;
    }
    return new Bits() {
      @Override
      public boolean get(int doc) {
        return (live == null || live.get(doc)) && accept(c, doc);
      }

      @Override
      public int length() {
        return c.maxDoc;
      }
    };
  }

  private static boolean contains(int[] values, int v) {
    for (int x : values) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }
}
