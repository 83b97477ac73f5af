package io.streamrec.core.serving;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * One item proposed for a request: the sources that proposed it (de-duplicated across sources), its merged
 * retrieval score, the two-tower score when the ANN source proposed it (the ranker's {@code retrieval_score}), and,
 * after ranking, the ranker's score.
 */
public final class Candidate {
  private final String itemId;
  private final EnumSet<RetrievalSource> sources = EnumSet.noneOf(RetrievalSource.class);
  private double mergedScore;
  private double annScore = Double.NaN;
  private double rankScore = Double.NaN;
  private double firstStageScore = Double.NaN;
  private io.streamrec.core.features.ItemFeatureView features;
  private float[] itemRow;

  public Candidate(String itemId) {
    this.itemId = itemId;
  }

  /**
   * The item's features as read for this request and its part of the ranker's row (read-only, shared), once the
   * catalog lookup has attached them; null before, or when the store has no record of the item.
   */
  public io.streamrec.core.features.ItemFeatureView features() {
    return features;
  }

  public float[] itemRow() {
    return itemRow;
  }

  public void attachFeatures(io.streamrec.core.features.ItemFeatureView view, float[] row) {
    this.features = view;
    this.itemRow = row;
  }

  public String itemId() {
    return itemId;
  }

  public EnumSet<RetrievalSource> sources() {
    return sources;
  }

  public List<String> sourceNames() {
    List<String> out = new ArrayList<>(sources.size());
    sources.forEach(s -> out.add(s.wireName()));
    return out;
  }

  /** The weighted reciprocal-rank fusion of the sources' rankings (see {@link CandidateMerger}). */
  public double mergedScore() {
    return mergedScore;
  }

  void addMerged(double s) {
    mergedScore += s;
  }

  /**
   * Inner product of user and item vector (the two-tower score): from the ANN source for its candidates, set by
   * serving for the others; NaN when unknown (e.g. a user with no recent items has no user vector).
   */
  public double annScore() {
    return annScore;
  }

  void annScore(double s) {
    annScore = s;
  }

  /** Sets the two-tower score of a candidate the ANN source did not propose. */
  public void setTwoTowerScore(double s) {
    annScore = s;
  }

  /** The ranker's score, NaN before ranking (or when ranking was skipped). */
  public double rankScore() {
    return rankScore;
  }

  public void rankScore(double s) {
    rankScore = s;
  }

  /** The first ranking stage's score, NaN before (or without) it. */
  public double firstStageScore() {
    return firstStageScore;
  }

  public void firstStageScore(double s) {
    firstStageScore = s;
  }

  /**
   * The score a response shows: the ranker's when it scored the candidate, else the first stage's, else the merged
   * retrieval score; {@link #scoredBy()} says which.
   */
  public double finalScore() {
    if (!Double.isNaN(rankScore)) {
      return rankScore;
    }
    return Double.isNaN(firstStageScore) ? mergedScore : firstStageScore;
  }

  /** Which stage gave {@link #finalScore()}: a {@code RecResponse.RecItem} scored-by value. */
  public String scoredBy() {
    if (!Double.isNaN(rankScore)) {
      return io.streamrec.core.contract.RecResponse.RecItem.RANKER;
    }
    return Double.isNaN(firstStageScore) ? io.streamrec.core.contract.RecResponse.RecItem.RETRIEVAL
        : io.streamrec.core.contract.RecResponse.RecItem.FIRST_STAGE;
  }

  @Override
  public String toString() {
    return itemId + sources + String.format(java.util.Locale.ROOT, "(merged=%.4f ann=%.3f first=%.3f rank=%.3f)",
        mergedScore, annScore, firstStageScore, rankScore);
  }
}
