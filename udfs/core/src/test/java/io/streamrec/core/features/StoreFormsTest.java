package io.streamrec.core.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.codec.Bytes;
import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.store.BinValues;
import io.streamrec.core.store.EmbeddedFeatureStore;
import io.streamrec.core.store.EncodedRecord;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureRecord;
import io.streamrec.core.store.FeatureWrite;
import io.streamrec.core.store.RecordForm;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The compact store forms against the bins they stand for: a record written encoded reads the same, through its
 * bins and through the views serving builds, as the same state written as a bins upsert.
 */
class StoreFormsTest {
  private static final long NOW = FeatureStateCodecsTest.T0 + 11L * 24 * 3600 * 1000;

  private static <T> EncodedRecord encode(RecordForm<T> form, T value) throws Exception {
    Bytes.Writer out = new Bytes.Writer(16); // small on purpose: the buffer must grow
    form.write(value, out);
    return new EncodedRecord(form, out.toByteArray());
  }

  private static FeatureRecord stored(FeatureWrite w) {
    EmbeddedFeatureStore store = EmbeddedFeatureStore.isolated(() -> 0L);
    store.writeAll(List.of(w)).join();
    return store.readAll(List.of(w.key())).join().get(w.key());
  }

  @Test
  void aUserRecordReadsTheSameEncodedAndAsBins() throws Exception {
    Random r = new Random(7);
    for (int events : new int[] {0, 1, 5, 60, 400}) {
      UserFeatureState s = FeatureStateCodecsTest.user(r, events);
      FeatureKey key = new FeatureKey(StoreLayout.UserBins.SET, s.userId);
      FeatureWrite encoded = FeatureWrite.encoded(key, encode(StoreForms.USERS, s), s.storeVersion(),
          Duration.ofDays(30));
      FeatureWrite asBins = FeatureWrite.upsert(key, StoreForms.USERS.bins(s), s.storeVersion(), Duration.ofDays(30))
          .withMapMerge(StoreForms.USERS.mapMerges(s).get(0));
      BinValues.check(asBins);
      // What a bins backend is handed.
      assertThat(encoded.bins()).isEqualTo(asBins.bins());
      assertThat(encoded.mapMerges()).isEqualTo(asBins.mapMerges());

      FeatureRecord fromEncoded = stored(encoded);
      FeatureRecord fromBins = stored(asBins);
      assertThat(fromEncoded.encoded()).isNotNull();
      assertThat(fromBins.encoded()).isNull();
      assertThat(fromEncoded).isEqualTo(fromBins);
      UserFeatureView a = UserFeatureState.viewOf(s.userId, fromEncoded, NOW);
      UserFeatureView b = UserFeatureState.viewOf(s.userId, fromBins, NOW);
      assertThat(a.asMap()).isEqualTo(b.asMap());
      assertThat(a.recentItems()).isEqualTo(b.recentItems());
      assertThat(a.bought()).isEqualTo(b.bought());
      assertThat(a.region()).isEqualTo(b.region());
    }
  }

  @Test
  void anItemRecordReadsTheSameEncodedAndAsBins() throws Exception {
    Random r = new Random(11);
    for (int events : new int[] {0, 1, 7, 90}) {
      ItemFeatureState s = FeatureStateCodecsTest.item(r, events);
      FeatureKey key = new FeatureKey(StoreLayout.ItemBins.SET, s.itemId);
      FeatureWrite encoded = FeatureWrite.encoded(key, encode(StoreForms.ITEMS, s), s.storeVersion(), Duration.ZERO);
      FeatureWrite asBins = FeatureWrite.upsert(key, s.toBins(), s.storeVersion(), Duration.ZERO);
      BinValues.check(asBins);
      assertThat(encoded.bins()).isEqualTo(asBins.bins());

      FeatureRecord fromEncoded = stored(encoded);
      FeatureRecord fromBins = stored(asBins);
      assertThat(fromEncoded).isEqualTo(fromBins);
      assertThat(ItemFeatureState.viewOf(s.itemId, fromEncoded, NOW).asMap())
          .isEqualTo(ItemFeatureState.viewOf(s.itemId, fromBins, NOW).asMap());
    }
  }

  @Test
  void theStoreFormLeavesTheDuplicateIdsOut() throws Exception {
    UserFeatureState s = FeatureStateCodecsTest.user(new Random(3), 300);
    assertThat(s.seenEvents.hashes).hasSize(UserFeatureState.DEDUP_WINDOW);
    int stateBytes = FeatureStateCodecsTest.encode(new FeatureStateCodecs.Users(), s).length;
    int recordBytes = encode(StoreForms.USERS, s).size();
    assertThat(recordBytes).isLessThanOrEqualTo(stateBytes - UserFeatureState.DEDUP_WINDOW * 8);
    EncodedRecord record = encode(StoreForms.USERS, s);
    assertThat(record.decode(StoreForms.ITEMS)).as("a record decodes only with its own form").isNull();
    assertThat(record.decode(StoreForms.USERS).recentItems).isEqualTo(s.recentItems);
  }
}
