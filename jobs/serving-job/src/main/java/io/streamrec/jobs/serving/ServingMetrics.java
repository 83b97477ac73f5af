package io.streamrec.jobs.serving;

import io.streamrec.core.serving.CandidateFilters;
import io.streamrec.core.serving.RetrievalSource;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;

/**
 * The serving metrics in the Flink web UI (operator "serving metrics"): {@code requestsPerSecond},
 * {@code requests}, {@code degraded}, {@code fallbacks}, a latency histogram per stage
 * in microseconds ({@code stageUs_features}, ..., {@code stageUs_total}), candidates per source ({@code candidates_ann}, ...) and
 * drops per filter ({@code filtered_bought}, {@code filtered_age}, ...).
 */
final class ServingMetrics extends RichSinkFunction<ServingStats> {
  private static final long serialVersionUID = 1L;

  private transient Counter requests;
  private transient Counter degraded;
  private transient Counter fallbacks;
  private transient Histogram[] stages;
  private transient Counter[] candidates;
  private transient Counter[] filtered;

  @Override
  public void open(Configuration parameters) {
    MetricGroup g = getRuntimeContext().getMetricGroup();
    requests = g.counter("requests");
    g.meter("requestsPerSecond", new MeterView(requests));
    degraded = g.counter("degraded");
    fallbacks = g.counter("fallbacks");
    stages = new Histogram[ServingStats.STAGES.length];
    for (int i = 0; i < stages.length; i++) {
      stages[i] = g.histogram("stageUs_" + ServingStats.STAGES[i], new DescriptiveStatisticsHistogram(1000));
    }
    RetrievalSource[] sources = RetrievalSource.values();
    candidates = new Counter[sources.length];
    for (int i = 0; i < sources.length; i++) {
      candidates[i] = g.counter("candidates_" + sources[i].wireName());
    }
    CandidateFilters.Reason[] reasons = CandidateFilters.Reason.values();
    filtered = new Counter[reasons.length];
    for (int i = 0; i < reasons.length; i++) {
      filtered[i] = g.counter("filtered_" + reasons[i].wireName());
    }
  }

  @Override
  public void invoke(ServingStats s, Context context) {
    requests.inc();
    if (s.degraded) {
      degraded.inc();
    }
    if (s.fallback) {
      fallbacks.inc();
    }
    for (int i = 0; i < Math.min(s.stageMs.length, stages.length); i++) {
      if (s.stageMs[i] >= 0) {
        // Histograms hold longs: microseconds keep sub-millisecond stages visible.
        stages[i].update(Math.round(s.stageMs[i] * 1000));
      }
    }
    for (int i = 0; i < Math.min(s.candidates.length, candidates.length); i++) {
      candidates[i].inc(s.candidates[i]);
    }
    for (int i = 0; i < Math.min(s.filtered.length, filtered.length); i++) {
      filtered[i].inc(s.filtered[i]);
    }
  }
}
