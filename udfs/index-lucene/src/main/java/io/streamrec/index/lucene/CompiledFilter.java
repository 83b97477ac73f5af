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
  /** The segment {@link #excludedDocs} were resolved for (a filter serves one search, on one thread). */
  private LeafColumns excludedLeaf;
  private int[] excludedDocs;
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

  /**
   * True if the document is one of the excluded ids. The ids are resolved to the segment's documents once per
   * segment (a sorted array, binary-searched): probing a set of strings with each candidate's id read the id's
   * String from memory, a cache miss per check, and was a seventh of serving's CPU in a JFR profile.
   */
  boolean excluded(LeafColumns c, int doc) {
    if (excludes.isEmpty()) {
      return false;
    }
    if (c != excludedLeaf) {
      int[] docs = new int[excludes.size()];
      int n = 0;
      for (String id : excludes) {
        int d = c.docOf(id);
        if (d >= 0) {
          docs[n++] = d;
        }
      }
      excludedDocs = java.util.Arrays.copyOf(docs, n);
      java.util.Arrays.sort(excludedDocs);
      excludedLeaf = c;
    }
    return excludedDocs.length > 0 && java.util.Arrays.binarySearch(excludedDocs, doc) >= 0;
  }

  /** The filter without the excluded ids: column checks only, from the packed column when it suffices. */
  boolean acceptAttributes(LeafColumns c, int doc) {
    int p = c.packed[doc];
    if (inStockOnly && (p & 1) == 0) {
      return false;
    }
    int age = (p >>> 1) & LeafColumns.AGE_OVERFLOW;
    if ((age == LeafColumns.AGE_OVERFLOW ? c.minAge[doc] : age) > maxMinAge) {
      return false;
    }
    if (hasRegion) {
      int reg = p >>> 21;
      if (reg == LeafColumns.REGION_OVERFLOW) {
        int[] r = c.regions[doc];
        if (r != null && !contains(r, region)) {
          return false;
        }
      } else if (reg != 0 && reg - 1 != region) {
        return false;
      }
    }
    if (categories != null) {
      int cat = (p >>> 9) & LeafColumns.CATEGORY_OVERFLOW;
      if (cat == LeafColumns.CATEGORY_OVERFLOW) {
        cat = c.category[doc];
      }
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
