package io.streamrec.jobs.serving;

/**
 * What one answered request contributes to the serving metrics: stage timings, candidates per source, drops per
 * filter. Sent by the function on its own egress to {@link ServingMetrics}, which owns the Flink metrics (the
 * StateFun SDK offers functions counters only). A Flink POJO of arrays, in the orders of {@link #STAGES},
 * {@code RetrievalSource} and {@code CandidateFilters.Reason}.
 */
public final class ServingStats {
  /** The timed stages, in response order ({@link io.streamrec.serving.Stage}). */
  public static final String[] STAGES = io.streamrec.serving.Stage.wireNames();

  public boolean degraded;
  /** True if the function had to answer without the pipeline (overload, restore, failure). */
  public boolean fallback;
  public double[] stageMs = new double[0];
  public int[] candidates = new int[0];
  public int[] filtered = new int[0];

  public ServingStats() {}
}
