package io.streamrec.core.features;

import java.io.Serializable;

/**
 * Exponentially decayed counts kept in log space against a fixed reference time.
 *
 * <p>A count {@code c(t) = Σ w_i · 2^{-(t - t_i)/h}} is stored as {@code L = ln Σ w_i · 2^{(t_i - T0)/h}}. Adding
 * an event is one log-add-exp; reading the count at any time {@code t} is {@code exp(L - ln2·(t - T0)/h)}. Because
 * every item decays at the same rate, ordering items by {@code L} is the same as ordering them by their decayed
 * count at any instant, and {@code L} never decreases when weights are positive — which is what lets
 * {@link TopNBoard} keep an exact top-N without rescanning.
 */
public final class ExponentialDecay implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The reference instant T0 (2000-01-01T00:00:00Z); any fixed value works, this keeps L small. */
  public static final long REF_TS = 946_684_800_000L;

  private static final double LN2 = Math.log(2);

  private final long halfLifeMs;

  public ExponentialDecay(long halfLifeMs) {
    if (halfLifeMs <= 0) {
      throw new IllegalArgumentException("half-life must be positive, got " + halfLifeMs + " ms");
    }
    this.halfLifeMs = halfLifeMs;
  }

  public long halfLifeMs() {
    return halfLifeMs;
  }

  /** The log score of an empty count. */
  public static double empty() {
    return Double.NEGATIVE_INFINITY;
  }

  private double logGrowth(long ts) {
    return LN2 * (ts - REF_TS) / halfLifeMs;
  }

  /** Adds an event of {@code weight} (> 0) at event time {@code ts} to a log score. */
  public double add(double logScore, double weight, long ts) {
    if (!(weight > 0)) {
      throw new IllegalArgumentException("weight must be positive, got " + weight);
    }
    double term = Math.log(weight) + logGrowth(ts);
    if (logScore == Double.NEGATIVE_INFINITY) {
      return term;
    }
    double hi = Math.max(logScore, term);
    double lo = Math.min(logScore, term);
    return hi + Math.log1p(Math.exp(lo - hi));
  }

  /** The decayed count at time {@code ts} represented by a log score. */
  public double valueAt(double logScore, long ts) {
    return Math.exp(logScore - logGrowth(ts));
  }
}
