package io.streamrec.core.contract;

import java.util.Arrays;
import java.util.Objects;

/**
 * A catalog change on the compacted {@code items} topic (key: item_id). For {@link ItemOp#DELETE} only
 * {@code item_id}, {@code op} and {@code ts} are meaningful.
 */
public final class Item {
  public String itemId;
  public ItemOp op;
  public String title;
  public String category;
  public String[] tags;
  public double price;
  public boolean inStock;
  /** Regions the item is sold in; empty means everywhere. */
  public String[] regions;
  /** Minimum buyer age; 0 means unrestricted. */
  public int minAge;
  public long ts;

  public Item() {}

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Item that)) {
      return false;
    }
    return Double.compare(price, that.price) == 0
        && inStock == that.inStock
        && minAge == that.minAge
        && ts == that.ts
        && Objects.equals(itemId, that.itemId)
        && op == that.op
        && Objects.equals(title, that.title)
        && Objects.equals(category, that.category)
        && Arrays.equals(tags, that.tags)
        && Arrays.equals(regions, that.regions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(itemId, op, ts);
  }

  @Override
  public String toString() {
    return "Item{" + itemId + " " + op + " '" + title + "' " + category + " " + price + " in_stock=" + inStock
        + " regions=" + Arrays.toString(regions) + " min_age=" + minAge + " @" + ts + "}";
  }
}
