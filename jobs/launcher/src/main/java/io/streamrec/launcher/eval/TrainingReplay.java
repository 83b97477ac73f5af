package io.streamrec.launcher.eval;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.User;
import io.streamrec.datasets.OnlineRetailDataset;
import io.streamrec.datasets.Purchase;
import io.streamrec.launcher.DemoData;
import java.util.ArrayList;
import java.util.List;

/**
 * What the system may know at the start of the test window: the items and users first seen before {@code cutoff}
 * and the purchases before it, mapped onto the topic contracts exactly as the demo maps them ({@link DemoData}),
 * with their original timestamps. Nothing at or after {@code cutoff} is included, so the test window stays unseen.
 *
 * <p>Event ids are the demo's ({@code invoice-lineNumber}, numbered over the whole dataset), so the same purchase
 * has the same id in both replays.
 */
public record TrainingReplay(long cutoff, List<Item> items, List<User> users, List<Interaction> interactions) {

  public TrainingReplay {
    items = List.copyOf(items);
    users = List.copyOf(users);
    interactions = List.copyOf(interactions);
  }

  /** The records of {@code data} strictly before {@code cutoff}, in the dataset's order. */
  public static TrainingReplay before(OnlineRetailDataset data, long cutoff) {
    return before(data.items(), data.users(), data.purchases(), cutoff);
  }

  /** The records strictly before {@code cutoff}; {@code purchases} in the dataset's order (it numbers event ids). */
  public static TrainingReplay before(List<io.streamrec.datasets.Item> catalog, List<io.streamrec.datasets.User> people,
      List<Purchase> purchases, long cutoff) {
    List<Item> items = new ArrayList<>();
    for (io.streamrec.datasets.Item i : catalog) {
      if (i.firstSeenTs() < cutoff) {
        items.add(DemoData.item(i));
      }
    }
    List<User> users = new ArrayList<>();
    for (io.streamrec.datasets.User u : people) {
      if (u.firstSeenTs() < cutoff) {
        users.add(DemoData.user(u));
      }
    }
    List<Interaction> interactions = new ArrayList<>();
    long line = 0;
    for (Purchase p : purchases) {
      if (p.ts() < cutoff) {
        interactions.add(DemoData.interaction(p, line));
      }
      line++;
    }
    return new TrainingReplay(cutoff, items, users, interactions);
  }
}
