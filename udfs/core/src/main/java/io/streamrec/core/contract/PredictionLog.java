package io.streamrec.core.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * What serving showed for one request and what the ranker saw, on {@code prediction-log} (key: request_id): joined
 * with later interactions on {@code request_id}, it is point-in-time-correct training data — the features are the
 * ones the ranker used at that moment, not a later reconstruction.
 *
 * @param featureNames the ranker's feature order (from its manifest); every {@code features} array follows it
 * @param served the items in the response, best first, with their ranker features
 * @param negatives a sample of ranked candidates that were not served, with their features
 * @param ranked how many candidates the heavy ranker scored (the first stage's best)
 * @param firstStageScored how many candidates the first ranking stage scored
 * @param candidates candidates proposed per source (before filters)
 * @param filtered candidates removed per filter reason
 */
public record PredictionLog(
    @JsonProperty("request_id") String requestId,
    @JsonProperty("user_id") String userId,
    @JsonProperty("ts") long ts,
    @JsonProperty("models") RecResponse.Models models,
    @JsonProperty("degraded") boolean degraded,
    @JsonProperty("reason") String reason,
    @JsonProperty("feature_names") List<String> featureNames,
    @JsonProperty("served") List<Entry> served,
    @JsonProperty("negatives") List<Entry> negatives,
    @JsonProperty("ranked") int ranked,
    @JsonProperty("first_stage_scored") int firstStageScored,
    @JsonProperty("candidates") Map<String, Integer> candidates,
    @JsonProperty("filtered") Map<String, Integer> filtered,
    @JsonProperty("timings_ms") Map<String, Double> timingsMs) {

  /**
   * One item with what the ranking stages saw; {@code features} is empty when ranking was skipped (degraded).
   * {@code scoredBy} says which stage gave {@code score} (as {@link RecResponse.RecItem#scoredBy()});
   * {@code firstStageScore} is the first stage's score, absent when it did not score the item.
   */
  public record Entry(
      @JsonProperty("item_id") String itemId,
      @JsonProperty("rank") int rank,
      @JsonProperty("score") double score,
      @JsonProperty("sources") List<String> sources,
      @JsonProperty("features") float[] features,
      @JsonProperty("scored_by") String scoredBy,
      @JsonProperty("first_stage_score") Double firstStageScore) {
    public Entry(String itemId, int rank, double score, List<String> sources, float[] features) {
      this(itemId, rank, score, sources, features, RecResponse.RecItem.RETRIEVAL, null);
    }
  }
}
