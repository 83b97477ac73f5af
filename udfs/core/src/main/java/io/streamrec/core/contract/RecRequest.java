package io.streamrec.core.contract;

import java.util.Arrays;
import java.util.Objects;

/** A request for a page of recommendations on {@code rec-requests} (key: user_id). */
public final class RecRequest {
  public String requestId;
  public String userId;
  public long ts;
  /** How many items to return, 1..{@value Limits#MAX_K}; {@value Limits#DEFAULT_K} when absent. */
  public int k = Limits.DEFAULT_K;
  public String region;
  public String query;
  /** Items the client does not want (already on screen, say). Never null after parsing. */
  public String[] exclude = new String[0];
  /** Latency budget for this request; {@value Limits#DEFAULT_DEADLINE_MS} ms when absent. */
  public int deadlineMs = Limits.DEFAULT_DEADLINE_MS;

  public RecRequest() {}

  public static RecRequest of(String requestId, String userId, long ts, int k) {
    RecRequest r = new RecRequest();
    r.requestId = requestId;
    r.userId = userId;
    r.ts = ts;
    r.k = k;
    return r;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof RecRequest that)) {
      return false;
    }
    return ts == that.ts
        && k == that.k
        && deadlineMs == that.deadlineMs
        && Objects.equals(requestId, that.requestId)
        && Objects.equals(userId, that.userId)
        && Objects.equals(region, that.region)
        && Objects.equals(query, that.query)
        && Arrays.equals(exclude, that.exclude);
  }

  @Override
  public int hashCode() {
    return Objects.hash(requestId, userId, ts, k);
  }

  @Override
  public String toString() {
    return "RecRequest{" + requestId + " user=" + userId + " k=" + k + " region=" + region + " @" + ts + "}";
  }
}
