package io.streamrec.vespa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.vespa.DoubleLexer.SyntaxError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.zip.GZIPInputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A test double of a Vespa application's HTTP API, for the Vespa index's tests: a Jetty 12 server speaking HTTP/2
 * over clear text with prior knowledge (h2c, what vespa-feed-client speaks to an {@code http://} endpoint; no HTTP/1
 * and no TLS) that answers {@code /document/v1} and {@code /search/} as Vespa documents them (PROTOCOLS.md, the
 * document/v1 reference, the default result format). It is a double, not Vespa: one in-memory map of documents,
 * exact search, no distribution, no real time limits.
 *
 * <p><b>What it reproduces.</b> The feeder handshake ({@code POST .../feeder/handshake/docid/dummy?dryRun=true}, and
 * {@code dryRun=true} in general: 200 without applying). Put ({@code POST {"fields":...}}), partial update
 * ({@code PUT} with {@code assign} only; assigning null or an empty array clears a field), remove ({@code DELETE}),
 * get ({@code GET}, tensors rendered per {@code format.tensors}, default {@code {"type","values"}}, {@code fieldSet}
 * honoured), visit and delete by {@code selection} (with the mandatory {@code cluster}). Test-and-set
 * {@code condition} in the subset of the selection language {@link DoubleSelection} implements, with Vespa's rules:
 * a condition on a missing document fails (412), except that {@code create=true} on a put or an update applies the
 * operation to a missing document as if there were no condition; an update or remove of a missing document without
 * a condition answers 200 and changes nothing. Gzip request bodies ({@code Content-Encoding: gzip}). Fields are
 * checked against the schemas of the real application package ({@link DoubleSchema}; the embedding dimension is
 * the double's): unknown fields, wrong types and tensors of the wrong size are 400 with a message. Responses are
 * JSON objects with {@code pathId}, {@code id} and {@code message} on errors; statuses 200, 400, 404 (GET only), 412.
 * Queries: GET or POST {@code /search/} with the YQL {@link DoubleYql} parses (anything else is 400 with
 * {@code root.errors}), {@code input.query(q)} (or {@code ranking.features.query(q)}) checked against the rank
 * profile's declared input, {@code ranking.profile} (a declared profile or the built-in {@code default} and
 * {@code unranked}), {@code hits}, {@code presentation.summary} (a declared class, or {@code default}: every field
 * with {@code summary} in its indexing or named in some class, as Vespa composes it), {@code
 * presentation.format.tensors} (alias {@code format.tensors}; {@code short} by default, as for a GET); exact nearest
 * neighbours scored by closeness under the dotproduct metric (the inner product), filters as pre-filters, at most
 * {@code targetHits} hits; without nearestNeighbor, every match scores 0 (in id order); responses in the default
 * result format ({@code root.children[]} with {@code id}, {@code relevance}, {@code source}, {@code fields};
 * {@code root.errors[]} with {@code code}, {@code summary}, {@code message}).
 *
 * <p><b>Faults.</b> The next N feed operations (puts, updates, removes; not GETs, selections or handshakes) can be
 * answered with a chosen status (429, 503, 500, 400, ...) and message; feed operations can be delayed, or stalled
 * until released (held without a thread, answered in arrival order on release, applied only then); the next N
 * queries can fail with a status and error code.
 *
 * <p><b>What it does not cover.</b> Other update operations (increment, add, remove, tensor modify), field paths,
 * glob/regex/id selections, streaming visits and continuations (one response holds everything), HTTP/1.1 and TLS,
 * approximate (HNSW) search and its recall, ranking beyond closeness, grouping, timeouts and coverage degradation,
 * the garbage-collection selection of services.xml (tombstones are never expired here), multiple content nodes (so
 * targetHits is the total), document timestamps and linguistics (every string match is exact and cased, as the
 * schema's {@code match: cased} fields are).
 */
final class VespaProtocolDouble implements AutoCloseable {
  static final String CLUSTER = VespaLayout.DEFAULT_CLUSTER;
  /** The rank profiles every schema has without declaring them. */
  private static final List<String> BUILT_IN_RANK_PROFILES = List.of("default", "unranked");
  private static final List<String> TENSOR_FORMATS = List.of("short", "long", "short-value", "long-value");

  private final DoubleSchema schema;
  private final Server server;
  private final ServerConnector connector;
  private final ObjectMapper json = new ObjectMapper();
  private final JsonNodeFactory nodes = JsonNodeFactory.instance;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "vespa-double-timer");
    t.setDaemon(true);
    return t;
  });

  private final Object lock = new Object();
  /** Documents by full id ({@code id:ns:type::specific}). */
  private final Map<String, Stored> documents = new TreeMap<>();
  private final Deque<Fault> feedFaults = new ArrayDeque<>();
  private final Deque<Fault> searchFaults = new ArrayDeque<>();
  private final List<Runnable> stalled = new ArrayList<>();
  private boolean stalling;
  private volatile long delayMillis;
  private volatile LongSupplier clockSeconds = () -> Instant.now().getEpochSecond();

  private final AtomicInteger gzipBodies = new AtomicInteger();
  private final AtomicInteger handshakes = new AtomicInteger();
  private final Map<Integer, AtomicInteger> feedStatuses = new ConcurrentHashMap<>();
  private final List<String> yqls = new CopyOnWriteArrayList<>();

  private record Stored(String id, String namespace, String type, ObjectNode fields) {}

  private record Fault(int status, int code, String message) {}

  private record Reply(int status, JsonNode body) {}

  /** A request error: answered with its status and message. */
  private static final class Refusal extends RuntimeException {
    final int status;

    Refusal(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private VespaProtocolDouble(int dimension, int port) throws Exception {
    this.schema = DoubleSchema.streamrec(dimension);
    QueuedThreadPool threads = new QueuedThreadPool(32, 2);
    threads.setName("vespa-double");
    threads.setDaemon(true);
    server = new Server(threads);
    HttpConfiguration config = new HttpConfiguration();
    config.setUriCompliance(UriCompliance.LEGACY); // document ids may contain an encoded '/', as in Vespa
    config.setSendServerVersion(false);
    connector = new ServerConnector(server, new HTTP2CServerConnectionFactory(config));
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(new Api());
    server.start();
  }

  /** A running double whose schema has {@code tensor<float>(x[dimension])} embeddings. */
  static VespaProtocolDouble start(int dimension) {
    return start(dimension, 0);
  }

  /** A running double on {@code port} (0 = any free port). */
  static VespaProtocolDouble start(int dimension, int port) {
    try {
      return new VespaProtocolDouble(dimension, port);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the Vespa protocol double", e);
    }
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  /** A {@code vespa+http} spec for this double with the given extra parameters ("a=1&b=2"). */
  String spec(String parameters) {
    return "vespa+http://127.0.0.1:" + connector.getLocalPort() + "/?dimension=" + schema.dimension()
        + (parameters == null || parameters.isEmpty() ? "" : "&" + parameters);
  }

  // ------------------------------------------------------------------------------------------------- faults

  /** The next {@code n} feed operations are answered with {@code status} and {@code message}, not applied. */
  void failNextFeedOperations(int n, int status, String message) {
    synchronized (lock) {
      for (int i = 0; i < n; i++) {
        feedFaults.add(new Fault(status, 0, message));
      }
    }
  }

  /** The next {@code n} queries fail with {@code status} and one error {@code code: message} in root.errors. */
  void failNextSearches(int n, int status, int code, String message) {
    synchronized (lock) {
      for (int i = 0; i < n; i++) {
        searchFaults.add(new Fault(status, code, message));
      }
    }
  }

  /** Every feed operation is answered (and applied) {@code delay} after it arrives. */
  void delayFeedOperations(Duration delay) {
    delayMillis = delay.toMillis();
  }

  /** Feed operations are held from now on, neither applied nor answered, until {@link #releaseFeedOperations}. */
  void stallFeedOperations() {
    synchronized (lock) {
      stalling = true;
    }
  }

  /** Ends a stall: the held operations are applied and answered in arrival order. Returns how many there were. */
  int releaseFeedOperations() {
    List<Runnable> held;
    synchronized (lock) {
      stalling = false;
      held = new ArrayList<>(stalled);
      stalled.clear();
    }
    held.forEach(Runnable::run);
    return held.size();
  }

  int stalledFeedOperations() {
    synchronized (lock) {
      return stalled.size();
    }
  }

  /** The clock of {@code now()} in selections, epoch seconds. */
  void clock(LongSupplier epochSeconds) {
    clockSeconds = epochSeconds;
  }

  // ------------------------------------------------------------------------------------------------- inspection

  int gzipBodies() {
    return gzipBodies.get();
  }

  int handshakes() {
    return handshakes.get();
  }

  /** How many feed operations were answered with {@code status} (faults included). */
  int feedResponses(int status) {
    AtomicInteger n = feedStatuses.get(status);
    return n == null ? 0 : n.get();
  }

  /** The YQL of every query received, in order. */
  List<String> yqls() {
    return List.copyOf(yqls);
  }

  /** The stored fields of a document, as a GET would see them before rendering. */
  Optional<ObjectNode> document(String namespace, String type, String userSpecific) {
    synchronized (lock) {
      Stored s = documents.get(docId(namespace, type, userSpecific));
      return s == null ? Optional.empty() : Optional.of(s.fields().deepCopy());
    }
  }

  long documentCount(String type) {
    synchronized (lock) {
      return documents.values().stream().filter(d -> d.type().equals(type)).count();
    }
  }

  @Override
  public void close() {
    try {
      releaseFeedOperations();
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the Vespa protocol double", e);
    } finally {
      timer.shutdownNow();
    }
  }

  // ------------------------------------------------------------------------------------------------- HTTP

  private final class Api extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String rawPath = request.getHttpURI().getPath();
      String method = request.getMethod();
      Fields params = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
      byte[] body;
      try {
        body = body(request);
      } catch (IOException e) {
        send(response, callback, new Reply(400, error(rawPath, "cannot read the request body: " + e.getMessage())));
        return true;
      }
      if (rawPath.equals("/search/") || rawPath.equals("/search")) {
        send(response, callback, search(method, params, body));
        return true;
      }
      if (!rawPath.startsWith("/document/v1/")) {
        send(response, callback, new Reply(404, error(rawPath, "no handler for " + rawPath)));
        return true;
      }
      List<String> segments = new ArrayList<>();
      for (String s : rawPath.substring("/document/v1/".length()).split("/", -1)) {
        segments.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
      }
      if (!segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()) {
        segments.remove(segments.size() - 1);
      }
      if ("true".equals(params.getValue("dryRun"))) {
        if (rawPath.startsWith("/document/v1/feeder/handshake/")) {
          handshakes.incrementAndGet();
        }
        ObjectNode ok = nodes.objectNode().put("pathId", rawPath);
        if (segments.size() == 4) {
          ok.put("id", docId(segments.get(0), segments.get(1), segments.get(3)));
        }
        send(response, callback, new Reply(200, ok));
        return true;
      }
      boolean single = segments.size() >= 4;
      boolean feedOperation = single && !method.equals("GET");
      if (!feedOperation) {
        send(response, callback, documents(method, rawPath, segments, params, body));
        return true;
      }
      Fault fault;
      synchronized (lock) {
        fault = feedFaults.poll();
      }
      if (fault != null) {
        feedStatuses.computeIfAbsent(fault.status(), s -> new AtomicInteger()).incrementAndGet();
        send(response, callback, new Reply(fault.status(), error(rawPath, fault.message())));
        return true;
      }
      Runnable operation = () -> {
        Reply reply = documents(method, rawPath, segments, params, body);
        feedStatuses.computeIfAbsent(reply.status(), s -> new AtomicInteger()).incrementAndGet();
        send(response, callback, reply);
      };
      synchronized (lock) {
        if (stalling) {
          stalled.add(operation);
          return true;
        }
      }
      long delay = delayMillis;
      if (delay > 0) {
        timer.schedule(operation, delay, TimeUnit.MILLISECONDS);
      } else {
        operation.run();
      }
      return true;
    }
  }

  private byte[] body(Request request) throws IOException {
    byte[] raw;
    try (InputStream in = Request.asInputStream(request)) {
      raw = in.readAllBytes();
    }
    String encoding = request.getHeaders().get(HttpHeader.CONTENT_ENCODING);
    if (encoding != null && encoding.equalsIgnoreCase("gzip")) {
      gzipBodies.incrementAndGet();
      try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(raw))) {
        return gz.readAllBytes();
      }
    }
    return raw;
  }

  private void send(Response response, Callback callback, Reply reply) {
    response.setStatus(reply.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    Content.Sink.write(response, true, reply.body().toString(), callback);
  }

  // ------------------------------------------------------------------------------------------------- /document/v1

  private Reply documents(String method, String pathId, List<String> segments, Fields params, byte[] body) {
    try {
      if (segments.size() < 3) {
        throw new Refusal(400, "the protocol double serves /document/v1/<namespace>/<type>/docid[/<id>]");
      }
      String ns = segments.get(0);
      String type = segments.get(1);
      if (schema.type(type) == null) {
        throw new Refusal(400, "Document type " + type + " does not exist");
      }
      String specific;
      switch (segments.get(2)) {
        case "docid" -> {
          if (segments.size() == 3) {
            return selectionOperation(method, pathId, ns, type, params);
          }
          if (segments.size() != 4) {
            throw new Refusal(400, "bad document path " + pathId);
          }
          specific = segments.get(3);
        }
        case "group", "number" -> {
          if (segments.size() != 5) {
            throw new Refusal(400, "bad document path " + pathId);
          }
          specific = segments.get(4);
          String prefix = segments.get(2).equals("group") ? "g=" : "n=";
          return single(method, pathId, ns, type, prefix + segments.get(3) + ":" + specific, params, body);
        }
        default -> throw new Refusal(400, "bad document path " + pathId);
      }
      return single(method, pathId, ns, type, ":" + specific, params, body);
    } catch (Refusal r) {
      return new Reply(r.status, error(pathId, r.getMessage()));
    }
  }

  /** {@code scheme} is ":specific" for docid paths and "g=x:specific"/"n=1:specific" for group/number paths. */
  private Reply single(String method, String pathId, String ns, String type, String scheme, Fields params,
      byte[] body) {
    String id = "id:" + ns + ":" + type + ":" + scheme;
    DoubleSchema.DocType dt = schema.type(type);
    ObjectNode request = method.equals("POST") || method.equals("PUT") ? parseBody(body) : null;
    String condition = params.getValue("condition");
    if (condition == null && request != null && request.path("condition").isTextual()) {
      condition = request.path("condition").asText();
    }
    boolean create = "true".equals(params.getValue("create"))
        || (request != null && request.path("create").asBoolean(false));
    DoubleSelection selection = null;
    if (condition != null && !condition.isEmpty()) {
      try {
        selection = DoubleSelection.parse(condition, schema, clockSeconds);
      } catch (SyntaxError e) {
        throw new Refusal(400, "Failed to parse document selection '" + condition + "': " + e.getMessage());
      }
    }
    synchronized (lock) {
      Stored existing = documents.get(id);
      switch (method) {
        case "GET" -> {
          if (existing == null) {
            return new Reply(404, nodes.objectNode().put("pathId", pathId).put("id", id));
          }
          ObjectNode ok = nodes.objectNode().put("pathId", pathId).put("id", id);
          ok.set("fields", render(existing, params));
          return new Reply(200, ok);
        }
        case "POST" -> {
          ObjectNode fields = documentFields(dt, id, request);
          if (selection != null) {
            if (existing == null && !create) {
              return conditionFailed(pathId, id, "Document does not exist");
            }
            if (existing != null && !selection.matches(type, existing.fields())) {
              return conditionFailed(pathId, id, "Condition did not match document");
            }
          }
          documents.put(id, new Stored(id, ns, type, fields));
          return ok(pathId, id);
        }
        case "PUT" -> {
          Map<String, JsonNode> assigns = assignments(dt, id, request);
          ObjectNode fields;
          if (existing == null) {
            if (!create) {
              return selection != null ? conditionFailed(pathId, id, "Document does not exist") : ok(pathId, id);
            }
            fields = nodes.objectNode(); // create: an empty document, then the update; the condition is ignored
          } else {
            if (selection != null && !selection.matches(type, existing.fields())) {
              return conditionFailed(pathId, id, "Condition did not match document");
            }
            fields = existing.fields().deepCopy();
          }
          assigns.forEach((name, value) -> {
            if (value == null) {
              fields.remove(name);
            } else {
              fields.set(name, value);
            }
          });
          documents.put(id, new Stored(id, ns, type, fields));
          return ok(pathId, id);
        }
        case "DELETE" -> {
          if (existing == null) {
            return selection != null ? conditionFailed(pathId, id, "Document does not exist") : ok(pathId, id);
          }
          if (selection != null && !selection.matches(type, existing.fields())) {
            return conditionFailed(pathId, id, "Condition did not match document");
          }
          documents.remove(id);
          return ok(pathId, id);
        }
        default -> throw new Refusal(405, "method " + method + " is not supported on " + pathId);
      }
    }
  }

  /** Visit (GET) and delete by selection (DELETE) over {@code /document/v1/<ns>/<type>/docid}. */
  private Reply selectionOperation(String method, String pathId, String ns, String type, Fields params) {
    String cluster = params.getValue("cluster");
    String text = params.getValue("selection");
    if (cluster != null && !cluster.equals(CLUSTER)) {
      throw new Refusal(400, "Your Vespa deployment has no content cluster '" + cluster + "', only '" + CLUSTER
          + "'");
    }
    if (method.equals("DELETE") && (cluster == null || text == null)) {
      throw new Refusal(400, "Must specify 'cluster' and 'selection' to delete by selection");
    }
    if (!method.equals("GET") && !method.equals("DELETE")) {
      throw new Refusal(400, method + " by selection is not implemented by the protocol double");
    }
    DoubleSelection selection;
    try {
      selection = text == null ? null : DoubleSelection.parse(text, schema, clockSeconds);
    } catch (SyntaxError e) {
      throw new Refusal(400, "Failed to parse document selection '" + text + "': " + e.getMessage());
    }
    synchronized (lock) {
      List<Stored> matching = documents.values().stream()
          .filter(d -> d.namespace().equals(ns) && d.type().equals(type))
          .filter(d -> selection == null || selection.matches(type, d.fields()))
          .toList();
      ObjectNode reply = nodes.objectNode().put("pathId", pathId);
      if (method.equals("DELETE")) {
        matching.forEach(d -> documents.remove(d.id()));
      } else {
        ArrayNode docs = reply.putArray("documents");
        for (Stored d : matching) {
          ObjectNode doc = docs.addObject().put("id", d.id());
          doc.set("fields", render(d, params));
        }
      }
      reply.put("documentCount", matching.size());
      return new Reply(200, reply);
    }
  }

  private ObjectNode parseBody(byte[] body) {
    if (body == null || body.length == 0) {
      throw new Refusal(400, "Could not read document, no document?");
    }
    try {
      JsonNode n = json.readTree(body);
      if (n == null || !n.isObject()) {
        throw new Refusal(400, "Expected a JSON object as the request body");
      }
      return (ObjectNode) n;
    } catch (IOException e) {
      throw new Refusal(400, "Could not parse the request body as JSON: " + e.getMessage());
    }
  }

  /** The fields of a put, checked against the schema; empty arrays are dropped (Vespa stores them as absent). */
  private ObjectNode documentFields(DoubleSchema.DocType dt, String id, ObjectNode request) {
    JsonNode fields = request.path("fields");
    if (!fields.isObject()) {
      throw new Refusal(400, "Error in document '" + id + "' - the body has no 'fields' object");
    }
    ObjectNode out = nodes.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = value(dt, id, e.getKey(), e.getValue());
      if (v != null) {
        out.set(e.getKey(), v);
      }
    }
    return out;
  }

  /** The assignments of a partial update; a null value clears the field. Only {@code assign} is implemented. */
  private Map<String, JsonNode> assignments(DoubleSchema.DocType dt, String id, ObjectNode request) {
    JsonNode fields = request.path("fields");
    if (!fields.isObject()) {
      throw new Refusal(400, "Error in update of '" + id + "' - the body has no 'fields' object");
    }
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode op = e.getValue();
      if (!op.isObject() || op.size() != 1 || !op.has("assign")) {
        String name = op.isObject() && op.size() > 0 ? op.fieldNames().next() : String.valueOf(op);
        throw new Refusal(400, "Error in update of '" + id + "' - field '" + e.getKey() + "': the protocol double "
            + "implements only the 'assign' update operation, got " + name);
      }
      JsonNode assigned = op.get("assign");
      out.put(e.getKey(), assigned.isNull() ? null : value(dt, id, e.getKey(), assigned));
    }
    return out;
  }

  /** A field value checked against its schema type; null for a value Vespa stores as absent (an empty array). */
  private JsonNode value(DoubleSchema.DocType dt, String id, String name, JsonNode v) {
    DoubleSchema.Field f = dt.fields().get(name);
    if (f == null) {
      throw new Refusal(400, "Error in document '" + id + "' - No field '" + name + "' in the structure of type '"
          + dt.name() + "', which has the fields: " + dt.fields().keySet());
    }
    String bad = "Error in document '" + id + "' - could not parse field '" + name + "' of type '" + f.typeText()
        + "': ";
    switch (f.kind()) {
      case STRING -> require(v.isTextual(), bad + "expected a string, got " + v);
      case LONG -> require(v.isIntegralNumber(), bad + "expected an integer, got " + v);
      case INT -> require(v.isIntegralNumber() && v.canConvertToInt(), bad + "expected an int, got " + v);
      case DOUBLE -> require(v.isNumber(), bad + "expected a number, got " + v);
      case BOOL -> require(v.isBoolean(), bad + "expected true or false, got " + v);
      case STRING_ARRAY -> {
        require(v.isArray(), bad + "expected an array, got " + v);
        v.forEach(e -> require(e.isTextual(), bad + "expected strings in the array, got " + e));
        return v.isEmpty() ? null : v;
      }
      case TENSOR -> {
        JsonNode values = v.isArray() ? v : v.path("values");
        require(values.isArray(), bad + "expected an array of " + schema.dimension() + " numbers or "
            + "{\"values\": [...]}, got " + v);
        require(values.size() == schema.dimension(), bad + "the tensor has " + values.size() + " values but its "
            + "type has " + schema.dimension());
        ArrayNode cells = nodes.arrayNode();
        values.forEach(e -> {
          require(e.isNumber(), bad + "tensor cell " + e + " is not a number");
          cells.add(e.floatValue());
        });
        return cells;
      }
      case STRUCT_ARRAY -> {
        require(v.isArray(), bad + "expected an array of structs, got " + v);
        String structName = f.typeText().replaceAll("array<(\\w+)>", "$1");
        Map<String, DoubleSchema.Kind> struct = dt.structs().get(structName).fields();
        for (JsonNode e : v) {
          require(e.isObject(), bad + "expected a struct, got " + e);
          e.fieldNames().forEachRemaining(k -> require(struct.containsKey(k),
              bad + "no field '" + k + "' in struct " + structName));
        }
        return v.isEmpty() ? null : v;
      }
      default -> throw new IllegalStateException(f.kind().toString());
    }
    return v;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new Refusal(400, message);
    }
  }

  /** A stored document's fields as a GET renders them: {@code fieldSet}, tensors per {@code format.tensors}. */
  private ObjectNode render(Stored d, Fields params) {
    DoubleSchema.DocType dt = schema.type(d.type());
    String fieldSet = params.getValue("fieldSet");
    List<String> wanted = null;
    if (fieldSet != null && !fieldSet.equals("[document]") && !fieldSet.equals("[all]")) {
      if (fieldSet.equals("[id]") || fieldSet.equals("[none]")) {
        wanted = List.of();
      } else {
        int colon = fieldSet.indexOf(':');
        if (colon < 0 || !fieldSet.substring(0, colon).equals(d.type())) {
          throw new Refusal(400, "fieldSet '" + fieldSet + "' is not '<doctype>:<field>,...' for " + d.type());
        }
        wanted = List.of(fieldSet.substring(colon + 1).split(","));
        for (String w : wanted) {
          if (!dt.fields().containsKey(w)) {
            throw new Refusal(400, "Unknown field '" + w + "' in fieldSet for document type " + d.type());
          }
        }
      }
    }
    String format = params.getValue("format.tensors");
    ObjectNode out = nodes.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = d.fields().fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (wanted != null && !wanted.contains(e.getKey())) {
        continue;
      }
      if (dt.fields().get(e.getKey()).kind() == DoubleSchema.Kind.TENSOR) {
        out.set(e.getKey(), tensor(e.getValue(), format));
      } else {
        out.set(e.getKey(), e.getValue().deepCopy());
      }
    }
    return out;
  }

  private JsonNode tensor(JsonNode cells, String format) {
    String f = format == null ? "short" : format;
    switch (f) {
      case "short-value" -> {
        return cells.deepCopy();
      }
      case "long", "long-value" -> {
        ArrayNode list = nodes.arrayNode();
        for (int i = 0; i < cells.size(); i++) {
          ObjectNode c = list.addObject();
          c.putObject("address").put("x", String.valueOf(i));
          c.set("value", cells.get(i));
        }
        if (f.equals("long-value")) {
          return list;
        }
        ObjectNode t = nodes.objectNode().put("type", schema.tensorType());
        t.set("cells", list);
        return t;
      }
      case "short" -> {
        ObjectNode t = nodes.objectNode().put("type", schema.tensorType());
        t.set("values", cells.deepCopy());
        return t;
      }
      default -> throw new Refusal(400, "Unknown tensor format '" + format + "'");
    }
  }

  private Reply ok(String pathId, String id) {
    return new Reply(200, nodes.objectNode().put("pathId", pathId).put("id", id));
  }

  private Reply conditionFailed(String pathId, String id, String why) {
    return new Reply(412, nodes.objectNode().put("pathId", pathId).put("id", id)
        .put("message", "[UNKNOWN(251013) @ vespa-protocol-double]: ReturnCode(TEST_AND_SET_CONDITION_FAILED, "
            + why + ")"));
  }

  private ObjectNode error(String pathId, String message) {
    return nodes.objectNode().put("pathId", pathId).put("message", message);
  }

  static String docId(String namespace, String type, String userSpecific) {
    return "id:" + namespace + ":" + type + "::" + userSpecific;
  }

  // ------------------------------------------------------------------------------------------------- /search/

  private Reply search(String method, Fields query, byte[] body) {
    Fault fault;
    synchronized (lock) {
      fault = searchFaults.poll();
    }
    if (fault != null) {
      return searchError(fault.status(), fault.code(), fault.message());
    }
    Map<String, JsonNode> params = new LinkedHashMap<>();
    for (Fields.Field f : query) {
      params.put(f.getName(), nodes.textNode(f.getValue()));
    }
    if (method.equals("POST")) {
      try {
        JsonNode n = body.length == 0 ? nodes.objectNode() : json.readTree(body);
        if (!n.isObject()) {
          return searchError(400, 3, "the request body must be a JSON object");
        }
        flatten("", n, params);
      } catch (IOException e) {
        return searchError(400, 3, "Could not parse the request body as JSON: " + e.getMessage());
      }
    } else if (!method.equals("GET")) {
      return searchError(405, 3, "method " + method + " not allowed on /search/");
    }
    JsonNode yqlNode = params.get("yql");
    if (yqlNode == null || !yqlNode.isTextual()) {
      return searchError(400, 3, "No query");
    }
    String yqlText = yqlNode.asText();
    yqls.add(yqlText);
    DoubleYql yql;
    try {
      yql = DoubleYql.parse(yqlText, schema);
    } catch (SyntaxError e) {
      return searchError(400, 4, "Could not create query from YQL: " + e.getMessage());
    }
    DoubleSchema.DocType dt = schema.type(yql.docType());
    String profile = text(params, "ranking.profile", text(params, "ranking", "default"));
    if (!BUILT_IN_RANK_PROFILES.contains(profile) && !dt.rankProfileInputs().containsKey(profile)) {
      return searchError(400, 4, "Requested rank profile '" + profile + "' is undefined for document type '"
          + dt.name() + "'");
    }
    String summary = text(params, "presentation.summary", text(params, "summary", null));
    String tensorFormat = text(params, "presentation.format.tensors", text(params, "format.tensors", null));
    if (tensorFormat != null && !TENSOR_FORMATS.contains(tensorFormat)) {
      return searchError(400, 4, "Could not set 'presentation.format.tensors' to '" + tensorFormat + "': the double "
          + "knows " + TENSOR_FORMATS);
    }
    if (summary != null && !summary.equals("default") && !dt.summaries().containsKey(summary)) {
      return searchError(400, 4, "invalid presentation.summary=" + summary + ": not a summary class of "
          + dt.name() + " " + dt.summaries().keySet());
    }
    int hits;
    try {
      hits = Integer.parseInt(text(params, "hits", "10"));
      if (hits < 0 || hits > 400) {
        return searchError(400, 4, "hits must be in 0..400, got " + hits);
      }
      if (!text(params, "offset", "0").equals("0")) {
        return searchError(400, 4, "the protocol double does not implement offset");
      }
    } catch (NumberFormatException e) {
      return searchError(400, 4, "Could not set 'hits': " + e.getMessage());
    }
    float[] q = null;
    DoubleYql.NearestNeighbor nn = yql.nearestNeighbor();
    if (nn != null) {
      Map<String, Integer> inputs = dt.rankProfileInputs().getOrDefault(profile, Map.of());
      if (!inputs.containsKey(nn.queryTensor())) {
        return searchError(400, 4, "Expected 'query(" + nn.queryTensor() + ")' to be a tensor, but it is not "
            + "declared in rank profile '" + profile + "'");
      }
      JsonNode value = params.getOrDefault("input.query(" + nn.queryTensor() + ")",
          params.get("ranking.features.query(" + nn.queryTensor() + ")"));
      if (value == null) {
        return searchError(400, 4, "nearestNeighbor: the query tensor 'query(" + nn.queryTensor()
            + ")' is not set (input.query(" + nn.queryTensor() + "))");
      }
      try {
        q = vector(value, inputs.get(nn.queryTensor()));
      } catch (IllegalArgumentException e) {
        return searchError(400, 4, "Could not set 'input.query(" + nn.queryTensor() + ")': " + e.getMessage());
      }
    }
    record Scored(Stored doc, double score) {}
    List<Scored> scored = new ArrayList<>();
    long corpus;
    synchronized (lock) {
      corpus = documents.values().stream().filter(d -> d.type().equals(dt.name())).count();
      for (Stored d : documents.values()) {
        if (d.type().equals(dt.name()) && yql.matches(d.fields())) {
          scored.add(new Scored(d, nn == null ? 0.0 : dot(q, d.fields().get(nn.field()))));
        }
      }
    }
    scored.sort(Comparator.comparingDouble(Scored::score).reversed().thenComparing(s -> s.doc().id()));
    List<Scored> matched = nn == null ? scored : scored.subList(0, Math.min(nn.targetHits(), scored.size()));
    ObjectNode root = nodes.objectNode().put("id", "toplevel").put("relevance", 1.0);
    root.putObject("fields").put("totalCount", matched.size());
    root.putObject("coverage").put("coverage", 100).put("documents", corpus).put("full", true).put("nodes", 1)
        .put("results", 1).put("resultsFull", 1);
    if (!matched.isEmpty() && hits > 0) {
      ArrayNode children = root.putArray("children");
      for (Scored s : matched.subList(0, Math.min(hits, matched.size()))) {
        ObjectNode hit = children.addObject();
        hit.put("id", "index:" + CLUSTER + "/0/" + Integer.toHexString(s.doc().id().hashCode()));
        hit.put("relevance", s.score());
        hit.put("source", CLUSTER);
        hit.set("fields", summaryFields(dt, s.doc(), summary, yql.select(), tensorFormat));
      }
    }
    return new Reply(200, nodes.objectNode().set("root", root));
  }

  private ObjectNode summaryFields(DoubleSchema.DocType dt, Stored d, String summary, List<String> select,
      String tensorFormat) {
    ObjectNode out = nodes.objectNode();
    List<String> names;
    if (summary != null && !summary.equals("default")) {
      names = dt.summaries().get(summary);
    } else {
      out.put("sddocname", dt.name());
      out.put("documentid", d.id());
      names = dt.defaultSummary();
    }
    for (String name : names) {
      if (!select.isEmpty() && !select.contains(name)) {
        continue;
      }
      JsonNode v = d.fields().get(name);
      if (v != null) {
        out.set(name, dt.fields().get(name).kind() == DoubleSchema.Kind.TENSOR ? tensor(v, tensorFormat)
            : v.deepCopy());
      }
    }
    return out;
  }

  private Reply searchError(int status, int code, String message) {
    ObjectNode root = nodes.objectNode().put("id", "toplevel").put("relevance", 1.0);
    root.putObject("fields").put("totalCount", 0);
    root.putArray("errors").addObject().put("code", code).put("summary", summary(code)).put("source", CLUSTER)
        .put("message", message);
    return new Reply(status, nodes.objectNode().set("root", root));
  }

  private static String summary(int code) {
    return switch (code) {
      case 0 -> "No backends in service";
      case 3 -> "Illegal query";
      case 4 -> "Invalid query parameter";
      case 8 -> "Result has errors";
      case 10 -> "Backend communication error";
      case 12 -> "Timed out";
      default -> "Error";
    };
  }

  /** Nested JSON request objects are the same as dotted keys: {"ranking": {"profile": "x"}} = ranking.profile. */
  private static void flatten(String prefix, JsonNode n, Map<String, JsonNode> out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue().isObject() && !key.startsWith("input.") && !key.contains("(")) {
        flatten(key, e.getValue(), out);
      } else {
        out.put(key, e.getValue());
      }
    }
  }

  private static String text(Map<String, JsonNode> params, String key, String fallback) {
    JsonNode v = params.get(key);
    return v == null || v.isNull() ? fallback : v.asText();
  }

  /** A dense query tensor: a JSON array, or its text form "[1, 2, 3]". */
  private float[] vector(JsonNode value, int dimension) {
    JsonNode array = value;
    if (value.isTextual()) {
      try {
        array = json.readTree(value.asText());
      } catch (IOException e) {
        throw new IllegalArgumentException("'" + value.asText() + "' is not a dense tensor literal");
      }
    }
    if (!array.isArray()) {
      throw new IllegalArgumentException("expected an array of " + dimension + " numbers, got " + value);
    }
    if (array.size() != dimension) {
      throw new IllegalArgumentException("the tensor type is tensor<float>(x[" + dimension + "]) but "
          + array.size() + " values were given");
    }
    float[] v = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      if (!array.get(i).isNumber()) {
        throw new IllegalArgumentException("cell " + array.get(i) + " is not a number");
      }
      v[i] = array.get(i).floatValue();
    }
    return v;
  }

  private static double dot(float[] q, JsonNode cells) {
    double s = 0;
    for (int i = 0; i < q.length; i++) {
      s += q[i] * cells.get(i).floatValue(); // float cells, as tensor<float> stores them
    }
    return s;
  }
}
