package io.streamrec.launcher.bench;

import io.streamrec.core.index.Generation;
import io.streamrec.core.index.Hit;
import io.streamrec.core.index.SearchFilter;
import io.streamrec.core.index.VectorIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * When a reader of the vector index can see an item's new version, for {@link FreshnessProbe}: a sample is an item
 * id ({@code key}) whose new version carries a marker category ({@code token}) that no earlier version of it had.
 * The version is searchable once a search of the active generation filtered to that category returns the item.
 *
 * <p>Why a category: a search returns ids and scores only, and the index keeps the newest vector of an item for
 * item-to-item lookups from the moment it is written, before a refresh makes it searchable; so neither a
 * {@link VectorIndex#similar} lookup nor a score says which version the searcher holds. A category is stored with
 * the document and filtered inside the search, on the same near-real-time searcher that serving reads: the item
 * passes the filter only if the searcher holds the version that carries it. The category is also an input of the
 * item tower, so such a version is a real embedding and upsert like any other change.
 *
 * <p>One search per marker category and poll: {@code categories = {token}}, the items already reported under it
 * excluded, {@code k} = the items ever asked about under it and not yet reported (the exact scan of that category's
 * postings, a few hundred documents, not a graph search). Requirement: an item is sampled at most once per token
 * (a second version with the same marker would pass the filter as soon as the first was searchable).
 *
 * <p>Not thread-safe: the probe's poller thread is its only caller.
 */
final class IndexVisibility implements FreshnessProbe.Visibility {
  private final VectorIndex index;
  private final Map<String, Token> tokens = new HashMap<>();
  private volatile long searches;

  /** Per token: every key ever asked about (outstanding, seen or given up on) and the keys a search returned. */
  private static final class Token {
    final Set<String> asked = new HashSet<>();
    /** Immutable, so that the search filter takes it without copying; replaced when it grows. */
    Set<String> reported = Set.of();
    int unreported;
  }

  IndexVisibility(VectorIndex index) {
    this.index = index;
  }

  @Override
  public Set<FreshnessProbe.Sample> visible(List<FreshnessProbe.Sample> outstanding) {
    Optional<Generation> active = index.active();
    if (active.isEmpty() || outstanding.isEmpty()) {
      return Set.of();
    }
    float[] query = new float[active.get().dimension()];
    query[0] = 1f; // any query: the filter alone decides which items come back
    Map<String, List<FreshnessProbe.Sample>> byToken = new LinkedHashMap<>();
    for (FreshnessProbe.Sample s : outstanding) {
      byToken.computeIfAbsent(s.token(), t -> new ArrayList<>()).add(s);
      Token t = tokens.computeIfAbsent(s.token(), x -> new Token());
      if (t.asked.add(s.key()) && !t.reported.contains(s.key())) {
        t.unreported++;
      }
    }
    Set<FreshnessProbe.Sample> visible = new HashSet<>();
    for (Map.Entry<String, List<FreshnessProbe.Sample>> e : byToken.entrySet()) {
      Token t = tokens.get(e.getKey());
      if (t.unreported <= 0) {
        continue;
      }
      SearchFilter filter = SearchFilter.none().withCategories(Set.of(e.getKey())).withExcludes(t.reported);
      List<Hit> hits = index.searchNow(query, t.unreported, filter);
      searches++;
      if (hits.isEmpty()) {
        continue;
      }
      Set<String> ids = new HashSet<>();
      Set<String> reported = new HashSet<>(t.reported);
      for (Hit h : hits) {
        ids.add(h.itemId());
        if (reported.add(h.itemId()) && t.asked.contains(h.itemId())) {
          t.unreported--;
        }
      }
      t.reported = Set.copyOf(reported);
      for (FreshnessProbe.Sample s : e.getValue()) {
        if (ids.contains(s.key())) {
          visible.add(s);
        }
      }
    }
    return visible;
  }

  /** Searches run so far (for the report: what the probe cost the index). */
  long searches() {
    return searches;
  }
}
