package io.streamrec.serving;

import io.streamrec.core.contract.RecResponse;
import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.features.ItemFeatureState;
import io.streamrec.core.features.ItemFeatureView;
import io.streamrec.core.features.TrendingFeatures;
import io.streamrec.core.serving.CandidateFilters;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureRecord;
import io.streamrec.core.store.FeatureStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answer serving gives when the pipeline cannot (pool full, deadline missed, lost in a restore): the region's
 * trending items, checked against the catalog <em>in the background</em> and kept per region, so that answering
 * costs a list copy and no I/O on the caller's thread, with any store backend (an asynchronous one included).
 *
 * <p>Every {@code refresh}, one background thread reads the trending lists of every region asked for so far (at
 * most {@code maxRegions}) and the global one, then the catalog records of their items in one batch, and keeps
 * the items that are in the catalog, in stock, shown in that region and not age-restricted (the fallback does not
 * know the viewer's age, so it is safe for minors). A region seen for the first time gets the global list until
 * the next refresh. The first lists are built in the constructor.
 */
public final class FallbackAnswers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FallbackAnswers.class);
  private static final String GLOBAL = StoreLayout.GLOBAL_REGION;
  private static final Duration FIRST_REFRESH = Duration.ofSeconds(2);

  private final FeatureStore store;
  private final int size;
  private final int maxRegions;
  private final Duration readTimeout;
  private final LongSupplier clock;
  private final Set<String> regions = ConcurrentHashMap.newKeySet();
  private final Map<String, List<String>> answers = new ConcurrentHashMap<>();
  private final ScheduledExecutorService refresher;
  private final AtomicLong refreshes = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();

  /**
   * @param size items kept per region (at least the largest {@code k} a request may ask for)
   * @param refresh how often the lists are rebuilt
   */
  public FallbackAnswers(FeatureStore store, int size, int maxRegions, Duration refresh, LongSupplier clock) {
    this.store = store;
    this.size = size;
    this.maxRegions = maxRegions;
    this.readTimeout = refresh.multipliedBy(2).plusSeconds(1);
    this.clock = clock;
    regions.add(GLOBAL);
    refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "streamrec-fallback-refresh");
      t.setDaemon(true);
      return t;
    });
    // The first lists are built before the constructor returns (bounded, so a store that is down at start costs at
    // most FIRST_REFRESH), so an answer right after start already has them.
    refreshQuietly(Math.min(FIRST_REFRESH.toMillis(), readTimeout.toMillis()));
    long every = Math.max(10, refresh.toMillis());
    refresher.scheduleWithFixedDelay(() -> refreshQuietly(readTimeout.toMillis()), every, every,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Up to {@code k} items for a viewer in {@code region} (null = unknown), best first, without {@code exclude}
   * (the viewer's bought, served and excluded items). Never does I/O; empty until the first refresh completed.
   */
  public List<RecResponse.RecItem> answer(String region, Set<String> exclude, int k) {
    List<String> list = null;
    if (region != null) {
      list = answers.get(region);
      if (list == null && regions.size() < maxRegions) {
        regions.add(region); // the next refresh builds it
      }
    }
    if (list == null) {
      list = answers.getOrDefault(GLOBAL, List.of());
    }
    List<RecResponse.RecItem> out = new ArrayList<>(Math.min(k, list.size()));
    for (String item : list) {
      if (out.size() >= k) {
        break;
      }
      if (!exclude.contains(item)) {
        int rank = out.size() + 1;
        out.add(new RecResponse.RecItem(item, 1.0 / rank, rank, List.of("trending"), RecResponse.RecItem.RETRIEVAL));
      }
    }
    return out;
  }

  /** How many refreshes completed, and failed. */
  public long refreshes() {
    return refreshes.get();
  }

  public long failures() {
    return failures.get();
  }

  private void refreshQuietly(long timeoutMs) {
    try {
      refresh(timeoutMs);
      refreshes.incrementAndGet();
    } catch (Exception e) {
      failures.incrementAndGet();
      LOG.debug("fallback lists not refreshed: {}", e.toString());
    }
  }

  private void refresh(long timeoutMs) throws Exception {
    List<String> names = new ArrayList<>(regions);
    List<FeatureKey> boardKeys = new ArrayList<>(names.size());
    names.forEach(r -> boardKeys.add(TrendingFeatures.key(r)));
    Map<FeatureKey, FeatureRecord> boards =
        store.readAll(boardKeys).get(timeoutMs, TimeUnit.MILLISECONDS);
    Map<String, List<String>> trending = new HashMap<>();
    Set<String> items = new LinkedHashSet<>();
    for (String r : names) {
      FeatureRecord rec = boards.get(TrendingFeatures.key(r));
      if (rec != null) {
        List<String> top = TrendingFeatures.TrendingList.fromRecord(r, rec).items();
        trending.put(r, top);
        items.addAll(top);
      }
    }
    List<FeatureKey> itemKeys = new ArrayList<>(items.size());
    items.forEach(i -> itemKeys.add(new FeatureKey(StoreLayout.ItemBins.SET, i)));
    Map<FeatureKey, FeatureRecord> records = itemKeys.isEmpty() ? Map.of()
        : store.readAll(itemKeys).get(timeoutMs, TimeUnit.MILLISECONDS);
    long now = clock.getAsLong();
    Map<String, ItemFeatureView> views = new HashMap<>();
    records.forEach((k, rec) -> views.put(k.id(), ItemFeatureState.viewOf(k.id(), rec, now)));
    List<String> global = trending.getOrDefault(GLOBAL, List.of());
    for (String r : names) {
      CandidateFilters.Viewer viewer =
          new CandidateFilters.Viewer(GLOBAL.equals(r) ? null : r, null, Set.of(), Set.of(), Set.of());
      List<String> out = new ArrayList<>(size);
      Set<String> taken = new HashSet<>();
      for (List<String> source : List.of(trending.getOrDefault(r, List.of()), global)) {
        for (String item : source) {
          if (out.size() >= size) {
            break;
          }
          if (!taken.contains(item) && CandidateFilters.catalogReason(views.get(item), viewer) == null) {
            taken.add(item);
            out.add(item);
          }
        }
      }
      answers.put(r, List.copyOf(out));
    }
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
