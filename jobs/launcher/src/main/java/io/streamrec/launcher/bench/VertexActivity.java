package io.streamrec.launcher.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How each vertex (operator chain) of the job spent a time window, from Flink's accumulated task metrics
 * ({@code accumulateBusyTimeMs}, {@code accumulateBackPressuredTimeMs}, {@code accumulateIdleTimeMs}, summed over
 * subtasks) and its record counts. Busy is time spent processing; back-pressured is time waiting for an output
 * buffer (a slower operator downstream); idle is time waiting for input.
 */
final class VertexActivity {

  static final List<String> METRICS = List.of("accumulateBusyTimeMs", "accumulateBackPressuredTimeMs",
      "accumulateIdleTimeMs", "numRecordsIn", "numRecordsOut");

  /** The summed metrics of every vertex at one instant. */
  record Snapshot(long nanos, Map<String, Map<String, Double>> byVertexId) {}

  /** One vertex over a window: shares of its subtasks' time (0–1) and records per second. */
  record Row(String name, int parallelism, double busy, double backPressured, double idle, double recordsIn,
      double recordsInPerSecond, double recordsOutPerSecond) {}

  private VertexActivity() {}

  static Snapshot snapshot(RestMetrics rest, String jobId, List<RestMetrics.Vertex> vertices) throws IOException {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    for (RestMetrics.Vertex v : vertices) {
      out.put(v.id(), rest.aggregate(jobId, v.id(), METRICS, "sum"));
    }
    return new Snapshot(System.nanoTime(), out);
  }

  /** A snapshot of all zeros: the state at task start, when the window starts with the job. */
  static Snapshot zero(long nanos, List<RestMetrics.Vertex> vertices) {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    vertices.forEach(v -> out.put(v.id(), Map.of()));
    return new Snapshot(nanos, out);
  }

  static List<Row> between(Snapshot a, Snapshot b, List<RestMetrics.Vertex> vertices) {
    double seconds = (b.nanos() - a.nanos()) / 1e9;
    List<Row> rows = new ArrayList<>();
    for (RestMetrics.Vertex v : vertices) {
      Map<String, Double> x = a.byVertexId().getOrDefault(v.id(), Map.of());
      Map<String, Double> y = b.byVertexId().getOrDefault(v.id(), Map.of());
      double busy = delta(x, y, "accumulateBusyTimeMs");
      double back = delta(x, y, "accumulateBackPressuredTimeMs");
      double idle = delta(x, y, "accumulateIdleTimeMs");
      // Shares of the time the subtasks accounted for; close to wall time × parallelism.
      double accounted = busy + back + idle;
      double denominator = accounted > 0 ? accounted : seconds * 1000 * v.parallelism();
      double in = delta(x, y, "numRecordsIn");
      double outRecords = delta(x, y, "numRecordsOut");
      rows.add(new Row(v.shortName(), v.parallelism(), busy / denominator, back / denominator, idle / denominator,
          in, seconds > 0 ? in / seconds : 0, seconds > 0 ? outRecords / seconds : 0));
    }
    return rows;
  }

  private static double delta(Map<String, Double> a, Map<String, Double> b, String metric) {
    double end = b.getOrDefault(metric, 0.0);
    double start = a.getOrDefault(metric, 0.0);
    return Double.isFinite(end - start) ? Math.max(0, end - start) : 0;
  }
}
