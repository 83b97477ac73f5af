package io.streamrec.datasets.eval;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.ItemOp;
import io.streamrec.core.contract.User;
import io.streamrec.core.features.FeatureReplay;
import io.streamrec.core.model.TwoTowerInputs;
import java.util.List;

/**
 * Point-in-time features for training: the log replayed through the feature job's own definitions
 * ({@link FeatureReplay}) up to an instant, so a training row sees exactly what the online store held then.
 */
public final class Replays {
  private Replays() {}

  /** Replays the catalog, the user regions and the events before {@code asOf}. */
  public static FeatureReplay asOf(InteractionLog log, List<InteractionLog.Event> events, long asOf) {
    FeatureReplay replay = new FeatureReplay();
    long catalogTs = log.firstTs() - 1; // the shop's catalog predates its first sale
    for (TwoTowerInputs.ItemInput in : log.catalog().values()) {
      Item item = new Item();
      item.itemId = in.itemId();
      item.op = ItemOp.UPSERT;
      item.title = in.title();
      item.category = in.category();
      item.tags = new String[0];
      item.price = in.price() == null ? 0 : in.price();
      item.inStock = true;
      item.regions = new String[0];
      item.ts = catalogTs;
      replay.item(item);
    }
    log.userRegions().forEach((user, region) -> replay.user(User.of(user, null, region, catalogTs)));
    long n = 0;
    for (InteractionLog.Event e : events) {
      if (e.ts() >= asOf) {
        break;
      }
      replay.interaction(Interaction.of("e" + n++, e.userId(), e.itemId(), InteractionType.PURCHASE, e.ts())
          .withRegion(e.region()));
    }
    return replay;
  }
}
