package io.streamrec.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How raw items and users become the two-tower models' inputs: hashed id buckets, title tokens, category, price
 * bucket, region and age bucket. One definition for the trainer (training and ONNX export), the index job (item
 * tower) and serving (user tower), so the same item always produces the same tensor everywhere.
 *
 * <p>ONNX input names and shapes (N = batch):
 *
 * <pre>
 *   item tower:  item_id int64[N], title_tokens int64[N,T], title_mask float[N,T], category int64[N],
 *                price_bucket int64[N]                                   → item_vector float[N,D]
 *   user tower:  recent_items int64[N,L], recent_mask float[N,L], region int64[N], age_bucket int64[N]
 *                                                                          → user_vector float[N,D]
 * </pre>
 *
 * Bucket 0 of every hashed vocabulary is reserved for "unknown / padding", so an empty input maps to a fixed row.
 */
public final class TwoTowerInputs {
  public static final int ID_BUCKETS = 16_384;
  public static final int TOKEN_BUCKETS = 4_096;
  public static final int CATEGORY_BUCKETS = 64;
  public static final int PRICE_BUCKETS = 16;
  public static final int REGION_BUCKETS = 64;
  public static final int AGE_BUCKETS = 8;
  /** Title tokens per item. */
  public static final int MAX_TOKENS = 8;
  /** Recent items per user (the newest first). */
  public static final int MAX_RECENT = 20;

  public static final String IN_ITEM_ID = "item_id";
  public static final String IN_TITLE_TOKENS = "title_tokens";
  public static final String IN_TITLE_MASK = "title_mask";
  public static final String IN_CATEGORY = "category";
  public static final String IN_PRICE_BUCKET = "price_bucket";
  public static final String OUT_ITEM_VECTOR = "item_vector";
  public static final String IN_RECENT_ITEMS = "recent_items";
  public static final String IN_RECENT_MASK = "recent_mask";
  public static final String IN_REGION = "region";
  public static final String IN_AGE_BUCKET = "age_bucket";
  public static final String OUT_USER_VECTOR = "user_vector";

  private TwoTowerInputs() {}

  /** A hashed bucket in 1 … buckets-1; null or blank maps to the reserved bucket 0. */
  public static int hashed(String value, int buckets) {
    if (value == null || value.isBlank()) {
      return 0;
    }
    return 1 + StableHash.bucket(value, buckets - 1);
  }

  public static int itemBucket(String itemId) {
    return hashed(itemId, ID_BUCKETS);
  }

  public static int categoryBucket(String category) {
    return hashed(category, CATEGORY_BUCKETS);
  }

  public static int regionBucket(String region) {
    return hashed(region, REGION_BUCKETS);
  }

  /** Log-scale price buckets: 1 … 15 cover 0.1 … ~3,000; 0 = unknown. */
  public static int priceBucket(Double price) {
    if (price == null || !(price > 0)) {
      return 0;
    }
    int b = 1 + (int) Math.floor(Math.log(price / 0.1) / Math.log(2));
    return Math.max(1, Math.min(PRICE_BUCKETS - 1, b));
  }

  /** 0 unknown, then under 18, 18-24, 25-34, 35-44, 45-54, 55-64, 65 and over. */
  public static int ageBucket(Integer age) {
    if (age == null || age < 0) {
      return 0;
    }
    if (age < 18) {
      return 1;
    }
    if (age < 25) {
      return 2;
    }
    return Math.min(AGE_BUCKETS - 1, 3 + (age - 25) / 10);
  }

  /** Lower-cased alphanumeric tokens of a title, at most {@link #MAX_TOKENS}, as hashed buckets. */
  public static List<Integer> titleTokens(String title) {
    List<Integer> out = new ArrayList<>(MAX_TOKENS);
    if (title == null) {
      return out;
    }
    for (String token : title.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (!token.isEmpty() && out.size() < MAX_TOKENS) {
        out.add(hashed(token, TOKEN_BUCKETS));
      }
    }
    return out;
  }

  /** A batch of item-tower inputs, row-major, ready for an ONNX Runtime session or a DJL NDArray. */
  public record ItemBatch(int n, long[] itemId, long[] titleTokens, float[] titleMask, long[] category,
      long[] priceBucket) {}

  /** One item's raw attributes. */
  public record ItemInput(String itemId, String title, String category, Double price) {}

  public static ItemBatch itemBatch(List<ItemInput> items) {
    int n = items.size();
    long[] ids = new long[n];
    long[] tokens = new long[n * MAX_TOKENS];
    float[] mask = new float[n * MAX_TOKENS];
    long[] categories = new long[n];
    long[] prices = new long[n];
    for (int r = 0; r < n; r++) {
      ItemInput it = items.get(r);
      ids[r] = itemBucket(it.itemId());
      List<Integer> t = titleTokens(it.title());
      for (int k = 0; k < t.size(); k++) {
        tokens[r * MAX_TOKENS + k] = t.get(k);
        mask[r * MAX_TOKENS + k] = 1f;
      }
      categories[r] = categoryBucket(it.category());
      prices[r] = priceBucket(it.price());
    }
    return new ItemBatch(n, ids, tokens, mask, categories, prices);
  }

  /** A batch of user-tower inputs. */
  public record UserBatch(int n, long[] recentItems, float[] recentMask, long[] region, long[] ageBucket) {}

  /** One user's inputs: recent item ids (newest first; only the first {@link #MAX_RECENT} are used). */
  public record UserInput(List<String> recentItems, String region, Integer age) {}

  public static UserBatch userBatch(List<UserInput> users) {
    int n = users.size();
    long[] recent = new long[n * MAX_RECENT];
    float[] mask = new float[n * MAX_RECENT];
    long[] regions = new long[n];
    long[] ages = new long[n];
    for (int r = 0; r < n; r++) {
      UserInput u = users.get(r);
      List<String> items = u.recentItems();
      for (int k = 0; k < Math.min(MAX_RECENT, items.size()); k++) {
        recent[r * MAX_RECENT + k] = itemBucket(items.get(k));
        mask[r * MAX_RECENT + k] = 1f;
      }
      regions[r] = regionBucket(u.region());
      ages[r] = ageBucket(u.age());
    }
    return new UserBatch(n, recent, mask, regions, ages);
  }
}
