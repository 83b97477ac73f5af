package io.streamrec.trainer.twotower;

import io.streamrec.core.model.TwoTowerInputs;
import java.util.Objects;

/**
 * One training (or validation) example of the two-tower retrieval model: the user as they were just before the
 * interaction (recent items, newest first, and features) and the item they interacted with. The caller builds these
 * point-in-time correct (the positive must not already be in {@code user.recentItems()} because of the future).
 */
public record TwoTowerExample(TwoTowerInputs.UserInput user, TwoTowerInputs.ItemInput positive) {
  public TwoTowerExample {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(positive, "positive");
    Objects.requireNonNull(positive.itemId(), "positive.itemId");
  }
}
