package io.streamrec.jobs.feature;

import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.features.ItemFeatureState;
import io.streamrec.core.features.TrendingFeatures;
import io.streamrec.core.features.UserFeatureState;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureWrite;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;

/**
 * How each kind of feature state becomes a store write (the sinks' element converters; {@link #user} and
 * {@link #item} also for writing replayed state, as the pipeline benchmark does).
 */
public final class StoreWrites {
  /** A user record outlives its last event by this long, like the user state in the job. */
  static final Duration USER_TTL = Duration.ofDays(30);

  private StoreWrites() {}

  static final class Users implements ElementConverter<UserFeatureState, FeatureWrite> {
    private static final long serialVersionUID = 1L;

    @Override
    public FeatureWrite apply(UserFeatureState s, SinkWriter.Context context) {
      return user(s);
    }
  }

  /** The store write of a user's state. */
  public static FeatureWrite user(UserFeatureState s) {
    // The recent list is also merged as bounded map entries, the store's own list operation (see NewestEntries):
    // the full set each time, so a write is complete on its own and replays are idempotent.
    return FeatureWrite.upsert(new FeatureKey(StoreLayout.UserBins.SET, s.userId), withoutRecent(s), s.storeVersion(),
            USER_TTL)
        .withMapMerge(new FeatureWrite.NewestEntries(
            StoreLayout.UserBins.RECENT, s.recentEntries(), UserFeatureState.MAX_RECENT));
  }

  /** The store write of an item's state. */
  public static FeatureWrite item(ItemFeatureState s) {
    return FeatureWrite.upsert(new FeatureKey(StoreLayout.ItemBins.SET, s.itemId), s.toBins(), s.storeVersion(),
        Duration.ZERO);
  }

  private static java.util.Map<String, Object> withoutRecent(UserFeatureState s) {
    java.util.Map<String, Object> bins = new java.util.HashMap<>(s.toBins());
    bins.remove(StoreLayout.UserBins.RECENT);
    return bins;
  }

  static final class Items implements ElementConverter<ItemFeatureState, FeatureWrite> {
    private static final long serialVersionUID = 1L;

    @Override
    public FeatureWrite apply(ItemFeatureState s, SinkWriter.Context context) {
      return item(s);
    }
  }

  static final class Trending implements ElementConverter<TrendingUpdate, FeatureWrite> {
    private static final long serialVersionUID = 1L;
    private final TrendingFeatures trending;
    private final String set;

    /** Boards of {@code set}: {@link StoreLayout.Trending#SET} or {@link StoreLayout.Fresh#SET}. */
    Trending(TrendingFeatures trending, String set) {
      this.trending = trending;
      this.set = set;
    }

    @Override
    public FeatureWrite apply(TrendingUpdate u, SinkWriter.Context context) {
      return FeatureWrite.upsert(new FeatureKey(set, u.region), trending.toBins(u.board, u.updatedAt), u.version,
          Duration.ZERO);
    }
  }
}
