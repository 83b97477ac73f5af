package io.streamrec.jobs.feature;

import io.streamrec.core.features.TopNBoard;

/** A region's trending board after a change, on its way to the store. */
public final class TrendingUpdate {
  public String region;
  public TopNBoard board;
  /** Event time of the newest event in the board; the store write's version. */
  public long updatedAt;

  public TrendingUpdate() {}

  public static TrendingUpdate of(String region, TopNBoard board, long updatedAt) {
    TrendingUpdate u = new TrendingUpdate();
    u.region = region;
    u.board = board;
    u.updatedAt = updatedAt;
    return u;
  }
}
