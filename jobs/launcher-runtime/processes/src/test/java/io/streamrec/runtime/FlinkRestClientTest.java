package io.streamrec.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a scripted HTTP server that answers with Flink 1.16's JSON shapes (taken from a real
 * cluster). {@link StandaloneFlinkClusterITCase} runs the same calls against real Flink.
 */
class FlinkRestClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the server saw of one request. */
    record Seen(String method, String uri, Map<String, List<String>> headers, byte[] body) {}

    /** A scripted answer: status and JSON body. */
    record Answer(int status, String body) {}

    private final Map<String, Function<Seen, Answer>> routes = new ConcurrentHashMap<>();
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private HttpServer server;
    private FlinkRestClient client;

    @TempDir
    Path dir;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(Ports.LOOPBACK, 0), 0);
        server.createContext("/", this::handle);
        server.start();
        client = new FlinkRestClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"));
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        Seen request = new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                Map.copyOf(exchange.getRequestHeaders()), exchange.getRequestBody().readAllBytes());
        String key = request.method() + " " + exchange.getRequestURI().getRawPath();
        seen.put(key, request);
        Answer answer = routes.getOrDefault(key, r -> new Answer(404, "{\"errors\":[\"Not found: " + key + "\"]}"))
                .apply(request);
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(answer.status(), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Test
    void uploadsAJarAsMultipartAndReturnsTheStoredName() throws Exception {
        byte[] jar = "PK fake jar".getBytes(StandardCharsets.US_ASCII);
        Path file = Files.write(dir.resolve("feature-job-0.1.0-job.jar"), jar);
        routes.put("POST /jars/upload", r -> new Answer(200, "{\"filename\":\"/w/web-upload/flink-web-upload/"
                + "97073545-aada-4ad2-a5d6-078a29eddfa6_feature-job-0.1.0-job.jar\",\"status\":\"success\"}"));

        assertThat(client.uploadJar(file)).isEqualTo("97073545-aada-4ad2-a5d6-078a29eddfa6_feature-job-0.1.0-job.jar");

        Seen request = seen.get("POST /jars/upload");
        String contentType = request.headers().get("Content-type").get(0);
        assertThat(contentType).startsWith("multipart/form-data; boundary=");
        String boundary = contentType.substring(contentType.indexOf('=') + 1);
        assertThat(request.headers().get("Content-length")).containsExactly(String.valueOf(request.body().length));
        assertThat(new String(request.body(), StandardCharsets.ISO_8859_1))
                .startsWith("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; "
                        + "filename=\"feature-job-0.1.0-job.jar\"\r\n")
                .contains("\r\n\r\nPK fake jar\r\n--" + boundary + "--\r\n");
    }

    @Test
    void refusesFilesFlinkWouldRefuse() {
        assertThatThrownBy(() -> client.uploadJar(dir.resolve("job.zip")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void runsAJarWithArgumentsAsAList() throws Exception {
        routes.put("POST /jars/abc_my%20job.jar/run",
                r -> new Answer(200, "{\"jobid\":\"15495f27d215ba683859422e9d35a4a4\"}"));

        String jobId = client.runJar("abc_my job.jar", "io.streamrec.Job", List.of("--name", "two words"), 2);

        assertThat(jobId).isEqualTo("15495f27d215ba683859422e9d35a4a4");
        JsonNode body = JSON.readTree(seen.get("POST /jars/abc_my%20job.jar/run").body());
        assertThat(body.path("entryClass").asText()).isEqualTo("io.streamrec.Job");
        assertThat(body.path("programArgsList").toString()).isEqualTo("[\"--name\",\"two words\"]");
        assertThat(body.path("parallelism").asInt()).isEqualTo(2);
        assertThat(body.has("programArgs")).isFalse();
    }

    @Test
    void omitsOptionalRunFields() throws Exception {
        routes.put("POST /jars/j.jar/run", r -> new Answer(200, "{\"jobid\":\"j1\"}"));
        client.runJar("j.jar", null, List.of(), null);
        JsonNode body = JSON.readTree(seen.get("POST /jars/j.jar/run").body());
        assertThat(body.has("entryClass")).isFalse();
        assertThat(body.has("parallelism")).isFalse();
    }

    @Test
    void errorsCarryStatusAndFlinksErrorsArray() {
        String trace = "org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.\n"
                + "\tat org.apache.flink.runtime.webmonitor.handlers.JarRunHandler.lambda$handleRequest$1(...)\n"
                + "Caused by: java.util.concurrent.CompletionException: "
                + "org.apache.flink.util.FlinkRuntimeException: Could not execute application.\n"
                + "\tat java.base/java.util.concurrent.CompletableFuture.encodeThrowable(...)\n"
                + "Caused by: java.lang.ClassNotFoundException: io.streamrec.Missing\n";
        routes.put("POST /jars/j.jar/run", r -> new Answer(400, jsonErrors(trace)));

        assertThatThrownBy(() -> client.runJar("j.jar", "io.streamrec.Missing", List.of(), null))
                .isInstanceOfSatisfying(FlinkRestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.errors()).containsExactly(trace);
                    assertThat(e.getMessage())
                            .startsWith("POST /jars/j.jar/run failed with HTTP 400:")
                            .contains("RestHandlerException: Could not execute application.")
                            .contains("Caused by: java.lang.ClassNotFoundException: io.streamrec.Missing")
                            .doesNotContain("\tat ");
                });
    }

    @Test
    void nonJsonErrorsKeepTheRawBody() {
        assertThat(FlinkRestClient.errorsOf("<html>Bad Gateway</html>")).containsExactly("<html>Bad Gateway</html>");
        assertThat(FlinkRestClient.errorsOf("")).isEmpty();
    }

    @Test
    void readsOverviewAndJobs() throws Exception {
        routes.put("GET /overview", r -> new Answer(200, "{\"taskmanagers\":1,\"slots-total\":2,"
                + "\"slots-available\":2,\"jobs-running\":0,\"jobs-finished\":0,\"jobs-cancelled\":0,"
                + "\"jobs-failed\":0,\"flink-version\":\"1.16.3\",\"flink-commit\":\"5df8156\"}"));
        routes.put("GET /jobs/overview", r -> new Answer(200, "{\"jobs\":[{\"jid\":\"15495f27\",\"name\":\"my job\","
                + "\"state\":\"RUNNING\",\"start-time\":1,\"end-time\":-1,\"duration\":338,\"last-modification\":2,"
                + "\"tasks\":{\"total\":1}}]}"));

        assertThat(client.overview()).isEqualTo(new FlinkRestClient.ClusterOverview(1, 2, 2, 0, "1.16.3"));
        assertThat(client.jobsOverview()).containsExactly(
                new FlinkRestClient.JobSummary("15495f27", "my job", "RUNNING"));
    }

    @Test
    void runningMeansEveryVertexRuns() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        // Flink says RUNNING while the tasks are still being scheduled (seen on a real cluster).
        routes.put("GET /jobs/j1", r -> new Answer(200, polls.incrementAndGet() < 3
                ? job("RUNNING", "CREATED", "RUNNING")
                : job("RUNNING", "RUNNING", "FINISHED")));

        client.waitForRunning("j1", Duration.ofSeconds(10));

        assertThat(polls).hasValue(3);
    }

    @Test
    void aFailedJobFailsTheWaitAtOnceWithItsException() {
        routes.put("GET /jobs/j1", r -> new Answer(200, job("FAILED", "FAILED")));
        routes.put("GET /jobs/j1/exceptions", r -> new Answer(200, "{\"root-exception\":\"org.apache.flink.runtime."
                + "JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy\\n\\tat x\\nCaused by: "
                + "java.lang.IllegalStateException: boom\\n\",\"timestamp\":1,\"all-exceptions\":[],"
                + "\"truncated\":false,\"exceptionHistory\":{\"entries\":[],\"truncated\":false}}"));

        long started = System.nanoTime();
        assertThatThrownBy(() -> client.waitForRunning("j1", Duration.ofMinutes(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("job j1 (test job) is FAILED, not RUNNING")
                .hasMessageContaining("Caused by: java.lang.IllegalStateException: boom");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aTimeoutSaysWhatWasSeenAndTheLatestExceptionFromHistory() {
        routes.put("GET /jobs/j1", r -> new Answer(200, job("RESTARTING", "CANCELED")));
        routes.put("GET /jobs/j1/exceptions", r -> new Answer(200, "{\"root-exception\":null,\"timestamp\":null,"
                + "\"all-exceptions\":[],\"truncated\":false,\"exceptionHistory\":{\"entries\":[{\"exceptionName\":"
                + "\"org.apache.kafka.common.errors.UnknownTopicOrPartitionException\",\"stacktrace\":\"org.apache."
                + "kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this "
                + "topic-partition.\\n\",\"timestamp\":1}],\"truncated\":false}}"));

        assertThatThrownBy(() -> client.waitForRunning("j1", Duration.ofMillis(500)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not RUNNING within PT0.5S")
                .hasMessageContaining("last seen: RESTARTING [v0=CANCELED]")
                .hasMessageContaining("UnknownTopicOrPartitionException");
    }

    @Test
    void cancelsWithPatch() throws Exception {
        routes.put("PATCH /jobs/j1", r -> new Answer(202, "{}"));
        client.cancel("j1");
        assertThat(seen.get("PATCH /jobs/j1").uri()).isEqualTo("/jobs/j1?mode=cancel");
    }

    @Test
    void unreachableFlinkNamesTheAddress() throws Exception {
        int port = Ports.freePort();
        FlinkRestClient nowhere = new FlinkRestClient(URI.create("http://127.0.0.1:" + port));
        assertThatThrownBy(nowhere::overview)
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(FlinkRestException.class)
                .hasMessageContaining("GET /overview to http://127.0.0.1:" + port + " failed");
    }

    private static String job(String state, String... vertexStatuses) {
        StringBuilder vertices = new StringBuilder();
        for (int i = 0; i < vertexStatuses.length; i++) {
            vertices.append(i == 0 ? "" : ",").append("{\"id\":\"v").append(i).append("\",\"name\":\"v").append(i)
                    .append("\",\"parallelism\":1,\"status\":\"").append(vertexStatuses[i]).append("\"}");
        }
        return "{\"jid\":\"j1\",\"name\":\"test job\",\"state\":\"" + state + "\",\"vertices\":[" + vertices + "]}";
    }

    private static String jsonErrors(String... errors) {
        return JSON.createObjectNode().set("errors", JSON.valueToTree(errors)).toString();
    }
}
