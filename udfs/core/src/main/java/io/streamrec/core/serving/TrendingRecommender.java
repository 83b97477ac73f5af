package io.streamrec.core.serving;

import io.streamrec.core.contract.RecRequest;
import io.streamrec.core.contract.RecResponse;
import io.streamrec.core.contract.RecResponse.RecItem;
import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.features.TrendingFeatures;
import io.streamrec.core.features.TrendingFeatures.TrendingList;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureRecord;
import io.streamrec.core.store.FeatureStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The first serving strategy: trending items in the user's region, topped up from the global list, minus what the
 * user bought and what the request excludes. It is also what richer strategies fall back to when they degrade.
 */
public final class TrendingRecommender {

  public static final String MODEL_VERSION = "trending-v1";
  public static final String SOURCE_REGION = "trending_region";
  public static final String SOURCE_GLOBAL = "trending_global";

  private final FeatureStore store;

  public TrendingRecommender(FeatureStore store) {
    this.store = store;
  }

  /** The region a request is served for: the request's, else the session's, else the global list. */
  public static String regionFor(RecRequest request, SessionState session) {
    if (request.region != null) {
      return request.region;
    }
    if (session != null && session.region != null) {
      return session.region;
    }
    return StoreLayout.GLOBAL_REGION;
  }

  public RecResponse recommend(RecRequest request, SessionState session) {
    long start = System.nanoTime();
    String region = regionFor(request, session);
    FeatureKey regionKey = TrendingFeatures.key(region);
    FeatureKey globalKey = TrendingFeatures.key(StoreLayout.GLOBAL_REGION);

    Map<FeatureKey, FeatureRecord> lists;
    try {
      lists = store.getAll(List.of(regionKey, globalKey)); // one round trip for both lists
    } catch (RuntimeException e) {
      return new RecResponse(request.requestId, request.userId, List.of(), models(), true,
          "feature store unavailable: " + e.getMessage(), null, timings(start, start));
    }
    long afterStore = System.nanoTime();

    Set<String> skip = new HashSet<>(Arrays.asList(request.exclude));
    if (session != null) {
      skip.addAll(session.bought());
    }
    List<RecItem> items = new ArrayList<>(request.k);
    Set<String> taken = new HashSet<>();
    FeatureRecord regional = lists.get(regionKey);
    FeatureRecord global = lists.get(globalKey);
    try {
      if (regional != null && !regionKey.equals(globalKey)) {
        take(TrendingList.fromRecord(region, regional), SOURCE_REGION, request, skip, taken, items);
      }
      if (global != null) {
        take(TrendingList.fromRecord(StoreLayout.GLOBAL_REGION, global), SOURCE_GLOBAL, request, skip, taken,
            items);
      }
    } catch (RuntimeException corrupt) {
      // A malformed record in the store must not take serving down: answer with what was read so far.
      return new RecResponse(request.requestId, request.userId, items, models(), true,
          "unreadable trending record: " + corrupt.getMessage(), null, timings(start, afterStore));
    }

    String reason = null;
    if (items.isEmpty()) {
      reason = regional == null && global == null
          ? "no trending items known yet"
          : "every trending item was filtered out (bought or excluded)";
    } else if (regional == null && !regionKey.equals(globalKey)) {
      reason = "no trending list for region '" + region + "' yet; served the global list";
    }
    return new RecResponse(request.requestId, request.userId, items, models(), reason != null, reason, null,
        timings(start, afterStore));
  }

  private static void take(TrendingList list, String source, RecRequest request, Set<String> skip,
      Set<String> taken, List<RecItem> out) {
    for (int i = 0; i < list.items().size() && out.size() < request.k; i++) {
      String item = list.items().get(i);
      if (skip.contains(item) || !taken.add(item)) {
        continue;
      }
      out.add(new RecItem(item, list.countAt(i, request.ts), out.size() + 1, List.of(source)));
    }
  }

  private static RecResponse.Models models() {
    return new RecResponse.Models(MODEL_VERSION, "none");
  }

  private static Map<String, Double> timings(long start, long afterStore) {
    Map<String, Double> t = new LinkedHashMap<>();
    t.put("store", (afterStore - start) / 1e6);
    t.put("total", (System.nanoTime() - start) / 1e6);
    return t;
  }
}
