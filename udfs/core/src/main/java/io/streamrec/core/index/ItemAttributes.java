package io.streamrec.core.index;

import io.streamrec.core.contract.Item;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a search can filter on, stored next to an item's vector. Changing only these never re-embeds the item.
 *
 * @param inStock false once the item sells out
 * @param regions where the item is sold; empty means everywhere
 * @param minAge minimum viewer age; 0 means unrestricted
 * @param category the catalog category ("" when unknown)
 * @param price the current price
 */
public record ItemAttributes(boolean inStock, List<String> regions, int minAge, String category, double price) {

  public ItemAttributes {
    regions = List.copyOf(Objects.requireNonNull(regions, "regions"));
    category = category == null ? "" : category;
    if (minAge < 0) {
      throw new IllegalArgumentException("min_age must be >= 0, got " + minAge);
    }
  }

  /** The attributes of a catalog record from the {@code items} topic. */
  public static ItemAttributes of(Item item) {
    return new ItemAttributes(item.inStock, item.regions == null ? List.of() : Arrays.asList(item.regions),
        item.minAge, item.category, item.price);
  }

  /** True if this item may be shown to a viewer under {@code filter} (ignoring the filter's excluded ids). */
  public boolean visibleUnder(SearchFilter filter) {
    return (!filter.inStockOnly() || inStock)
        && (filter.region() == null || regions.isEmpty() || regions.contains(filter.region()))
        && minAge <= filter.maxMinAge()
        && (filter.categories().isEmpty() || filter.categories().contains(category));
  }
}
