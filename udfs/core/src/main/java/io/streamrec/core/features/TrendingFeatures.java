package io.streamrec.core.features;

import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureRecord;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * "Trending in region": items ranked by their exponentially decayed purchase count in a region (and over all
 * regions). The definition lives here so the feature job, serving and the trainer compute the same thing.
 */
public final class TrendingFeatures implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Defaults: a one-week half-life suits a shop; a feed of short videos wants hours. */
  public static final long DEFAULT_HALF_LIFE_MS = 7L * 24 * 3600 * 1000;
  /** Enough for k = 200 after filtering out what a user bought or excluded. */
  public static final int DEFAULT_BOARD_SIZE = 500;

  private final ExponentialDecay decay;
  private final int boardSize;

  public TrendingFeatures(long halfLifeMs, int boardSize) {
    this.decay = new ExponentialDecay(halfLifeMs);
    if (boardSize < 1) {
      throw new IllegalArgumentException("board size must be >= 1, got " + boardSize);
    }
    this.boardSize = boardSize;
  }

  public static TrendingFeatures defaults() {
    return new TrendingFeatures(DEFAULT_HALF_LIFE_MS, DEFAULT_BOARD_SIZE);
  }

  public ExponentialDecay decay() {
    return decay;
  }

  public int boardSize() {
    return boardSize;
  }

  /** The weight an interaction adds to an item's trending score; 0 means it does not count. */
  public double weight(InteractionType type) {
    return type == InteractionType.PURCHASE ? 1.0 : 0.0;
  }

  /** The regions an interaction counts for: its own (when known) and the global list. */
  public List<String> regionsOf(String region) {
    return region == null ? List.of(StoreLayout.GLOBAL_REGION) : List.of(region, StoreLayout.GLOBAL_REGION);
  }

  public static FeatureKey key(String region) {
    return new FeatureKey(StoreLayout.Trending.SET, region);
  }

  /** The store key of a region's newest-items board ({@link StoreLayout.Fresh}). */
  public static FeatureKey freshKey(String region) {
    return new FeatureKey(StoreLayout.Fresh.SET, region);
  }

  /**
   * The newest-items board: one event per item at its first catalog appearance; a 3-day half-life makes the board's
   * decayed score read as "how new" (1 = just listed).
   */
  public static TrendingFeatures fresh() {
    return new TrendingFeatures(3L * 24 * 3600 * 1000, 200);
  }

  /** The store bins of one region's board. */
  public Map<String, Object> toBins(TopNBoard board, long updatedAt) {
    Map<String, Object> bins = new HashMap<>();
    bins.put(StoreLayout.Trending.ITEMS, board.idList());
    bins.put(StoreLayout.Trending.LOG_SCORES, board.scoreList());
    bins.put(StoreLayout.Trending.HALF_LIFE_MS, decay.halfLifeMs());
    bins.put(StoreLayout.Trending.UPDATED_AT, updatedAt);
    return bins;
  }

  /** A trending list as read back from the store. */
  public record TrendingList(String region, List<String> items, List<Double> logScores, long halfLifeMs) {

    public static TrendingList fromRecord(String region, FeatureRecord record) {
      List<String> items = record.getList(StoreLayout.Trending.ITEMS);
      List<Double> scores = record.getList(StoreLayout.Trending.LOG_SCORES);
      if (items.size() != scores.size()) {
        throw new IllegalStateException(
            "corrupt trending record for " + region + ": " + items.size() + " items, " + scores.size() + " scores");
      }
      return new TrendingList(
          region, items, scores, record.getLong(StoreLayout.Trending.HALF_LIFE_MS, DEFAULT_HALF_LIFE_MS));
    }

    /** The decayed purchase count of entry {@code i} as of {@code ts}. */
    public double countAt(int i, long ts) {
      return new ExponentialDecay(halfLifeMs).valueAt(logScores.get(i), ts);
    }

    public List<String> topItems(int n) {
      return new ArrayList<>(items.subList(0, Math.min(n, items.size())));
    }
  }
}
