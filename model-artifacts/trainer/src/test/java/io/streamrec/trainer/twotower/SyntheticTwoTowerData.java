package io.streamrec.trainer.twotower;

import io.streamrec.core.model.TwoTowerInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded interaction set with planted structure: users belong to one of {@code groups} taste groups, and group g
 * buys items of category g (whose titles use that category's words) with probability {@link #IN_GROUP}, Zipf-popular
 * within the category; otherwise a uniformly random item. Each user's last purchase is the validation example
 * (temporal split), the earlier ones the training examples; a user's history is their earlier purchases, newest
 * first.
 */
final class SyntheticTwoTowerData {
  static final double IN_GROUP = 0.85;
  static final String[] REGIONS = {"GB", "DE", "FR", "NL"};
  private static final String[] GENERIC = {"set", "pack", "large", "small", "vintage", "classic", "deluxe", "mini",
      "gift", "home", "new", "style"};

  final int groups;
  final List<TwoTowerInputs.ItemInput> items = new ArrayList<>();
  final List<TwoTowerExample> train = new ArrayList<>();
  final List<TwoTowerExample> validation = new ArrayList<>();
  /** Group of each user, by user index; {@link #users} holds each user's final state (full history). */
  final List<Integer> userGroup = new ArrayList<>();
  final List<TwoTowerInputs.UserInput> users = new ArrayList<>();

  SyntheticTwoTowerData(int groups, int itemCount, int userCount, int purchasesPerUser, long seed) {
    this.groups = groups;
    Random random = new Random(seed);
    List<List<Integer>> byCategory = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      byCategory.add(new ArrayList<>());
    }
    for (int i = 0; i < itemCount; i++) {
      int g = i % groups;
      byCategory.get(g).add(i);
      items.add(newItem("item-" + i, g, random));
    }
    for (int u = 0; u < userCount; u++) {
      int g = u % groups;
      userGroup.add(g);
      String region = REGIONS[random.nextInt(REGIONS.length)];
      int age = 18 + random.nextInt(50);
      List<String> history = new ArrayList<>(); // newest first
      for (int p = 0; p < purchasesPerUser; p++) {
        int item;
        if (random.nextDouble() < IN_GROUP) {
          List<Integer> pool = byCategory.get(g);
          item = pool.get(zipf(pool.size(), random));
        } else {
          item = random.nextInt(itemCount);
        }
        TwoTowerExample ex = new TwoTowerExample(
            new TwoTowerInputs.UserInput(List.copyOf(history), region, age), items.get(item));
        (p == purchasesPerUser - 1 ? validation : train).add(ex);
        history.add(0, items.get(item).itemId());
      }
      users.add(new TwoTowerInputs.UserInput(List.copyOf(history), region, age));
    }
  }

  /** The standard test set: 10 groups, 200 items, 250 users × 9 purchases = 2,000 train + 250 validation. */
  static SyntheticTwoTowerData standard(long seed) {
    return new SyntheticTwoTowerData(10, 200, 250, 9, seed);
  }

  /** An item of category {@code group} with a title made of that category's words. */
  static TwoTowerInputs.ItemInput newItem(String id, int group, Random random) {
    String title = categoryWord(group, random.nextInt(6)) + " " + categoryWord(group, random.nextInt(6)) + " "
        + GENERIC[random.nextInt(GENERIC.length)];
    double price = Math.exp(random.nextGaussian() + 1.5);
    return new TwoTowerInputs.ItemInput(id, title, "category-" + group, price);
  }

  private static String categoryWord(int group, int k) {
    return "w" + group + "x" + k;
  }

  /** Zipf(s = 0.5) rank in 0 … n-1. */
  private static int zipf(int n, Random random) {
    double total = 0;
    for (int r = 1; r <= n; r++) {
      total += 1.0 / Math.sqrt(r);
    }
    double x = random.nextDouble() * total;
    for (int r = 1; r <= n; r++) {
      x -= 1.0 / Math.sqrt(r);
      if (x <= 0) {
        return r - 1;
      }
    }
    return n - 1;
  }
}
