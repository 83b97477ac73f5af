package io.streamrec.trainer.ranker;

import io.streamrec.core.features.FeatureReplay;
import io.streamrec.core.features.ItemFeatureView;
import io.streamrec.core.model.RankerFeatures;
import io.streamrec.datasets.eval.CandidateSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ranker rows for a set of requests at one instant: for each user, the candidates retrieval would have returned
 * (so negatives are the hard ones the ranker actually has to sort, not random items), with point-in-time features
 * and a label saying whether the user bought the item afterwards.
 *
 * @param features row-major, {@link RankerFeatures#SIZE} per row
 * @param users the user of each row, and {@code items} its candidate, for scoring back
 */
public record RankerData(float[] features, float[] labels, List<String> users, List<String> items) {

  public int rows() {
    return labels.length;
  }

  public static RankerData build(FeatureReplay replay, long asOf, Iterable<String> users,
      Map<String, Set<String>> history, Map<String, Set<String>> bought, CandidateSource source, int perUser) {
    List<float[]> rows = new ArrayList<>();
    List<Float> labels = new ArrayList<>();
    List<String> rowUsers = new ArrayList<>();
    List<String> rowItems = new ArrayList<>();
    for (String user : users) {
      RankerFeatures.UserContext u = RankerFeatures.UserContext.of(replay.user(user, asOf));
      Set<String> future = bought.getOrDefault(user, Set.of());
      for (CandidateSource.Candidate c : source.candidates(user, perUser, history.getOrDefault(user, Set.of()))) {
        ItemFeatureView item = replay.item(c.itemId(), asOf);
        float[] row = new float[RankerFeatures.SIZE];
        RankerFeatures.write(u, item, c.score(), row, 0);
        rows.add(row);
        labels.add(future.contains(c.itemId()) ? 1f : 0f);
        rowUsers.add(user);
        rowItems.add(c.itemId());
      }
    }
    float[] flat = new float[rows.size() * RankerFeatures.SIZE];
    for (int r = 0; r < rows.size(); r++) {
      System.arraycopy(rows.get(r), 0, flat, r * RankerFeatures.SIZE, RankerFeatures.SIZE);
    }
    float[] y = new float[labels.size()];
    for (int r = 0; r < y.length; r++) {
      y[r] = labels.get(r);
    }
    return new RankerData(flat, y, rowUsers, rowItems);
  }

  public double positiveRate() {
    double p = 0;
    for (float l : labels) {
      p += l;
    }
    return labels.length == 0 ? 0 : p / labels.length;
  }
}
