package io.streamrec.core.synthetic;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.ItemOp;
import io.streamrec.core.contract.User;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * A seeded, deterministic generator of catalog, users and interactions, for scale tests, benchmarks and what the
 * bundled dataset lacks (views, skips, ages, age-restricted and sold-out items, disorder, producer retries).
 *
 * <p>Item popularity follows a Zipf-like law (a few items get most interactions); interaction types follow a feed's
 * funnel (mostly views, few purchases); event times advance evenly over the span with bounded disorder; a share of
 * events is sent twice with the same event id, as a retrying producer would.
 */
public final class SyntheticEvents {

  /** What to generate. */
  public record Spec(
      long seed,
      int users,
      int items,
      int interactions,
      long startTs,
      long spanMs,
      long maxDisorderMs,
      double duplicateRate,
      int categories,
      List<String> regions,
      String idPrefix) {

    public Spec {
      if (users < 1 || items < 1 || interactions < 0 || spanMs < 1 || categories < 1 || regions.isEmpty()) {
        throw new IllegalArgumentException("bad synthetic spec: " + users + " users, " + items + " items");
      }
      if (duplicateRate < 0 || duplicateRate >= 1) {
        throw new IllegalArgumentException("duplicateRate must be in [0, 1), got " + duplicateRate);
      }
      regions = List.copyOf(regions);
      idPrefix = idPrefix == null ? "" : idPrefix;
    }

    /** The same log with every id prefixed, so several logs can share one topic or store. */
    public Spec withIdPrefix(String prefix) {
      return new Spec(seed, users, items, interactions, startTs, spanMs, maxDisorderMs, duplicateRate, categories,
          regions, prefix);
    }

    /** A small log: a few dozen users and items over three days. */
    public static Spec small(long seed, long startTs, int interactions) {
      return new Spec(seed, 30, 40, interactions, startTs, 3 * 86_400_000L, 600_000L, 0.02, 5,
          List.of("UK", "FR", "DE"), "");
    }
  }

  private static final InteractionType[] FUNNEL = {
    InteractionType.VIEW, InteractionType.CLICK, InteractionType.LIKE, InteractionType.ADD_TO_CART,
    InteractionType.PURCHASE, InteractionType.SKIP, InteractionType.SHARE
  };
  private static final double[] FUNNEL_SHARE = {0.60, 0.18, 0.05, 0.07, 0.04, 0.05, 0.01};

  private final Spec spec;
  private final List<Item> items;
  private final List<User> users;
  private final double[] itemCdf;

  public SyntheticEvents(Spec spec) {
    this.spec = spec;
    SplittableRandom random = new SplittableRandom(spec.seed());
    this.items = makeItems(random);
    this.users = makeUsers(random);
    this.itemCdf = zipfCdf(spec.items(), 1.1);
  }

  public Spec spec() {
    return spec;
  }

  public List<Item> items() {
    return items;
  }

  public List<User> users() {
    return users;
  }

  /** The catalog and profiles are dated one day before the first interaction. */
  private long profileTs() {
    return spec.startTs() - 86_400_000L;
  }

  private List<Item> makeItems(SplittableRandom random) {
    List<Item> out = new ArrayList<>(spec.items());
    for (int i = 0; i < spec.items(); i++) {
      Item item = new Item();
      item.itemId = spec.idPrefix() + "item-" + i;
      item.op = ItemOp.UPSERT;
      item.title = title(i);
      item.category = "cat-" + (i % spec.categories());
      item.tags = new String[0];
      item.price = Math.round((1 + random.nextDouble() * 99) * 100) / 100.0;
      item.inStock = random.nextInt(20) != 0; // 5 % sold out
      item.regions = random.nextInt(10) == 0 ? new String[] {spec.regions().get(0)} : new String[0];
      item.minAge = random.nextInt(25) == 0 ? 18 : 0; // 4 % age-restricted
      item.ts = profileTs();
      out.add(item);
    }
    return List.copyOf(out);
  }

  /**
   * Words of a gift shop's product titles (colours, materials and styles, objects), so that the item tower, trained
   * on such titles, gives the synthetic catalog a spread of vectors as a real catalog gets: with titles of unknown
   * tokens ("Synthetic item 123") the tower maps items by price and category alone, two thirds of 50,000 items
   * share their vector with another one, and the ANN index's graph degenerates (most nodes keep one link).
   */
  private static final String[] COLOURS = {"pink", "blue", "red", "white", "black", "green", "silver", "gold",
      "ivory", "cream", "purple", "orange"};
  private static final String[] STYLES = {"vintage", "glass", "metal", "wooden", "paper", "ceramic", "retro",
      "hanging", "floral", "polkadot", "heart", "rose", "star", "fairy", "french", "antique", "christmas", "garden",
      "lace", "enamel"};
  private static final String[] OBJECTS = {"candle", "bag", "box", "mug", "necklace", "bracelet", "holder", "cake",
      "card", "lantern", "clock", "frame", "cushion", "bowl", "plate", "jar", "tin", "bottle", "lamp", "mirror",
      "notebook", "umbrella", "doorstop", "basket", "teapot", "vase", "coaster", "tray", "wreath", "bunting",
      "earrings", "ring", "purse", "apron", "ornament", "sign", "rack", "hook", "dish", "cup"};

  /** Item {@code i}'s title, from its own random stream (the catalog's other attributes do not depend on it). */
  private String title(int i) {
    SplittableRandom r = new SplittableRandom(spec.seed() * 0x9E3779B97F4A7C15L + i);
    String title = COLOURS[r.nextInt(COLOURS.length)] + " " + STYLES[r.nextInt(STYLES.length)] + " "
        + OBJECTS[r.nextInt(OBJECTS.length)];
    int size = r.nextInt(4);
    return size == 0 ? "small " + title : size == 1 ? "large " + title : size == 2 ? "set of 3 " + title : title;
  }

  private List<User> makeUsers(SplittableRandom random) {
    List<User> out = new ArrayList<>(spec.users());
    for (int u = 0; u < spec.users(); u++) {
      Integer age = random.nextInt(10) == 0 ? null : 13 + random.nextInt(60);
      out.add(User.of(spec.idPrefix() + "user-" + u, age, spec.regions().get(u % spec.regions().size()), profileTs()));
    }
    return List.copyOf(out);
  }

  private static double[] zipfCdf(int n, double exponent) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1 / Math.pow(k + 1, exponent);
      cdf[k] = sum;
    }
    for (int k = 0; k < n; k++) {
      cdf[k] /= sum;
    }
    return cdf;
  }

  private int pickItem(SplittableRandom random) {
    double x = random.nextDouble();
    int lo = 0;
    int hi = itemCdf.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (itemCdf[mid] < x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static InteractionType pickType(SplittableRandom random) {
    double x = random.nextDouble();
    double acc = 0;
    for (int k = 0; k < FUNNEL.length; k++) {
      acc += FUNNEL_SHARE[k];
      if (x < acc) {
        return FUNNEL[k];
      }
    }
    return InteractionType.VIEW;
  }

  /**
   * The interactions, generated lazily (millions need not sit in memory). Every call starts the same sequence
   * again; duplicates follow their original immediately.
   */
  public Iterator<Interaction> interactions() {
    return new Iterator<>() {
      private final SplittableRandom random = new SplittableRandom(spec.seed() ^ 0x5DEECE66DL);
      private int n;
      private Interaction pendingDuplicate;

      @Override
      public boolean hasNext() {
        return pendingDuplicate != null || n < spec.interactions();
      }

      @Override
      public Interaction next() {
        if (pendingDuplicate != null) {
          Interaction d = pendingDuplicate;
          pendingDuplicate = null;
          return d;
        }
        if (n >= spec.interactions()) {
          throw new NoSuchElementException();
        }
        long even = spec.startTs() + (long) ((double) n / Math.max(1, spec.interactions()) * spec.spanMs());
        long ts = even - (spec.maxDisorderMs() == 0 ? 0 : random.nextLong(spec.maxDisorderMs() + 1));
        int user = random.nextInt(spec.users());
        Interaction i = Interaction.of(spec.idPrefix() + "ev-" + spec.seed() + "-" + n,
            spec.idPrefix() + "user-" + user, spec.idPrefix() + "item-" + pickItem(random), pickType(random), ts);
        i.region = spec.regions().get(user % spec.regions().size());
        n++;
        if (random.nextDouble() < spec.duplicateRate()) {
          pendingDuplicate = i;
        }
        return i;
      }
    };
  }

  /** All interactions in a list; for small specs. */
  public List<Interaction> interactionList() {
    List<Interaction> out = new ArrayList<>();
    interactions().forEachRemaining(out::add);
    return out;
  }
}
