package io.streamrec.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of Flink's REST API (1.16, {@code /v1} implied) that deploying jobs to a session cluster needs: upload
 * a jar, run it, watch the job, cancel it. Plain {@link HttpClient} and Jackson, so that the caller needs no Flink
 * jars. Every call throws {@link FlinkRestException} for a non-2xx answer and {@link IOException} when Flink cannot
 * be reached.
 */
public final class FlinkRestClient {

    private static final Logger LOG = LoggerFactory.getLogger(FlinkRestClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Uploading a shaded jar and running its main() in the JobManager take longer than a status call. */
    private static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    /** Globally or locally terminal job states: from these a job does not come back by itself. */
    private static final Set<String> TERMINAL_STATES = Set.of("FINISHED", "CANCELED", "FAILED", "SUSPENDED");

    /** One row of {@code GET /jobs/overview}. {@code state} is Flink's JobStatus name, e.g. RUNNING. */
    public record JobSummary(String id, String name, String state) {}

    /** {@code GET /overview}: what the cluster has and does. */
    public record ClusterOverview(
            int taskManagers, int slotsTotal, int slotsAvailable, int jobsRunning, String flinkVersion) {}

    private final URI baseUri;
    private final Duration requestTimeout;
    private final HttpClient http;

    /** @param baseUri e.g. {@code http://127.0.0.1:8081} (see {@link StandaloneFlinkCluster#restUrl()}) */
    public FlinkRestClient(URI baseUri) {
        this(baseUri, DEFAULT_REQUEST_TIMEOUT);
    }

    public FlinkRestClient(URI baseUri, Duration requestTimeout) {
        String base = Objects.requireNonNull(baseUri, "baseUri").toString();
        this.baseUri = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.http = HttpClient.newBuilder()
                // Flink's REST endpoint speaks HTTP/1.1 only; this spares every first request an h2c upgrade offer.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public URI baseUri() {
        return baseUri;
    }

    /** {@code GET /overview}. */
    public ClusterOverview overview() throws IOException {
        JsonNode body = send(get("/overview"), "GET /overview");
        return new ClusterOverview(
                body.path("taskmanagers").asInt(),
                body.path("slots-total").asInt(),
                body.path("slots-available").asInt(),
                body.path("jobs-running").asInt(),
                body.path("flink-version").asText(null));
    }

    /**
     * {@code POST /jars/upload} as {@code multipart/form-data} with the jar in field {@code jarfile}.
     *
     * @return the jar id for {@link #runJar}: the file name Flink stored it under ({@code <uuid>_<name>.jar})
     */
    public String uploadJar(Path jar) throws IOException {
        String name = jar.getFileName().toString();
        if (!name.endsWith(".jar")) {
            // Flink refuses any other name ("Only Jar files are allowed."); say so before sending megabytes.
            throw new IllegalArgumentException("Flink accepts only files named *.jar: " + jar);
        }
        if (!Files.isRegularFile(jar)) {
            throw new NoSuchFileException(jar.toString());
        }
        MultipartBody body = MultipartBody.ofFile("jarfile", jar, "application/x-java-archive");
        HttpRequest request = HttpRequest.newBuilder(uri("/jars/upload"))
                .timeout(SUBMIT_TIMEOUT)
                .header("Content-Type", body.contentType())
                .POST(body.publisher())
                .build();
        JsonNode answer = send(request, "POST /jars/upload");
        String stored = answer.path("filename").asText("");
        if (!"success".equals(answer.path("status").asText()) || stored.isEmpty()) {
            throw new IOException("unexpected answer to POST /jars/upload: " + answer);
        }
        String jarId = stored.substring(stored.lastIndexOf('/') + 1);
        LOG.info("uploaded {} ({} bytes) as {}", jar, Files.size(jar), jarId);
        return jarId;
    }

    /**
     * {@code POST /jars/:jarid/run}: runs the jar's main() in the JobManager, which submits the job and returns
     * (Flink runs it detached).
     *
     * @param entryClass the main class, or null for the jar manifest's Main-Class
     * @param programArgs passed as {@code programArgsList}, so arguments containing spaces survive intact
     * @param parallelism the job's default parallelism, or null for the cluster's
     * @return the job id
     */
    public String runJar(String jarId, String entryClass, List<String> programArgs, Integer parallelism)
            throws IOException {
        ObjectNode request = JSON.createObjectNode();
        if (entryClass != null) {
            request.put("entryClass", entryClass);
        }
        ArrayNode args = request.putArray("programArgsList");
        programArgs.forEach(args::add);
        if (parallelism != null) {
            request.put("parallelism", parallelism);
        }
        String path = "/jars/" + pathSegment(jarId) + "/run";
        JsonNode answer = send(HttpRequest.newBuilder(uri(path))
                .timeout(SUBMIT_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.toString(), StandardCharsets.UTF_8))
                .build(), "POST " + path);
        String jobId = answer.path("jobid").asText("");
        if (jobId.isEmpty()) {
            throw new IOException("unexpected answer to POST " + path + ": " + answer);
        }
        LOG.info("ran {} ({}): job {}", jarId, entryClass == null ? "manifest main class" : entryClass, jobId);
        return jobId;
    }

    /** {@code GET /jobs/overview}: every job the cluster knows, running or not. */
    public List<JobSummary> jobsOverview() throws IOException {
        JsonNode jobs = send(get("/jobs/overview"), "GET /jobs/overview").path("jobs");
        List<JobSummary> summaries = new ArrayList<>();
        for (JsonNode job : jobs) {
            summaries.add(new JobSummary(
                    job.path("jid").asText(), job.path("name").asText(), job.path("state").asText()));
        }
        return List.copyOf(summaries);
    }

    /** {@link #waitForState waitForState(jobId, "RUNNING", timeout)}. */
    public void waitForRunning(String jobId, Duration timeout) throws IOException {
        waitForState(jobId, "RUNNING", timeout);
    }

    /**
     * Waits until the job is in {@code state}. For RUNNING that also means every vertex runs: Flink reports the
     * job RUNNING as soon as it is scheduled, while its tasks may still wait for slots or deploy. (A vertex that
     * has FINISHED counts too: a bounded input may end while the job runs on.)
     *
     * @throws IllegalStateException at once if the job ends up in another terminal state (e.g. FAILED), or when
     *     the timeout passes (e.g. a job in a restart loop); either message carries the job's latest exception
     */
    public void waitForState(String jobId, String state, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String path = "/jobs/" + pathSegment(jobId);
        String seen = "unknown";
        while (true) {
            JsonNode job;
            try {
                job = send(get(path), "GET " + path);
            } catch (FlinkRestException e) {
                if (e.statusCode() != 404) {
                    throw e;
                }
                job = null; // not yet known to the dispatcher
            }
            if (job != null) {
                String current = job.path("state").asText();
                seen = current + vertexStates(job);
                if (current.equals(state) && (!"RUNNING".equals(state) || allVerticesRunning(job))) {
                    return;
                }
                if (TERMINAL_STATES.contains(current)) {
                    throw new IllegalStateException("job " + jobId + " (" + job.path("name").asText() + ") is "
                            + current + ", not " + state + latestExceptionForMessage(jobId));
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("job " + jobId + " not " + state + " within " + timeout
                        + "; last seen: " + seen + latestExceptionForMessage(jobId));
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                throw JvmProcess.interrupted("job " + jobId, e);
            }
        }
    }

    /**
     * The job's most recent failure as Flink's stack trace text ({@code GET /jobs/:id/exceptions}), if it had
     * one: the root exception of the current attempt, else the newest entry of the exception history.
     */
    public Optional<String> latestException(String jobId) throws IOException {
        String path = "/jobs/" + pathSegment(jobId) + "/exceptions";
        JsonNode body = send(get(path), "GET " + path);
        String root = body.path("root-exception").asText(null);
        if (root != null && !root.isBlank()) {
            return Optional.of(root);
        }
        for (JsonNode entry : body.path("exceptionHistory").path("entries")) {
            String trace = entry.path("stacktrace").asText(null);
            if (trace != null && !trace.isBlank()) {
                return Optional.of(trace);
            }
        }
        return Optional.empty();
    }

    /** {@code PATCH /jobs/:jobid?mode=cancel}. Returns once Flink accepted it; the job is CANCELED shortly after. */
    public void cancel(String jobId) throws IOException {
        String path = "/jobs/" + pathSegment(jobId);
        send(HttpRequest.newBuilder(uri(path + "?mode=cancel"))
                .timeout(requestTimeout)
                .method("PATCH", HttpRequest.BodyPublishers.noBody())
                .build(), "PATCH " + path + "?mode=cancel");
        LOG.info("cancelling job {}", jobId);
    }

    private String latestExceptionForMessage(String jobId) {
        try {
            return latestException(jobId)
                    .map(trace -> "; latest exception" + FlinkRestException.summarize(List.of(trace)))
                    .orElse("");
        } catch (IOException e) {
            return "; (its exceptions could not be read: " + e.getMessage() + ")";
        }
    }

    private static boolean allVerticesRunning(JsonNode job) {
        JsonNode vertices = job.path("vertices");
        if (vertices.isEmpty()) {
            return false;
        }
        for (JsonNode vertex : vertices) {
            String status = vertex.path("status").asText();
            if (!"RUNNING".equals(status) && !"FINISHED".equals(status)) {
                return false;
            }
        }
        return true;
    }

    private static String vertexStates(JsonNode job) {
        List<String> states = new ArrayList<>();
        for (JsonNode vertex : job.path("vertices")) {
            states.add(vertex.path("name").asText() + "=" + vertex.path("status").asText());
        }
        return states.isEmpty() ? "" : " " + states;
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(requestTimeout).GET().build();
    }

    private URI uri(String pathAndQuery) {
        return URI.create(baseUri + pathAndQuery);
    }

    private JsonNode send(HttpRequest request, String what) throws IOException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            throw JvmProcess.interrupted(what, e);
        } catch (IOException e) {
            // The JDK's ConnectException often has no message at all; name what we tried to reach.
            throw new IOException(what + " to " + baseUri + " failed: " + e, e);
        }
        String body = response.body();
        if (response.statusCode() / 100 != 2) {
            throw new FlinkRestException(what, response.statusCode(), errorsOf(body));
        }
        return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
    }

    /** Flink's {@code {"errors": [...]}}, or the raw body (shortened) when it is something else. */
    static List<String> errorsOf(String body) {
        if (body == null || body.isBlank()) {
            return List.of();
        }
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            if (errors.isArray()) {
                List<String> out = new ArrayList<>();
                errors.forEach(e -> out.add(e.asText()));
                return out;
            }
        } catch (IOException notJson) {
            // fall through: a proxy's HTML page, say
        }
        return List.of(body.length() <= 1_000 ? body : body.substring(0, 1_000) + " ...");
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters (jar ids carry the uploaded file's name). */
    static String pathSegment(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
