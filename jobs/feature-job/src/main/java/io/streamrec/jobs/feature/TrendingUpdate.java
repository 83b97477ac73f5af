package io.streamrec.jobs.feature;

import io.streamrec.core.features.TopNBoard;

/** A region's trending board after a change, on its way to the store. */
public final class TrendingUpdate {
  public String region;
  public TopNBoard board;
  /** Event time of the newest event in the board. */
  public long updatedAt;
  /** The store write's version (see FeatureVersion). */
  public long version;

  public TrendingUpdate() {}

  public static TrendingUpdate of(String region, TopNBoard board, long updatedAt, long version) {
    TrendingUpdate u = new TrendingUpdate();
    u.region = region;
    u.board = board;
    u.updatedAt = updatedAt;
    u.version = version;
    return u;
  }
}
