package io.streamrec.trainer.ranker;

import io.streamrec.core.features.FeatureReplay;
import io.streamrec.core.model.RankerFeatures;
import io.streamrec.datasets.eval.CandidateSource;
import io.streamrec.datasets.eval.Recommender;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import ml.dmlc.xgboost4j.java.Booster;

/** Retrieval then ranking, as serving does it: the source's top candidates re-scored by the ranker. */
public final class RankedRecommender implements Recommender {
  private final String name;
  private final CandidateSource source;
  private final RowScorer scorer;
  private final FeatureReplay features;
  private final long asOf;
  private final int candidates;

  /** Scores ranker rows (row-major, {@link RankerFeatures#SIZE} per row): XGBoost itself, or the ONNX export. */
  @FunctionalInterface
  public interface RowScorer {
    float[] score(float[] rows, int n) throws Exception;
  }

  public static RowScorer xgboost(Booster booster) {
    return (rows, n) -> RankerTrainer.margins(booster, rows, n);
  }

  public RankedRecommender(String name, CandidateSource source, RowScorer scorer, FeatureReplay features, long asOf,
      int candidates) {
    this.name = name;
    this.source = source;
    this.scorer = scorer;
    this.features = features;
    this.asOf = asOf;
    this.candidates = candidates;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<String> recommend(String userId, int k, Set<String> exclude) {
    List<CandidateSource.Candidate> cands = source.candidates(userId, candidates, exclude);
    if (cands.isEmpty()) {
      return List.of();
    }
    RankerFeatures.UserContext user = RankerFeatures.UserContext.of(features.user(userId, asOf));
    float[] rows = new float[cands.size() * RankerFeatures.SIZE];
    for (int i = 0; i < cands.size(); i++) {
      RankerFeatures.write(user, features.item(cands.get(i).itemId(), asOf), cands.get(i).score(), rows,
          i * RankerFeatures.SIZE);
    }
    float[] scores;
    try {
      scores = scorer.score(rows, cands.size());
    } catch (Exception e) {
      throw new IllegalStateException("ranker failed", e);
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < cands.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparing(i -> i));
    List<String> out = new ArrayList<>(k);
    for (int i : order.subList(0, Math.min(k, order.size()))) {
      out.add(cands.get(i).itemId());
    }
    return out;
  }
}
