package io.streamrec.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.ItemOp;
import io.streamrec.core.contract.User;
import io.streamrec.core.features.FeatureReplay;
import io.streamrec.core.features.ItemFeatureView;
import io.streamrec.core.features.UserFeatureView;
import org.junit.jupiter.api.Test;

class RankerFeaturesTest {
  private static final long T = 1_700_000_000_000L;

  private static Item item(String id, String category, double price) {
    Item i = new Item();
    i.itemId = id;
    i.op = ItemOp.UPSERT;
    i.title = id;
    i.category = category;
    i.tags = new String[0];
    i.price = price;
    i.inStock = true;
    i.regions = new String[0];
    i.minAge = 18;
    i.ts = T - 1_000;
    return i;
  }

  private static float value(float[] row, String name) {
    return row[RankerFeatures.NAMES.indexOf(name)];
  }

  @Test
  void writesEachFeatureAtItsNamedPositionWithNanForMissing() {
    FeatureReplay replay = new FeatureReplay();
    replay.item(item("a", "bags", 10));
    replay.item(item("b", "mugs", 40));
    replay.user(User.of("u", 30, "UK", T - 1_000));
    replay.interaction(Interaction.of("e1", "u", "a", InteractionType.PURCHASE, T));
    replay.interaction(Interaction.of("e2", "u2", "a", InteractionType.PURCHASE, T));
    UserFeatureView user = replay.user("u", T);
    ItemFeatureView bought = replay.item("a", T);
    ItemFeatureView other = replay.item("b", T);
    UserFeatureView stranger = replay.user("nobody", T);

    float[] row = new float[RankerFeatures.SIZE];
    RankerFeatures.write(user, bought, 0.7, row, 0);
    assertThat(value(row, "retrieval_score")).isCloseTo(0.7f, within(1e-6f));
    assertThat(value(row, "user_purchases_24h")).isEqualTo(1f);
    assertThat(value(row, "user_bought_items")).isEqualTo(1f);
    assertThat(value(row, "user_age")).isEqualTo(30f);
    assertThat(value(row, "item_purchases_1h")).isEqualTo(2f);
    assertThat(value(row, "item_min_age")).isEqualTo(18f);
    assertThat(value(row, "cross_category_rank")).isEqualTo(1f);
    assertThat(value(row, "cross_price_ratio")).isCloseTo(1f, within(1e-6f));
    assertThat(value(row, "cross_in_recent_items")).isEqualTo(1f);

    RankerFeatures.write(user, other, 0.1, row, 0);
    assertThat(value(row, "cross_category_rank")).isNaN();
    assertThat(value(row, "cross_category_affinity")).isEqualTo(0f);
    assertThat(value(row, "cross_price_ratio")).isCloseTo(4f, within(1e-6f));
    assertThat(value(row, "cross_in_recent_items")).isEqualTo(0f);

    RankerFeatures.write(stranger, other, 0, row, 0);
    assertThat(value(row, "user_days_since_active")).isNaN();
    assertThat(value(row, "user_price_preference")).isNaN();
    assertThat(value(row, "user_age")).isNaN();
    assertThat(value(row, "cross_price_ratio")).isNaN();
  }

  @Test
  void aPrecomputedUserContextGivesTheSameRowsAtAnyOffset() {
    FeatureReplay replay = new FeatureReplay();
    replay.item(item("a", "bags", 10));
    replay.item(item("b", "mugs", 40));
    replay.interaction(Interaction.of("e1", "u", "a", InteractionType.CLICK, T));
    replay.interaction(Interaction.of("e2", "u", "b", InteractionType.PURCHASE, T + 1));
    UserFeatureView user = replay.user("u", T + 1);
    RankerFeatures.UserContext context = RankerFeatures.UserContext.of(user);

    float[] direct = new float[2 * RankerFeatures.SIZE];
    float[] viaContext = new float[2 * RankerFeatures.SIZE];
    RankerFeatures.write(user, replay.item("a", T + 1), 0.3, direct, 0);
    RankerFeatures.write(user, replay.item("b", T + 1), 0.2, direct, RankerFeatures.SIZE);
    RankerFeatures.write(context, replay.item("a", T + 1), 0.3, viaContext, 0);
    RankerFeatures.write(context, replay.item("b", T + 1), 0.2, viaContext, RankerFeatures.SIZE);
    assertThat(viaContext).containsExactly(direct);
  }

  @Test
  void aPrecomputedItemPartGivesTheSameRowAsWritingItWhole() {
    FeatureReplay replay = new FeatureReplay();
    replay.item(item("a", "bags", 10));
    replay.interaction(Interaction.of("e1", "u", "a", InteractionType.CLICK, T));
    replay.interaction(Interaction.of("e2", "v", "a", InteractionType.PURCHASE, T + 1));
    UserFeatureView user = replay.user("u", T + 2);
    RankerFeatures.UserContext context = RankerFeatures.UserContext.of(user);
    float[] itemPart = new float[RankerFeatures.ITEM_SIZE];
    RankerFeatures.writeItem(replay.item("a", T + 2), itemPart, 0);
    assertThat(itemPart[0]).isEqualTo(1f); // item_purchases_1h: the layout starts where the names say
    assertThat(RankerFeatures.NAMES.get(RankerFeatures.ITEM_OFFSET)).isEqualTo("item_purchases_1h");
    assertThat(RankerFeatures.NAMES.get(RankerFeatures.ITEM_OFFSET + RankerFeatures.ITEM_SIZE))
        .isEqualTo("cross_category_affinity");

    float[] whole = new float[RankerFeatures.SIZE + 3];
    float[] parts = new float[RankerFeatures.SIZE + 3];
    RankerFeatures.write(context, replay.item("a", T + 2), 0.4, whole, 3);
    RankerFeatures.write(context, replay.item("a", T + 2), itemPart, 0.4, parts, 3);
    assertThat(parts).containsExactly(whole);
  }
}
