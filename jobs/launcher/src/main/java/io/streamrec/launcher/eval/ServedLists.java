package io.streamrec.launcher.eval;

import io.streamrec.core.contract.RecResponse;
import io.streamrec.datasets.eval.Recommender;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the running system served, one response per evaluated user, and what the responses say about how it was
 * served: degraded answers and their reasons, the retrieval sources behind the served items, the retrieval model.
 *
 * <p>As a {@link Recommender} it returns the served list as it is: the system did its own filtering, so an item the
 * user had bought before (which the protocol never counts as relevant) is the system's miss, not removed here.
 */
public final class ServedLists implements Recommender {

  private final String name;
  private final Map<String, RecResponse> byUser = new HashMap<>();
  private int unanswered;

  public ServedLists(String name) {
    this.name = name;
  }

  /** Records the response to the one request sent for {@code userId}. */
  public void add(String userId, RecResponse response) {
    if (byUser.putIfAbsent(userId, response) != null) {
      throw new IllegalArgumentException("a second response for user " + userId);
    }
  }

  /** Records that the request sent for a user got no response in time (it then recommends nothing). */
  public void unanswered() {
    unanswered++;
  }

  public int answered() {
    return byUser.size();
  }

  public int unansweredCount() {
    return unanswered;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<String> recommend(String userId, int k, Set<String> exclude) {
    RecResponse r = byUser.get(userId);
    if (r == null) {
      return List.of();
    }
    return ranked(r).stream().limit(k).map(RecResponse.RecItem::itemId).toList();
  }

  private static List<RecResponse.RecItem> ranked(RecResponse r) {
    List<RecResponse.RecItem> items = new ArrayList<>(r.items());
    items.sort(Comparator.comparingInt(RecResponse.RecItem::rank));
    return items;
  }

  /** Responses marked degraded. */
  public int degraded() {
    return (int) byUser.values().stream().filter(RecResponse::degraded).count();
  }

  /** Responses that carry an error (the request broke the contract). */
  public int errors() {
    return (int) byUser.values().stream().filter(r -> r.error() != null).count();
  }

  /** Degraded responses by reason, most frequent first. */
  public List<Map.Entry<String, Integer>> degradedReasons() {
    Map<String, Integer> counts = new HashMap<>();
    byUser.values().stream().filter(RecResponse::degraded)
        .forEach(r -> counts.merge(r.reason() == null ? "(no reason)" : r.reason(), 1, Integer::sum));
    return sortedByCount(counts);
  }

  /** Responses by retrieval model ("two-tower-v1", or "trending" when no user vector could be made). */
  public List<Map.Entry<String, Integer>> retrievalModels() {
    Map<String, Integer> counts = new HashMap<>();
    byUser.values().forEach(r -> counts.merge(
        r.models() == null || r.models().retrieval() == null ? "(none)" : r.models().retrieval(), 1, Integer::sum));
    return sortedByCount(counts);
  }

  /** Served items in total, over every response. */
  public int servedItems() {
    return byUser.values().stream().mapToInt(r -> r.items().size()).sum();
  }

  /** For each retrieval source, the served items it proposed (an item proposed by several counts for each). */
  public Map<String, Integer> itemsBySource() {
    Map<String, Integer> counts = new TreeMap<>();
    for (RecResponse r : byUser.values()) {
      for (RecResponse.RecItem it : r.items()) {
        it.sources().forEach(s -> counts.merge(s, 1, Integer::sum));
      }
    }
    return counts;
  }

  /** Served items by the exact set of sources that proposed them ("ann+item2item"), most frequent first. */
  public List<Map.Entry<String, Integer>> itemsBySourceSet() {
    Map<String, Integer> counts = new HashMap<>();
    for (RecResponse r : byUser.values()) {
      for (RecResponse.RecItem it : r.items()) {
        List<String> s = new ArrayList<>(it.sources());
        s.sort(Comparator.naturalOrder());
        counts.merge(s.isEmpty() ? "(none)" : String.join("+", s), 1, Integer::sum);
      }
    }
    return sortedByCount(counts);
  }

  /** Served items the user had already bought before the test window (the protocol counts them as misses). */
  public int servedFromHistory(Map<String, Set<String>> history) {
    return servedFromHistoryByUser(history).values().stream().mapToInt(Integer::intValue).sum();
  }

  /** {@link #servedFromHistory} per user, for the users it happened to. */
  public Map<String, Integer> servedFromHistoryByUser(Map<String, Set<String>> history) {
    Map<String, Integer> out = new TreeMap<>();
    for (Map.Entry<String, RecResponse> e : byUser.entrySet()) {
      Set<String> bought = history.getOrDefault(e.getKey(), Set.of());
      for (RecResponse.RecItem it : e.getValue().items()) {
        if (bought.contains(it.itemId())) {
          out.merge(e.getKey(), 1, Integer::sum);
        }
      }
    }
    return out;
  }

  /** Users both answered whose served lists are identical, item for item, in order. */
  public int identicalLists(ServedLists other) {
    int n = 0;
    for (Map.Entry<String, RecResponse> e : byUser.entrySet()) {
      RecResponse o = other.byUser.get(e.getKey());
      if (o != null && ids(ranked(o)).equals(ids(ranked(e.getValue())))) {
        n++;
      }
    }
    return n;
  }

  private static List<String> ids(List<RecResponse.RecItem> items) {
    return items.stream().map(RecResponse.RecItem::itemId).toList();
  }

  /** "ann 61.2 %, item2item 30.0 %, trending 8.8 %": each source's share of the served items. */
  public String sourceShares() {
    int total = Math.max(1, servedItems());
    List<String> parts = new ArrayList<>();
    itemsBySource().forEach((s, n) -> parts.add(String.format(Locale.ROOT, "%s %.1f %%", s, 100.0 * n / total)));
    return String.join(", ", parts);
  }

  private static List<Map.Entry<String, Integer>> sortedByCount(Map<String, Integer> counts) {
    List<Map.Entry<String, Integer>> out = new ArrayList<>(counts.entrySet());
    out.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    return out;
  }
}
