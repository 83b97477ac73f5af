package io.streamrec.launcher.eval;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureRecord;
import io.streamrec.core.store.FeatureVersion;
import java.util.HashMap;
import java.util.Map;

/**
 * Whether the online feature store holds what a replay implies: every user's and every item's record must be at
 * least as new (by the event time in its version) as the last replayed interaction of that user or item.
 *
 * <p>Consumer lag 0 says the jobs have <i>read</i> everything; the feature job then still writes each key at most
 * once per flush interval, asynchronously. This is the check that the writes have landed, so no request is answered
 * from features a few hundred milliseconds short of the replay.
 */
public final class StoreCatchUp {

  private final Map<FeatureKey, Long> expected;

  private StoreCatchUp(Map<FeatureKey, Long> expected) {
    this.expected = Map.copyOf(expected);
  }

  /** The newest event time each user and item record must reach after {@code replay}. */
  public static StoreCatchUp of(TrainingReplay replay) {
    Map<FeatureKey, Long> expected = new HashMap<>();
    for (Interaction i : replay.interactions()) {
      expected.merge(new FeatureKey(StoreLayout.UserBins.SET, i.userId), i.ts, Math::max);
      expected.merge(new FeatureKey(StoreLayout.ItemBins.SET, i.itemId), i.ts, Math::max);
    }
    return new StoreCatchUp(expected);
  }

  public Map<FeatureKey, Long> expected() {
    return expected;
  }

  /** How many records in {@code records} (read for {@link #expected()}'s keys) are missing or older than expected. */
  public int behind(Map<FeatureKey, FeatureRecord> records) {
    int n = 0;
    for (Map.Entry<FeatureKey, Long> e : expected.entrySet()) {
      FeatureRecord r = records.get(e.getKey());
      if (r == null || FeatureVersion.eventTime(r.version()) < e.getValue()) {
        n++;
      }
    }
    return n;
  }
}
