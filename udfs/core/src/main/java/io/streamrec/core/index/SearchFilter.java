package io.streamrec.core.index;

import java.util.Objects;
import java.util.Set;

/**
 * Attribute filters pushed into the index query (pre-filters: the index returns the best K among matching items,
 * not the best K filtered afterwards).
 *
 * @param inStockOnly drop sold-out items
 * @param region the viewer's region; null matches every item. An item with no regions is sold everywhere
 * @param maxMinAge the largest {@code min_age} the viewer may see: the viewer's age, 0 when it is unknown (only
 *     unrestricted items), {@link Integer#MAX_VALUE} for no age filter
 * @param categories if not empty, only items in one of these categories
 * @param excludeIds item ids never returned (bought, recently served, the request's excludes)
 */
public record SearchFilter(boolean inStockOnly, String region, int maxMinAge, Set<String> categories,
    Set<String> excludeIds) {

  private static final SearchFilter NONE = new SearchFilter(false, null, Integer.MAX_VALUE, Set.of(), Set.of());

  public SearchFilter {
    categories = Set.copyOf(Objects.requireNonNull(categories, "categories"));
    excludeIds = Set.copyOf(Objects.requireNonNull(excludeIds, "excludeIds"));
    if (maxMinAge < 0) {
      throw new IllegalArgumentException("maxMinAge must be >= 0, got " + maxMinAge);
    }
  }

  /** Matches every item. */
  public static SearchFilter none() {
    return NONE;
  }

  /** What a viewer may be shown: in stock, sold in their region, allowed for their age (unknown age: unrestricted only). */
  public static SearchFilter forViewer(String region, Integer age) {
    return new SearchFilter(true, region, age == null ? 0 : Math.max(0, age), Set.of(), Set.of());
  }

  public SearchFilter withExcludes(Set<String> ids) {
    return new SearchFilter(inStockOnly, region, maxMinAge, categories, ids);
  }

  public SearchFilter withCategories(Set<String> cats) {
    return new SearchFilter(inStockOnly, region, maxMinAge, cats, excludeIds);
  }

  public SearchFilter inStockOnly(boolean only) {
    return new SearchFilter(only, region, maxMinAge, categories, excludeIds);
  }

  /** True if this filter restricts nothing but the excluded ids. */
  public boolean attributeFree() {
    return !inStockOnly && region == null && maxMinAge == Integer.MAX_VALUE && categories.isEmpty();
  }
}
