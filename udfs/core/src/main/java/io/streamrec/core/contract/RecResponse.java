package io.streamrec.core.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer to one {@link RecRequest}, on {@code rec-responses} (key: user_id).
 *
 * <p>Every request gets exactly one response. {@code degraded} says the answer is a fallback (and {@code reason}
 * why); {@code error} says the request itself was unusable, in which case {@code items} is empty.
 */
public record RecResponse(
    @JsonProperty("request_id") String requestId,
    @JsonProperty("user_id") String userId,
    @JsonProperty("items") List<RecItem> items,
    @JsonProperty("models") Models models,
    @JsonProperty("degraded") boolean degraded,
    @JsonProperty("reason") String reason,
    @JsonProperty("error") String error,
    @JsonProperty("timings_ms") Map<String, Double> timingsMs) {

  public RecResponse {
    items = items == null ? List.of() : List.copyOf(items);
    // Stage order is meaningful to a reader of the response, so keep the insertion order.
    timingsMs = timingsMs == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(timingsMs));
  }

  /** The response to a request that could not be served because it broke the contract. */
  public static RecResponse error(String requestId, String userId, String error) {
    return new RecResponse(requestId, userId, List.of(), null, false, null, error, Map.of());
  }

  /**
   * One recommended item, with the retrieval sources that proposed it and what gave its score: {@value #RANKER}
   * (the heavy ranker scored it), {@value #FIRST_STAGE} (only the first ranking stage did) or {@value #RETRIEVAL}
   * (no ranking stage ran: the merged retrieval score).
   */
  public record RecItem(
      @JsonProperty("item_id") String itemId,
      @JsonProperty("score") double score,
      @JsonProperty("rank") int rank,
      @JsonProperty("sources") List<String> sources,
      @JsonProperty("scored_by") String scoredBy) {
    public static final String RANKER = "ranker";
    public static final String FIRST_STAGE = "first_stage";
    public static final String RETRIEVAL = "retrieval";

    public RecItem {
      sources = sources == null ? List.of() : List.copyOf(sources);
    }

    /** An item scored by retrieval alone. */
    public RecItem(String itemId, double score, int rank, List<String> sources) {
      this(itemId, score, rank, sources, RETRIEVAL);
    }
  }

  /**
   * The model versions that produced a response: retrieval, the heavy ranker ({@code ranking}, "none" when it did
   * not run) and the first ranking stage (absent when it did not run).
   */
  public record Models(
      @JsonProperty("retrieval") String retrieval,
      @JsonProperty("ranking") String ranking,
      @JsonProperty("first_stage") String firstStage) {
    public Models(String retrieval, String ranking) {
      this(retrieval, ranking, null);
    }
  }
}
