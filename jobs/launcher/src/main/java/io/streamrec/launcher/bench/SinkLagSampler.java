package io.streamrec.launcher.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Samples the feature store sinks' own {@code featureFreshnessLagMs} histograms (wall clock at write minus the
 * newest event time of the written state), or another job's freshness histogram (the index job's
 * {@code indexFreshnessLagMs}), through the REST API while the live load runs. Each read gives the median and p99
 * of the last 1,000 writes of each subtask; the worst subtask is kept.
 */
final class SinkLagSampler {

  private record Sink(String label, String vertexId, String metricId) {}

  /** Per sink: the per-read p99s and medians. */
  record Summary(Map<String, List<double[]>> readings) {
    void print(PrintStream out) {
      if (readings.isEmpty()) {
        out.println("    (no freshness histogram found among the job's metrics)");
        return;
      }
      readings.forEach((label, list) -> {
        if (list.isEmpty()) {
          out.printf(Locale.ROOT, "    %-10s no readings%n", label);
          return;
        }
        double[] medians = list.stream().mapToDouble(r -> r[0]).sorted().toArray();
        double[] p99s = list.stream().mapToDouble(r -> r[1]).sorted().toArray();
        out.printf(Locale.ROOT, "    %-10s %d readings: median of the medians %.0f ms; p99 median %.0f ms, "
                + "worst %.0f ms%s%n", label, list.size(), medians[medians.length / 2], p99s[p99s.length / 2],
            p99s[p99s.length - 1], label.equals("trending")
                ? " (not a freshness: a board is written only when it changes, so its last 1,000 writes reach "
                    + "back into the backlog)" : "");
      });
    }
  }

  private final RestMetrics rest;
  private final String jobId;
  private final List<Sink> sinks;
  private final Map<String, List<double[]>> readings = new LinkedHashMap<>();

  private SinkLagSampler(RestMetrics rest, String jobId, List<Sink> sinks) {
    this.rest = rest;
    this.jobId = jobId;
    this.sinks = sinks;
    sinks.forEach(s -> readings.put(s.label(), new ArrayList<>()));
  }

  /** Finds the sinks' histograms (users first) among the job's operator metrics. */
  static SinkLagSampler find(RestMetrics rest, String jobId, List<RestMetrics.Vertex> vertices) throws IOException {
    return find(rest, jobId, vertices, "featureFreshnessLagMs");
  }

  /** Finds every operator's histogram named {@code histogram} (e.g. {@code indexFreshnessLagMs}). */
  static SinkLagSampler find(RestMetrics rest, String jobId, List<RestMetrics.Vertex> vertices, String histogram)
      throws IOException {
    List<Sink> found = new ArrayList<>();
    for (RestMetrics.Vertex v : vertices) {
      for (String id : RestMetrics.operatorMetricIds(rest.metricIds(jobId, v.id()), histogram + "_p99")) {
        String base = id.substring(0, id.length() - "_p99".length());
        found.add(new Sink(labelOf(base), v.id(), base));
      }
    }
    found.sort((a, b) -> Integer.compare(order(a.label()), order(b.label())));
    return new SinkLagSampler(rest, jobId, found);
  }

  private static String labelOf(String metricBase) {
    String s = metricBase.toLowerCase(Locale.ROOT);
    for (String kind : List.of("users", "items", "trending")) {
      if (s.contains(kind)) {
        return kind;
      }
    }
    return metricBase;
  }

  private static int order(String label) {
    return switch (label) {
      case "users" -> 0;
      case "items" -> 1;
      case "trending" -> 2;
      default -> 3;
    };
  }

  synchronized void sample() {
    for (Sink s : sinks) {
      try {
        Map<String, Double> m = rest.aggregate(jobId, s.vertexId(),
            List.of(s.metricId() + "_median", s.metricId() + "_p99"), "max");
        Double median = m.get(s.metricId() + "_median");
        Double p99 = m.get(s.metricId() + "_p99");
        if (median != null && p99 != null) {
          readings.get(s.label()).add(new double[] {median, p99});
        }
      } catch (IOException | RuntimeException e) {
        // a missed reading is only a smaller sample
      }
    }
  }

  synchronized Summary summary() {
    Map<String, List<double[]>> copy = new LinkedHashMap<>();
    readings.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return new Summary(copy);
  }
}
