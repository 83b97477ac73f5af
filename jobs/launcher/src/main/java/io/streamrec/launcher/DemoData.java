package io.streamrec.launcher;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.ItemOp;
import io.streamrec.core.contract.User;
import io.streamrec.datasets.OnlineRetailDataset;
import io.streamrec.datasets.Purchase;

/**
 * Maps the bundled Online Retail II derivative onto our topic contracts: products become items, customers users
 * (region = country; the data has no ages), and each invoice line a purchase interaction.
 */
public final class DemoData {

  private DemoData() {}

  public static Item item(io.streamrec.datasets.Item d) {
    Item item = new Item();
    item.itemId = d.itemId();
    item.op = ItemOp.UPSERT;
    item.title = d.title();
    item.category = d.category();
    item.tags = new String[0];
    item.price = d.price();
    item.inStock = true;
    // The data says where an item was bought, not where it is sold: treat every item as sold everywhere.
    item.regions = new String[0];
    item.minAge = 0;
    item.ts = d.firstSeenTs();
    return item;
  }

  public static User user(io.streamrec.datasets.User d) {
    return User.of(d.userId(), null, d.country(), d.firstSeenTs());
  }

  /** The n-th purchase line; the event id is stable across replays, so consumers can de-duplicate. */
  public static Interaction interaction(Purchase p, long lineNumber) {
    return Interaction.of(p.invoice() + "-" + lineNumber, p.userId(), p.itemId(), InteractionType.PURCHASE, p.ts())
        .withRegion(p.country());
  }

  /** The time the demo pretends it is: one minute after the last purchase in the data. */
  public static long replayNow(OnlineRetailDataset data) {
    return data.purchases().stream().mapToLong(Purchase::ts).max().orElseThrow() + 60_000;
  }
}
