package io.streamrec.launcher.bench;

import io.streamrec.core.contract.Item;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The live load of the index benchmark: new versions of existing catalog items, each one changing what the item
 * tower reads (its title; for sampled ones also its category), so that every event is a real embedding and upsert,
 * never an attribute-only update or an unchanged re-send.
 *
 * <p>The catalog is shuffled once (seeded) and split in two:
 *
 * <ul>
 *   <li><b>probe items</b>, one per sampled event (every {@link #sampleEvery()}-th event, starting with event 0):
 *       sampled event {@code j} gives probe item {@code j} a new title and the marker category {@value
 *       #PROBE_CATEGORY}, which no earlier version of it had; each probe item changes exactly once, so
 *       {@link IndexVisibility} can tell when that version is searchable and nothing later can overwrite it first;
 *   <li><b>the other items</b> take the other events round robin; an item's {@code c}-th new version is titled
 *       {@code "<title> rev c"}, so consecutive versions always differ.
 * </ul>
 *
 * The probe items are at most half of the catalog: if {@code total / sampleEvery} sampled events would need more,
 * fewer events are sampled ({@link #effectiveSampleEvery}).
 */
final class ItemUpdates {
  static final String PROBE_CATEGORY = "bench-probe";

  private final List<Item> catalog;
  private final int[] order;
  private final long total;
  private final int sampleEvery;
  private final int probes;
  private final int others;

  /**
   * @param catalog the items as first written (at least 2)
   * @param total the number of live events
   * @param sampleEvery sample every n-th event (raised if the catalog is too small, see the class comment)
   */
  ItemUpdates(List<Item> catalog, long total, int sampleEvery, long seed) {
    if (catalog.size() < 2) {
      throw new IllegalArgumentException("the live load needs at least 2 items, got " + catalog.size());
    }
    this.catalog = catalog;
    this.total = total;
    this.sampleEvery = effectiveSampleEvery(total, catalog.size(), sampleEvery);
    this.probes = (int) ((total + this.sampleEvery - 1) / this.sampleEvery);
    this.others = catalog.size() - probes;
    this.order = new int[catalog.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }

  /**
   * The smallest n ≥ {@code requested} for which sampling every n-th of {@code total} events needs at most
   * {@code items / 2} probe items.
   */
  static int effectiveSampleEvery(long total, int items, int requested) {
    if (requested < 1) {
      throw new IllegalArgumentException("sampleEvery must be >= 1, got " + requested);
    }
    long maxProbes = Math.max(1, items / 2);
    long needed = (total + maxProbes - 1) / maxProbes; // ceil(total / maxProbes) ⇒ ceil(total / n) ≤ maxProbes
    return (int) Math.max(requested, Math.min(Integer.MAX_VALUE, Math.max(1, needed)));
  }

  int sampleEvery() {
    return sampleEvery;
  }

  /** The number of sampled events (= probe items). */
  int probes() {
    return probes;
  }

  long total() {
    return total;
  }

  boolean sampled(long k) {
    return k % sampleEvery == 0;
  }

  /** Live event {@code k} (0-based): the new version of its item, with event time {@code tsMs}. */
  Item update(long k, long tsMs) {
    if (k < 0 || k >= total) {
      throw new IllegalArgumentException("event " + k + " is outside 0.." + (total - 1));
    }
    Item next;
    if (sampled(k)) {
      Item base = catalog.get(order[(int) (k / sampleEvery)]);
      next = copy(base);
      next.title = base.title + " probe";
      next.category = PROBE_CATEGORY;
    } else {
      long m = k - k / sampleEvery - 1; // the events before k that were not sampled
      Item base = catalog.get(order[probes + (int) (m % others)]);
      next = copy(base);
      next.title = base.title + " rev " + (m / others + 1);
    }
    next.ts = tsMs;
    return next;
  }

  private static Item copy(Item i) {
    Item c = new Item();
    c.itemId = i.itemId;
    c.op = i.op;
    c.title = i.title;
    c.category = i.category;
    c.tags = i.tags == null ? null : i.tags.clone();
    c.price = i.price;
    c.inStock = i.inStock;
    c.regions = i.regions == null ? null : i.regions.clone();
    c.minAge = i.minAge;
    c.ts = i.ts;
    return c;
  }
}
