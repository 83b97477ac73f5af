package io.streamrec.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The read side of Flink's REST API that the benchmarks need: a job's vertices and their aggregated subtask
 * metrics ({@code GET /jobs/:jid/vertices/:vid/subtasks/metrics?get=...&agg=sum}), as the web UI shows them.
 *
 * <p>Two facts about these metrics shape how they are used:
 *
 * <ul>
 *   <li>They are not live: the REST endpoint serves a copy that the JobManager's {@code MetricFetcher} refreshes at
 *       most every {@code metrics.fetcher.update-interval} (10 s by default; the benchmark sets 200 ms).
 *   <li>Operator metrics are named {@code <operator name>.<metric>}, with the characters {@code ' ' , . :} of the
 *       operator name replaced by {@code _} (Flink's {@code MetricQueryService}); so "feature store: users: Writer"
 *       becomes {@code feature_store__users__Writer}. {@link #operatorMetricIds} finds them by suffix.
 * </ul>
 */
public final class RestMetrics {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One vertex (operator chain) of a running job. */
  public record Vertex(String id, String name, int parallelism, String status) {
    /** The chain's first operator, e.g. "item features" for "item features -> (feature store: items: Writer, ...)". */
    public String shortName() {
      return shortNameOf(name);
    }
  }

  /** The job's state and vertices, from {@code GET /jobs/:jid} (served from the execution graph: always current). */
  public record JobView(String state, List<Vertex> vertices) {
    public boolean allRunning() {
      return "RUNNING".equals(state) && !vertices.isEmpty()
          && vertices.stream().allMatch(v -> "RUNNING".equals(v.status()));
    }

    /** The vertex whose chain starts with {@code prefix}; fails with the vertex names if there is none. */
    public Vertex vertexStartingWith(String prefix) {
      return findVertex(vertices, prefix).orElseThrow(() -> new IllegalStateException(
          "no vertex starts with '" + prefix + "'; vertices: "
              + vertices.stream().map(Vertex::name).toList()));
    }
  }

  /** One checkpoint from {@code GET /jobs/:jid/checkpoints} (its history holds {@code web.checkpoints.history}). */
  public record Checkpoint(long id, String status, long triggerMs, long durationMs, long stateSizeBytes) {}

  private final URI base;
  private final HttpClient http;

  public RestMetrics(URI base) {
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  public JobView job(String jobId) throws IOException {
    return parseJob(get("/jobs/" + jobId));
  }

  /** The checkpoints Flink still remembers, oldest first. */
  public List<Checkpoint> checkpoints(String jobId) throws IOException {
    return parseCheckpoints(get("/jobs/" + jobId + "/checkpoints"));
  }

  /** The ids of every metric the vertex's subtasks report (task metrics and operator metrics). */
  public List<String> metricIds(String jobId, String vertexId) throws IOException {
    List<String> ids = new ArrayList<>();
    for (JsonNode n : get("/jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics")) {
      ids.add(n.path("id").asText());
    }
    return ids;
  }

  /**
   * The metrics {@code ids} aggregated over the vertex's subtasks with {@code agg} (sum, max, min or avg). Metrics
   * the vertex does not (yet) report are absent from the result.
   */
  public Map<String, Double> aggregate(String jobId, String vertexId, Collection<String> ids, String agg)
      throws IOException {
    if (ids.isEmpty()) {
      return Map.of();
    }
    String get = ids.stream().map(id -> URLEncoder.encode(id, StandardCharsets.UTF_8))
        .collect(Collectors.joining(","));
    return parseAggregates(
        get("/jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics?get=" + get + "&agg=" + agg), agg);
  }

  /** One aggregated metric, or {@code fallback} if the vertex does not report it. */
  public double aggregate(String jobId, String vertexId, String id, String agg, double fallback) throws IOException {
    return aggregate(jobId, vertexId, List.of(id), agg).getOrDefault(id, fallback);
  }

  JsonNode get(String pathAndQuery) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
        .timeout(Duration.ofSeconds(30)).GET().build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: GET " + pathAndQuery, e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new IOException("GET " + pathAndQuery + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  // ---- parsing, kept static for tests ----

  static JobView parseJob(JsonNode job) {
    List<Vertex> vertices = new ArrayList<>();
    for (JsonNode v : job.path("vertices")) {
      vertices.add(new Vertex(v.path("id").asText(), v.path("name").asText(), v.path("parallelism").asInt(),
          v.path("status").asText()));
    }
    return new JobView(job.path("state").asText(), List.copyOf(vertices));
  }

  static List<Checkpoint> parseCheckpoints(JsonNode answer) {
    List<Checkpoint> out = new ArrayList<>();
    for (JsonNode c : answer.path("history")) {
      out.add(new Checkpoint(c.path("id").asLong(), c.path("status").asText(), c.path("trigger_timestamp").asLong(),
          c.path("end_to_end_duration").asLong(), c.path("state_size").asLong()));
    }
    out.sort(java.util.Comparator.comparingLong(Checkpoint::id));
    return out;
  }

  /** {@code [{"id": "numRecordsIn", "sum": 12.0}, ...]} → {numRecordsIn=12.0}; entries without the value are skipped. */
  static Map<String, Double> parseAggregates(JsonNode answer, String agg) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (JsonNode n : answer) {
      JsonNode value = n.get(agg);
      if (value != null && !value.isNull()) {
        double d = value.isNumber() ? value.asDouble() : parseDouble(value.asText());
        if (!Double.isNaN(d)) {
          out.put(n.path("id").asText(), d);
        }
      }
    }
    return out;
  }

  private static double parseDouble(String s) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** Operator metric ids ({@code <operator>.<metric>}) whose metric part is {@code metric}. */
  static List<String> operatorMetricIds(List<String> ids, String metric) {
    return ids.stream().filter(id -> id.endsWith("." + metric)).toList();
  }

  /** Operator metric ids whose metric part starts with {@code metricPrefix} (e.g. {@code interactions_}). */
  static List<String> operatorMetricIdsWithPrefix(List<String> ids, String metricPrefix) {
    return ids.stream()
        .filter(id -> {
          int dot = id.lastIndexOf('.');
          return dot > 0 && id.substring(dot + 1).startsWith(metricPrefix);
        })
        .toList();
  }

  /** How Flink writes an operator name into a metric id (see the class comment). */
  static String metricName(String operatorName) {
    return operatorName.replaceAll("[ ,.:]", "_");
  }

  static Optional<Vertex> findVertex(List<Vertex> vertices, String prefix) {
    return vertices.stream().filter(v -> v.name().startsWith(prefix)).findFirst();
  }

  static String shortNameOf(String chainName) {
    int arrow = chainName.indexOf(" -> ");
    String first = arrow < 0 ? chainName : chainName.substring(0, arrow);
    return first.toLowerCase(Locale.ROOT).startsWith("source: ") ? first.substring("Source: ".length()) : first;
  }
}
