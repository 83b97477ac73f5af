package io.streamrec.core.model;

import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.features.ItemFeatureView;
import io.streamrec.core.features.UserFeatureView;
import io.streamrec.core.features.WindowRange;
import java.util.List;
import java.util.Map;

/**
 * The ranker's input vector: user, item and cross features of one (user, candidate) pair, in a fixed order that
 * the trained model's manifest records. The trainer builds training rows with this class from point-in-time feature
 * views, and serving builds scoring rows with it from the store's views, so the two cannot drift apart.
 *
 * <p>Missing values are {@code NaN} (XGBoost's and the ONNX tree ensemble's "missing"), never a made-up number.
 */
public final class RankerFeatures {

  /** The feature names, in vector order. */
  public static final List<String> NAMES = List.of(
      "retrieval_score",
      "user_purchases_24h",
      "user_purchases_7d",
      "user_clicks_7d",
      "user_views_7d",
      "user_bought_items",
      "user_days_since_active",
      "user_price_preference",
      "user_age",
      "item_purchases_1h",
      "item_purchases_24h",
      "item_purchases_7d",
      "item_clicks_7d",
      "item_views_7d",
      "item_ctr",
      "item_conversion",
      "item_popularity",
      "item_age_days",
      "item_price",
      "item_in_stock",
      "item_min_age",
      "cross_category_affinity",
      "cross_category_rank",
      "cross_price_ratio",
      "cross_in_recent_items");

  public static final int SIZE = NAMES.size();
  /** Where the item's own features (those that depend on the item and the instant only) start in the vector. */
  public static final int ITEM_OFFSET = NAMES.indexOf("item_purchases_1h");
  /** How many item features there are, from {@link #ITEM_OFFSET} ({@code item_purchases_1h} … {@code item_min_age}). */
  public static final int ITEM_SIZE = NAMES.indexOf("item_min_age") + 1 - ITEM_OFFSET;
  /** How many of the user's categories count for {@code cross_category_rank}. */
  public static final int TOP_CATEGORIES = 10;

  private RankerFeatures() {}

  /**
   * The user half of the vector and what the cross features need, computed once per request rather than once per
   * candidate (a request scores hundreds of candidates against the same user).
   */
  public static final class UserContext {
    private final long asOf;
    private final float[] userFeatures = new float[8];
    private final double pricePreference;
    private final java.util.Set<String> recentItems;
    private final Map<String, Double> topCategories;
    private final UserFeatureView view;
    /** Per category: {affinity, rank among the user's top categories}, computed on first use. */
    private final Map<String, float[]> byCategory = new java.util.HashMap<>();

    private UserContext(UserFeatureView user) {
      this.view = user;
      this.asOf = user.asOf();
      this.pricePreference = user.pricePreference().orElse(Double.NaN);
      this.recentItems = new java.util.HashSet<>(user.recentItems());
      this.topCategories = user.topCategories(TOP_CATEGORIES);
      int k = 0;
      userFeatures[k++] = user.count(InteractionType.PURCHASE, WindowRange.H24);
      userFeatures[k++] = user.count(InteractionType.PURCHASE, WindowRange.D7);
      userFeatures[k++] = user.count(InteractionType.CLICK, WindowRange.D7);
      userFeatures[k++] = user.count(InteractionType.VIEW, WindowRange.D7);
      userFeatures[k++] = user.bought().size();
      userFeatures[k++] = user.lastActiveTs() == 0 ? Float.NaN
          : (float) ((asOf - user.lastActiveTs()) / 86_400_000.0);
      userFeatures[k++] = (float) pricePreference;
      userFeatures[k] = user.age() == null ? Float.NaN : user.age();
    }

    public static UserContext of(UserFeatureView user) {
      return new UserContext(user);
    }

    private float[] category(String category) {
      float[] f = byCategory.get(category);
      if (f == null) {
        f = new float[] {(float) view.affinity(category), categoryRank(topCategories, category)};
        byCategory.put(category, f);
      }
      return f;
    }
  }

  /** Writes the features of (user, item) into {@code out[offset .. offset + SIZE)}. */
  public static void write(UserFeatureView user, ItemFeatureView item, double retrievalScore, float[] out,
      int offset) {
    write(UserContext.of(user), item, retrievalScore, out, offset);
  }

  /** As {@link #write(UserFeatureView, ItemFeatureView, double, float[], int)}, with the user's part precomputed. */
  public static void write(UserContext user, ItemFeatureView item, double retrievalScore, float[] out, int offset) {
    writeItem(item, out, offset + ITEM_OFFSET);
    writeRest(user, item, retrievalScore, out, offset);
  }

  /**
   * As {@link #write(UserContext, ItemFeatureView, double, float[], int)}, with the item's own features given:
   * {@code itemPart} holds what {@link #writeItem} wrote for {@code item} (serving computes it once per item and
   * instant and shares it across requests).
   */
  public static void write(UserContext user, ItemFeatureView item, float[] itemPart, double retrievalScore,
      float[] out, int offset) {
    System.arraycopy(itemPart, 0, out, offset + ITEM_OFFSET, ITEM_SIZE);
    writeRest(user, item, retrievalScore, out, offset);
  }

  /**
   * Writes the item's own features ({@link #ITEM_SIZE} values: its counts, rates, popularity, age, price, stock and
   * age limit as of the view's instant) into {@code out[offset ..)}. They do not depend on the user.
   */
  public static void writeItem(ItemFeatureView item, float[] out, int offset) {
    int k = offset;
    out[k++] = item.count(InteractionType.PURCHASE, WindowRange.H1);
    out[k++] = item.count(InteractionType.PURCHASE, WindowRange.H24);
    out[k++] = item.count(InteractionType.PURCHASE, WindowRange.D7);
    out[k++] = item.count(InteractionType.CLICK, WindowRange.D7);
    out[k++] = item.count(InteractionType.VIEW, WindowRange.D7);
    out[k++] = (float) item.smoothedCtr();
    out[k++] = (float) item.smoothedConversion();
    out[k++] = (float) item.popularity();
    out[k++] = item.firstSeenTs() == 0 ? Float.NaN : (float) item.ageDays();
    Double price = item.price();
    out[k++] = price == null ? Float.NaN : price.floatValue();
    out[k++] = item.inCatalog() ? (item.inStock() ? 1f : 0f) : Float.NaN;
    out[k] = item.inCatalog() ? item.minAge() : Float.NaN;
  }

  /** The retrieval score, the user's part and the cross features. */
  private static void writeRest(UserContext user, ItemFeatureView item, double retrievalScore, float[] out,
      int offset) {
    int k = offset;
    out[k++] = (float) retrievalScore;
    System.arraycopy(user.userFeatures, 0, out, k, user.userFeatures.length);
    k = offset + ITEM_OFFSET + ITEM_SIZE;
    String category = item.category();
    if (category == null) {
      out[k++] = Float.NaN;
      out[k++] = Float.NaN;
    } else {
      float[] c = user.category(category);
      out[k++] = c[0];
      out[k++] = c[1];
    }
    Double price = item.price();
    double pricePref = user.pricePreference;
    out[k++] = price == null || Double.isNaN(pricePref) || pricePref <= 0 ? Float.NaN
        : (float) (price / pricePref);
    out[k] = user.recentItems.contains(item.itemId()) ? 1f : 0f;
  }

  private static float categoryRank(Map<String, Double> topCategories, String category) {
    if (category == null) {
      return Float.NaN;
    }
    int rank = 1;
    for (String c : topCategories.keySet()) {
      if (c.equals(category)) {
        return rank;
      }
      rank++;
    }
    return Float.NaN;
  }
}
