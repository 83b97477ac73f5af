package io.streamrec.jobs.feature;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.features.ItemFeatureState;
import io.streamrec.core.features.TopNBoard;
import io.streamrec.core.features.TrendingFeatures;
import io.streamrec.core.features.UserFeatureState;
import io.streamrec.core.store.EmbeddedFeatureStore;
import io.streamrec.core.store.FeatureKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Every record the feature job writes expires: users after 30 days, items after a year, boards after a week. */
class StoreWritesTest {

  @Test
  void everyKindOfRecordLeavesTheStoreAfterItsTtlWithoutBeingRead() throws Exception {
    AtomicLong now = new AtomicLong(1_700_000_000_000L);
    EmbeddedFeatureStore store = EmbeddedFeatureStore.isolated(now::get);
    TrendingFeatures trending = new TrendingFeatures(3_600_000L, 10);
    store.writeAll(List.of(
        StoreWrites.user(UserFeatureState.empty("u1")),
        StoreWrites.item(ItemFeatureState.empty("i1")),
        new StoreWrites.Trending(trending, StoreLayout.Trending.SET)
            .apply(TrendingUpdate.of("UK", new TopNBoard(10), now.get(), 1), null),
        new StoreWrites.Trending(trending, StoreLayout.Fresh.SET)
            .apply(TrendingUpdate.of("UK", new TopNBoard(10), now.get(), 1), null))).get();
    long written = now.get();
    assertThat(store.storedRecords()).isEqualTo(4);

    now.set(written + Duration.ofDays(7).toMillis());
    assertThat(store.sweepExpired()).as("both boards, after a week").isEqualTo(2);
    assertThat(store.get(new FeatureKey(StoreLayout.Trending.SET, "UK"))).isEmpty();
    assertThat(store.get(new FeatureKey(StoreLayout.UserBins.SET, "u1"))).isPresent();

    now.set(written + Duration.ofDays(30).toMillis());
    assertThat(store.sweepExpired()).as("the user, after 30 days").isEqualTo(1);

    now.set(written + Duration.ofDays(365).toMillis() - 1);
    assertThat(store.sweepExpired()).isZero();
    now.set(written + Duration.ofDays(365).toMillis());
    assertThat(store.sweepExpired()).as("the item, after a year").isEqualTo(1);
    assertThat(store.storedRecords()).isZero();
  }
}
