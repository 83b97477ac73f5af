package io.streamrec.jobs.feature;

import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.features.ItemFeatureState;
import io.streamrec.core.features.TrendingFeatures;
import io.streamrec.core.features.UserFeatureState;
import io.streamrec.core.codec.Bytes;
import io.streamrec.core.features.StoreForms;
import io.streamrec.core.store.EncodedRecord;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.RecordForm;
import java.io.IOException;
import java.io.UncheckedIOException;
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
  /**
   * An item record outlives its last catalog update or interaction by this long, like the item state with the
   * default settings: an item nobody touched for a year leaves the store, the index and the job together.
   */
  static final Duration ITEM_TTL = Duration.ofDays(365);
  /**
   * A region's trending or new-items board outlives its last change by this long: a board unchanged for a week
   * holds only decayed scores, and a region that stopped sending events must not keep a record forever.
   */
  static final Duration BOARD_TTL = Duration.ofDays(7);

  private StoreWrites() {}

  static final class Users implements ElementConverter<UserFeatureState, FeatureWrite> {
    private static final long serialVersionUID = 1L;
    private transient Bytes.Writer buffer;

    @Override
    public FeatureWrite apply(UserFeatureState s, SinkWriter.Context context) {
      if (buffer == null) {
        buffer = new Bytes.Writer(1024);
      }
      return user(s, buffer);
    }
  }

  static final class Items implements ElementConverter<ItemFeatureState, FeatureWrite> {
    private static final long serialVersionUID = 1L;
    private transient Bytes.Writer buffer;

    @Override
    public FeatureWrite apply(ItemFeatureState s, SinkWriter.Context context) {
      if (buffer == null) {
        buffer = new Bytes.Writer(512);
      }
      return item(s, buffer);
    }
  }

  /** The store write of a user's state: the whole record in its compact form ({@link StoreForms#USERS}). */
  public static FeatureWrite user(UserFeatureState s) {
    return user(s, new Bytes.Writer(1024));
  }

  /** The store write of an item's state ({@link StoreForms#ITEMS}), expiring {@link #ITEM_TTL} after it. */
  public static FeatureWrite item(ItemFeatureState s) {
    return item(s, new Bytes.Writer(512));
  }

  static FeatureWrite user(UserFeatureState s, Bytes.Writer buffer) {
    return FeatureWrite.encoded(new FeatureKey(StoreLayout.UserBins.SET, s.userId),
        encode(StoreForms.USERS, s, buffer), s.storeVersion(), USER_TTL);
  }

  static FeatureWrite item(ItemFeatureState s, Bytes.Writer buffer) {
    return FeatureWrite.encoded(new FeatureKey(StoreLayout.ItemBins.SET, s.itemId),
        encode(StoreForms.ITEMS, s, buffer), s.storeVersion(), ITEM_TTL);
  }

  private static <T> EncodedRecord encode(RecordForm<T> form, T value, Bytes.Writer buffer) {
    try {
      form.write(value, buffer.reset());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return new EncodedRecord(form, buffer.toByteArray());
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
          BOARD_TTL);
    }
  }
}
