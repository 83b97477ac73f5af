package io.streamrec.core.training;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.streamrec.core.contract.RecResponse;
import java.util.List;

/**
 * One labelled example, on {@code training-examples} (key: user_id) and in the training-log job's files (one JSON
 * object per line): an item the ranker scored for a request, the features it saw then (point in time, in the order
 * of {@code feature_names}; {@code null} for a missing value), and whether a positive event followed within the
 * label window. See docs/contracts.md.
 *
 * @param schemaVersion {@value #SCHEMA_VERSION}; readers refuse versions they do not know
 * @param served true for an item of the response, false for a sampled unserved candidate (a negative by design)
 * @param label 1 when a positive event matched, else 0
 * @param positiveType the strongest positive type that matched (the settings' order), absent when label is 0
 * @param labelTs event time of the earliest matching event of that type, absent when label is 0
 * @param matchedBy {@value #BY_REQUEST} when such an event named the request, {@value #BY_USER_ITEM} when it named
 *     none and matched by user and item; absent when label is 0
 */
public record TrainingExample(
    @JsonProperty("schema_version") int schemaVersion,
    @JsonProperty("request_id") String requestId,
    @JsonProperty("user_id") String userId,
    @JsonProperty("item_id") String itemId,
    @JsonProperty("served_at") long servedAt,
    @JsonProperty("served") boolean served,
    @JsonProperty("rank") int rank,
    @JsonProperty("score") Double score,
    @JsonProperty("scored_by") String scoredBy,
    @JsonProperty("first_stage_score") Double firstStageScore,
    @JsonProperty("sources") List<String> sources,
    @JsonProperty("models") RecResponse.Models models,
    @JsonProperty("label") int label,
    @JsonProperty("positive_type") String positiveType,
    @JsonProperty("label_ts") Long labelTs,
    @JsonProperty("matched_by") String matchedBy,
    @JsonProperty("feature_names") List<String> featureNames,
    @JsonProperty("features") Float[] features) {

  public static final int SCHEMA_VERSION = 1;
  public static final String BY_REQUEST = "request_id";
  public static final String BY_USER_ITEM = "user_item";

  /** The example of a closed entry of {@code userId}. */
  public static TrainingExample of(String userId, ServedEntry e) {
    Float[] features = new Float[e.features.length];
    for (int i = 0; i < features.length; i++) {
      features[i] = Float.isNaN(e.features[i]) ? null : e.features[i];
    }
    boolean positive = e.isPositive();
    RecResponse.Models models = e.retrievalModel == null && e.rankingModel == null && e.firstStageModel == null
        ? null : new RecResponse.Models(e.retrievalModel, e.rankingModel, e.firstStageModel);
    return new TrainingExample(SCHEMA_VERSION, e.requestId, userId, e.itemId, e.servedAt, e.served, e.rank,
        Double.isNaN(e.score) ? null : e.score, e.scoredBy,
        Double.isNaN(e.firstStageScore) ? null : e.firstStageScore, List.of(e.sources), models,
        positive ? 1 : 0, positive ? e.positiveType().wireName() : null, positive ? e.labelTs : null,
        positive ? (e.labelByRequest ? BY_REQUEST : BY_USER_ITEM) : null, List.of(e.featureNames), features);
  }
}
