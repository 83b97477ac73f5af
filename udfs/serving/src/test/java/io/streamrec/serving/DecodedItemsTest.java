package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.ItemOp;
import io.streamrec.core.features.ItemFeatureState;
import io.streamrec.core.features.ItemFeatureView;
import io.streamrec.core.model.RankerFeatures;
import io.streamrec.core.store.FeatureRecord;
import org.junit.jupiter.api.Test;

class DecodedItemsTest {

  private static FeatureRecord record(String id, String title, long ts) {
    Item it = new Item();
    it.itemId = id;
    it.op = ItemOp.UPSERT;
    it.title = title;
    it.category = "mugs";
    it.tags = new String[0];
    it.price = 2.5;
    it.inStock = true;
    it.regions = new String[0];
    it.ts = ts;
    ItemFeatureState s = ItemFeatureState.empty(id);
    s.applyCatalog(it);
    return new FeatureRecord(s.toBins(), s.storeVersion(), Long.MAX_VALUE);
  }

  @Test
  void aNewerVersionOfARecordIsDecodedAgainAndTheSameVersionIsNot() {
    DecodedItems items = new DecodedItems(100);
    FeatureRecord v1 = record("a", "red mug", 1_000);
    assertThat(items.view("a", v1, 5_000).title()).isEqualTo("red mug");
    // Same version, other content: the cached decode answers (a store never holds two contents per version).
    FeatureRecord sameVersion = new FeatureRecord(record("a", "blue mug", 1_000).bins(), v1.version(),
        v1.expiresAtMillis());
    assertThat(items.view("a", sameVersion, 5_000).title()).isEqualTo("red mug");
    FeatureRecord v2 = record("a", "green mug", 2_000);
    assertThat(v2.version()).isNotEqualTo(v1.version());
    assertThat(items.view("a", v2, 5_000).title()).isEqualTo("green mug");
    // Views are per instant.
    assertThat(items.view("a", v2, 86_400_000L + 2_000).ageDays()).isGreaterThan(items.view("a", v2, 5_000).ageDays());
  }

  @Test
  void requestsWithinOneGranuleShareTheViewAndItsRankerFeatures() {
    DecodedItems items = new DecodedItems(100);
    FeatureRecord r = record("a", "red mug", 1_000);
    long t = 10 * DecodedItems.VIEW_GRANULARITY_MS;
    ItemFeatureView first = items.view("a", r, t + 10);
    ItemFeatureView second = items.view("a", r, t + DecodedItems.VIEW_GRANULARITY_MS - 1);
    assertThat(second).isSameAs(first);
    assertThat(first.asOf()).isEqualTo(t);
    float[] shared = items.itemFeatures(r, first);
    assertThat(items.itemFeatures(r, second)).isSameAs(shared);
    float[] direct = new float[RankerFeatures.ITEM_SIZE];
    RankerFeatures.writeItem(ItemFeatureState.decode("a", r).view(t), direct, 0);
    assertThat(shared).containsExactly(direct);

    // The next granule gets its own view and features; a view the cache moved past still gets its own.
    ItemFeatureView later = items.view("a", r, t + DecodedItems.VIEW_GRANULARITY_MS);
    assertThat(later).isNotSameAs(first);
    assertThat(later.asOf()).isEqualTo(t + DecodedItems.VIEW_GRANULARITY_MS);
    float[] stale = items.itemFeatures(r, first);
    assertThat(stale).isNotSameAs(shared).containsExactly(direct);
  }

  @Test
  void theDecodeIsFoundOnTheRecordItselfAndARecordOfAnotherVersionIsDecodedAgain() {
    DecodedItems items = new DecodedItems(1); // the map holds one item: the record's slot must answer for "a"
    FeatureRecord a = record("a", "red mug", 1_000);
    ItemFeatureView first = items.view("a", a, 5_000);
    items.view("b", record("b", "plate", 1_000), 5_000); // clears the map
    assertThat(a.decoded()).isNotNull();
    assertThat(items.view("a", a, 5_000)).isSameAs(first);
    assertThat(items.itemFeatures(a, first)).isSameAs(items.itemFeatures(a, first));

    // A record carrying another item's decode, or a stale one, is decoded again.
    FeatureRecord b = record("b", "plate", 1_000);
    b.decoded(a.decoded());
    assertThat(items.view("b", b, 5_000).title()).isEqualTo("plate");
    FeatureRecord a2 = record("a", "green mug", 2_000);
    a2.decoded(a.decoded());
    assertThat(items.view("a", a2, 5_000).title()).isEqualTo("green mug");
  }

  @Test
  void theCacheStaysWithinItsBound() {
    DecodedItems items = new DecodedItems(10);
    for (int i = 0; i < 35; i++) {
      items.view("item-" + i, record("item-" + i, "t", 1_000), 5_000);
      assertThat(items.size()).isLessThanOrEqualTo(10);
    }
  }
}
