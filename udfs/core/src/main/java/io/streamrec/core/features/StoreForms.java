package io.streamrec.core.features;

import io.streamrec.core.contract.StoreLayout.UserBins;
import io.streamrec.core.store.FeatureWrite;
import io.streamrec.core.store.RecordForm;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The store records of user and item features in their compact form ({@link RecordForm}): the state codecs'
 * format ({@link FeatureStateCodecs}) without the duplicate-detection ids, a few hundred bytes per record. Their
 * bins are exactly what {@link UserFeatureState#toBins} and {@link ItemFeatureState#toBins} define, so a backend
 * that stores bins holds the same record.
 */
public final class StoreForms {
  private StoreForms() {}

  /** User records: the bins of {@link UserFeatureState#toBins}, with {@code recent} as a bounded map merge. */
  public static final RecordForm<UserFeatureState> USERS = new Users();
  /** Item records: the bins of {@link ItemFeatureState#toBins}. */
  public static final RecordForm<ItemFeatureState> ITEMS = new Items();

  private static final class Users implements RecordForm<UserFeatureState> {
    private static final long serialVersionUID = 1L;
    private static final FeatureStateCodecs.Users CODEC = new FeatureStateCodecs.Users(false);

    @Override
    public void write(UserFeatureState value, DataOutput out) throws IOException {
      CODEC.write(value, out);
    }

    @Override
    public UserFeatureState read(DataInput in) throws IOException {
      return CODEC.read(in, CODEC.version());
    }

    /**
     * Every bin but {@code recent}, which goes as bounded map entries, the store's own list operation (see
     * NewestEntries): the full set each time, so a write is complete on its own and replays are idempotent.
     */
    @Override
    public Map<String, Object> bins(UserFeatureState s) {
      Map<String, Object> bins = new HashMap<>(s.toBins());
      bins.remove(UserBins.RECENT);
      return bins;
    }

    @Override
    public List<FeatureWrite.NewestEntries> mapMerges(UserFeatureState s) {
      return List.of(new FeatureWrite.NewestEntries(UserBins.RECENT, s.recentEntries(), UserFeatureState.MAX_RECENT));
    }

    private Object readResolve() {
      return USERS;
    }
  }

  private static final class Items implements RecordForm<ItemFeatureState> {
    private static final long serialVersionUID = 1L;
    private static final FeatureStateCodecs.Items CODEC = new FeatureStateCodecs.Items(false);

    @Override
    public void write(ItemFeatureState value, DataOutput out) throws IOException {
      CODEC.write(value, out);
    }

    @Override
    public ItemFeatureState read(DataInput in) throws IOException {
      return CODEC.read(in, CODEC.version());
    }

    @Override
    public Map<String, Object> bins(ItemFeatureState s) {
      return s.toBins();
    }

    private Object readResolve() {
      return ITEMS;
    }
  }
}
