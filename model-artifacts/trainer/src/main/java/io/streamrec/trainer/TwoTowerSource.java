package io.streamrec.trainer;

import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.core.model.TwoTowerWeights;
import io.streamrec.datasets.eval.CandidateSource;
import io.streamrec.datasets.eval.Recommender;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Retrieval with trained towers: every catalog item's vector, a user's vector from their history as of the request,
 * and an exact top-n by dot product (the index job serves the same vectors from an ANN index).
 */
public final class TwoTowerSource implements CandidateSource, Recommender {
  private final List<String> itemIds;
  private final float[][] itemVectors;
  private final Function<String, float[]> userVectors;

  /** Retrieval over precomputed item vectors (ids in the same order) and a way to get a user's vector. */
  public TwoTowerSource(List<String> itemIds, float[][] itemVectors, Function<String, float[]> userVectors) {
    this.itemIds = List.copyOf(itemIds);
    this.itemVectors = itemVectors;
    this.userVectors = userVectors;
  }

  /** The catalog in a fixed order (by id), as the batch the item tower scores. */
  public static List<TwoTowerInputs.ItemInput> sortedCatalog(Collection<TwoTowerInputs.ItemInput> catalog) {
    List<TwoTowerInputs.ItemInput> items = new ArrayList<>(catalog);
    items.sort(java.util.Comparator.comparing(TwoTowerInputs.ItemInput::itemId));
    return items;
  }

  /** The user side as serving has it: recent items (newest first), region, no age in this data. */
  public static TwoTowerInputs.UserInput userInput(String userId, TwoTowerData.Histories histories,
      Map<String, String> regions) {
    return new TwoTowerInputs.UserInput(histories.recentItems(userId), regions.get(userId), null);
  }

  /** Retrieval computed with the plain-Java forward pass of trained weights. */
  public static TwoTowerSource fromWeights(TwoTowerWeights weights, Collection<TwoTowerInputs.ItemInput> catalog,
      TwoTowerData.Histories histories, Map<String, String> regions) {
    List<TwoTowerInputs.ItemInput> items = sortedCatalog(catalog);
    float[][] vectors = TwoTowerReference.itemVectors(weights, TwoTowerInputs.itemBatch(items));
    return new TwoTowerSource(items.stream().map(TwoTowerInputs.ItemInput::itemId).toList(), vectors,
        user -> TwoTowerReference.userVectors(weights,
            TwoTowerInputs.userBatch(List.of(userInput(user, histories, regions))))[0]);
  }

  @Override
  public String name() {
    return "two-tower";
  }

  @Override
  public List<Candidate> candidates(String userId, int n, Set<String> exclude) {
    float[] u = userVectors.apply(userId);
    double[] scores = new double[itemVectors.length];
    for (int i = 0; i < itemVectors.length; i++) {
      double s = 0;
      float[] v = itemVectors[i];
      for (int j = 0; j < u.length; j++) {
        s += u[j] * v[j];
      }
      scores[i] = s;
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < scores.length; i++) {
      if (!exclude.contains(itemIds.get(i))) {
        order.add(i);
      }
    }
    order.sort((a, b) -> scores[a] != scores[b] ? Double.compare(scores[b], scores[a])
        : itemIds.get(a).compareTo(itemIds.get(b)));
    List<Candidate> out = new ArrayList<>(n);
    for (int i : order.subList(0, Math.min(n, order.size()))) {
      out.add(new Candidate(itemIds.get(i), scores[i]));
    }
    return out;
  }

  @Override
  public List<String> recommend(String userId, int k, Set<String> exclude) {
    return candidates(userId, k, exclude).stream().map(Candidate::itemId).toList();
  }
}
