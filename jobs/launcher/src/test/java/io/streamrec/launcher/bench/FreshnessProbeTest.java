package io.streamrec.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.features.UserFeatureState;
import io.streamrec.core.store.EmbeddedFeatureStore;
import io.streamrec.core.store.FeatureKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FreshnessProbeTest {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final EmbeddedFeatureStore store = EmbeddedFeatureStore.isolated(System::currentTimeMillis);
  private final FreshnessProbe probe =
      new FreshnessProbe(store, Duration.ofMillis(5), Duration.ofSeconds(10), nanos::get);

  private void storeRecent(String user, long version, String... eventIds) {
    Map<String, Object> recent = new java.util.HashMap<>();
    for (String id : eventIds) {
      recent.put(UserFeatureState.recentKey(id), List.of(1L, "item-1", "view")); // as the feature job keys them
    }
    store.upsert(new FeatureKey(StoreLayout.UserBins.SET, user), Map.of(StoreLayout.UserBins.RECENT, recent),
        version, Duration.ZERO);
  }

  @Test
  void anEventCountsFromItsIntendedSendTimeUntilTheStoreListsIt() throws Exception {
    probe.expect("u1", "e1", nanos.get());
    nanos.addAndGet(100_000_000L);
    probe.pollOnce();
    assertThat(probe.outstanding()).isEqualTo(1);

    storeRecent("u1", 1, "e0"); // the user's record exists, but not with this event yet
    nanos.addAndGet(100_000_000L);
    probe.pollOnce();
    assertThat(probe.outstanding()).isEqualTo(1);

    storeRecent("u1", 2, "e0", "e1");
    nanos.addAndGet(50_000_000L);
    probe.pollOnce();
    FreshnessProbe.Result r = probe.finish(Duration.ZERO);
    assertThat(r.seen()).isEqualTo(1);
    assertThat(r.lost()).isZero();
    assertThat(r.lowerBound()).isFalse();
    assertThat(r.percentileMs(99)).isBetween(249.0, 251.0);
  }

  @Test
  void eventsNeverSeenCountAsLostWithTheirAgeSoPercentilesBecomeLowerBounds() throws Exception {
    probe.expect("u1", "e1", nanos.get());
    probe.expect("u2", "e2", nanos.get());
    storeRecent("u1", 1, "e1");
    nanos.addAndGet(20_000_000L);
    probe.pollOnce();
    nanos.addAndGet(11_000_000_000L); // past the 10 s give-up
    probe.pollOnce();
    FreshnessProbe.Result r = probe.finish(Duration.ZERO);
    assertThat(r.expected()).isEqualTo(2);
    assertThat(r.seen()).isEqualTo(1);
    assertThat(r.lost()).isEqualTo(1);
    assertThat(r.lowerBound()).isTrue();
    assertThat(r.maxMs()).isBetween(11_000.0, 11_030.0);
    assertThat(r.percentileMs(50)).isBetween(19.9, 20.1);
  }

  @Test
  void eventsStillOutstandingWhenFinishedAreLostToo() throws Exception {
    probe.expect("u9", "e9", nanos.get());
    nanos.addAndGet(3_000_000_000L);
    FreshnessProbe.Result r = probe.finish(Duration.ofMillis(1));
    assertThat(r.lost()).isEqualTo(1);
    assertThat(r.maxMs()).isBetween(2_990.0, 3_010.0);
  }

  @Test
  void thePollerThreadFindsEventsOnItsOwn() throws Exception {
    FreshnessProbe live = new FreshnessProbe(store, Duration.ofMillis(1), Duration.ofSeconds(10)).start();
    live.expect("u3", "e3", System.nanoTime());
    storeRecent("u3", 1, "e3");
    FreshnessProbe.Result r = live.finish(Duration.ofSeconds(5));
    assertThat(r.seen()).isEqualTo(1);
    assertThat(r.percentileMs(100)).isLessThan(5_000.0);
  }
}
