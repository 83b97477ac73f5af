package io.streamrec.vespa;

import static io.streamrec.vespa.VespaLayout.F_CATEGORY;
import static io.streamrec.vespa.VespaLayout.F_DELETED;
import static io.streamrec.vespa.VespaLayout.F_DELETED_AT;
import static io.streamrec.vespa.VespaLayout.F_EMBEDDING;
import static io.streamrec.vespa.VespaLayout.F_GENERATION;
import static io.streamrec.vespa.VespaLayout.F_IN_STOCK;
import static io.streamrec.vespa.VespaLayout.F_ITEM_ID;
import static io.streamrec.vespa.VespaLayout.F_MIN_AGE;
import static io.streamrec.vespa.VespaLayout.F_NS;
import static io.streamrec.vespa.VespaLayout.F_PRICE;
import static io.streamrec.vespa.VespaLayout.F_REGIONS;
import static io.streamrec.vespa.VespaLayout.F_SOLD_EVERYWHERE;
import static io.streamrec.vespa.VespaLayout.F_VERSION;
import static io.streamrec.vespa.VespaLayout.GENERATION_TYPE;
import static io.streamrec.vespa.VespaLayout.ITEM;

import ai.vespa.feed.client.DocumentId;
import ai.vespa.feed.client.FeedClient;
import ai.vespa.feed.client.FeedClientBuilder;
import ai.vespa.feed.client.FeedException;
import ai.vespa.feed.client.OperationParameters;
import ai.vespa.feed.client.Result;
import ai.vespa.feed.client.ResultException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.core.index.Generation;
import io.streamrec.core.index.Hit;
import io.streamrec.core.index.IndexWrite;
import io.streamrec.core.index.IndexWriteOutcome;
import io.streamrec.core.index.ItemAttributes;
import io.streamrec.core.index.SearchFilter;
import io.streamrec.core.index.VectorIndex;
import io.streamrec.core.index.VectorIndexException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link VectorIndex} on Vespa (DESIGN §5): writes through vespa-feed-client to {@code /document/v1}, searches
 * with {@code nearestNeighbor} YQL on {@code /search/}, and looks vectors up by id with {@code item_id in (...)} YQL
 * there. The application package it talks to is in this module's {@code src/main/application}; {@link VespaLayout}
 * holds the names both share.
 *
 * <p><b>Documents.</b> Each (generation, item) is one {@code item} document, id
 * {@code id:<namespace>:item::<generation>:<item id>}, holding the vector, the filter attributes, the generation, the
 * namespace and the write's version. Generations live beside each other until a publish drops the old ones.
 *
 * <p><b>Versions, atomically in Vespa.</b> Every write is conditional (test-and-set) on the stored version, so Vespa
 * itself decides, per document and serialised with every other write to it, whether the write is newer: an upsert is
 * a put with {@code create=true} and condition {@code item.version < v}; Vespa applies it to a missing document (it
 * ignores the condition then) or to an older one, and answers 412 otherwise, which is {@link IndexWriteOutcome#STALE}.
 * An attribute update is a partial update without {@code create}, conditional on {@code item.version < v and
 * item.deleted_at == null}; a 412 there means stale, deleted or missing, and the adapter reads the document to say
 * which ({@code NOT_FOUND} for a missing item or one deleted by an older version).
 *
 * <p><b>Soft deletes (tombstones).</b> A delete is a conditional put, like an upsert, of a tombstone: a document with
 * only the ids, the version, {@code deleted = true} and {@code deleted_at}; no vector, no attributes. It is not a
 * Vespa remove because Vespa forgets a removed document: a conditional put with {@code create=true} on a removed
 * document ignores its condition, so a late upsert older than the delete would resurrect the item. Queries filter
 * {@code deleted = false}, and {@link #similar} treats a tombstone as absent, so a deleted item is never returned.
 * The garbage-collection selection in services.xml removes tombstones a week after their {@code deleted_at}; a write
 * older than the delete arriving after that would apply.
 *
 * <p><b>Generations</b> are kept in Vespa, in one {@code index_generation} document per namespace (see {@link
 * GenerationRegistry}), so a serving process learns the active generation from Vespa. Every query filters {@code
 * generation = <active>}, so switching the registry's {@code active} field is the atomic publish; the documents of
 * older generations are then deleted by selection ({@code item.generation < active}). Writes to a dropped generation
 * are {@link IndexWriteOutcome#RETIRED} without a request; a write already sent when another process publishes may
 * leave an invisible document of the old generation, which the next publish's delete removes. The registry is cached
 * for {@code activeCacheMs}; this instance's own create and publish update the cache at once. The vector length is
 * fixed by the deployed schema ({@code dimension} setting): a generation of another dimension is refused.
 *
 * <p><b>Backpressure.</b> At most {@code maxInflight} writes are pending (sent, or waiting to be sent); a further
 * {@link #write} blocks its caller for at most {@code maxBlockMs}, then returns a future failed with a retryable
 * exception. Nothing is buffered beyond that bound. Writes are handed to the feed client by one thread in call order,
 * and the feed client keeps the order of operations on one document, so two writes of one item apply in the order
 * they were made. The feed client retries 429 (throttling its in-flight window) and 503 and I/O errors, within
 * {@code timeoutMs} per write; other failures complete the future with a {@link VectorIndexException} carrying the
 * server's message, retryable for 5xx, timeouts and I/O errors, not for 4xx. A retried write that had in fact been
 * applied answers 412 on its retry and is reported {@code STALE}: the index holds that version.
 *
 * <p><b>Threads.</b> Futures complete on the index's callback thread, never on the feed client's or the HTTP
 * client's; dependent stages must still not block for long.
 */
public final class VespaVectorIndex implements VectorIndex {
  private static final Logger LOG = LoggerFactory.getLogger(VespaVectorIndex.class);

  /** Rounds of read-modify-write on the registry before giving up (concurrent writers). */
  static final int REGISTRY_ATTEMPTS = 10;
  /** Attempts of an attribute update whose document changed between its 412 and the read that classifies it. */
  static final int UPDATE_ATTEMPTS = 3;
  /** The feed client retries within the operation timeout; this bounds the count of fast-failing retries too. */
  static final int FEED_RETRIES = 25;
  /** How long close() waits for the feed client to close (see closeFeedClient()). */
  static final Duration FEED_CLOSE_WAIT = Duration.ofSeconds(2);
  /** Query error codes that a later query may not get (com.yahoo.container.protect.Error). */
  private static final Set<Integer> TRANSIENT_QUERY_ERRORS = Set.of(0, 10, 11, 12);
  /**
   * Ids per query of a vector lookup: Vespa's default {@code maxHits} (400), beyond which a query is refused, and a
   * response of about 200 KB at 32 dimensions.
   */
  static final int VECTORS_PER_QUERY = 400;
  private static final Pattern FEED_STATUS = Pattern.compile("Status (\\d{3}) executing '[^']*': (.*)", Pattern.DOTALL);

  private final VespaSettings settings;
  private final FeedClient feed;
  private final VespaHttp http;
  private final ObjectMapper json;
  private final Semaphore slots;
  private final ExecutorService submitter;
  private final ExecutorService callbacks;
  private final AtomicReference<Cached> registry = new AtomicReference<>();
  private final AtomicReference<CompletableFuture<GenerationRegistry>> refreshing = new AtomicReference<>();
  private final Set<CompletableFuture<IndexWriteOutcome>> pending = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  private record Cached(GenerationRegistry registry, long readAtNanos) {}

  private record Pending(IndexWrite write, int attempt, CompletableFuture<IndexWriteOutcome> result) {}

  private enum GenerationState { WRITABLE, RETIRED }

  VespaVectorIndex(VespaSettings settings, FeedClient feed, VespaHttp http, ObjectMapper json) {
    this.settings = settings;
    this.feed = feed;
    this.http = http;
    this.json = json;
    this.slots = new Semaphore(settings.maxInflight());
    this.submitter = Executors.newSingleThreadExecutor(daemon("vespa-index-submit"));
    this.callbacks = Executors.newSingleThreadExecutor(daemon("vespa-index-callback"));
  }

  /** Opens an index: builds the TLS context, the query client and the feed client (which handshakes). */
  public static VespaVectorIndex open(VespaSettings settings) {
    return open(settings, System::getenv);
  }

  static VespaVectorIndex open(VespaSettings s, UnaryOperator<String> env) {
    String token = null;
    if (s.tokenEnv() != null) {
      token = env.apply(s.tokenEnv());
      if (token == null || token.isEmpty()) {
        throw new IllegalStateException("the Vespa token is read from the environment variable " + s.tokenEnv()
            + ", which is not set");
      }
    }
    SSLContext ssl = s.tls() ? PemTls.sslContext(s.certificate(), s.privateKey(), s.caCertificates()) : null;
    ObjectMapper json = new ObjectMapper();
    VespaHttp http = new VespaHttp(s.endpoint(), ssl, token, json);
    FeedClient feed;
    try {
      feed = feedClient(s, ssl, token);
    } catch (FeedException e) {
      http.close();
      throw new VectorIndexException("cannot reach Vespa at " + s.endpoint() + ": " + e.getMessage(), true, e);
    } catch (RuntimeException e) {
      http.close();
      throw e;
    }
    VespaVectorIndex index = new VespaVectorIndex(s, feed, http, json);
    LOG.info("opened {}", index);
    return index;
  }

  /**
   * The feed client. Retries: every operation type is retried (each write is conditional on its version, so a replay
   * cannot undo a newer write), up to {@value #FEED_RETRIES} times within the operation timeout; 429 is retried
   * until the timeout while the client shrinks its in-flight window. Its default circuit breaker (half-open after
   * 10 s of failures, never open for good) is kept: an index lives as long as a Flink task and must not die with a
   * transient outage. The initial in-flight window is our own bound, which the client adapts from there.
   */
  static FeedClient feedClient(VespaSettings s, SSLContext ssl, String token) {
    FeedClientBuilder b = FeedClientBuilder.create(s.endpoint())
        .setConnectionsPerEndpoint(s.connections())
        .setCompression(FeedClientBuilder.Compression.valueOf(s.compression()))
        .setInitialInflightFactor(Math.max(1, (s.maxInflight() + 2 * s.connections() - 1) / (2 * s.connections())))
        .setRetryStrategy(new FeedClient.RetryStrategy() {
          @Override
          public boolean retry(FeedClient.OperationType type) {
            return true;
          }

          @Override
          public int retries() {
            return FEED_RETRIES;
          }
        });
    if (ssl != null) {
      b.setSslContext(ssl);
    }
    if (token != null) {
      b.addRequestHeader("Authorization", "Bearer " + token);
    }
    return b.build();
  }

  // ---------------------------------------------------------------------------------------------------- writes

  @Override
  public CompletableFuture<IndexWriteOutcome> write(IndexWrite write) {
    if (write == null) {
      return failed(new VectorIndexException("write is null", false));
    }
    if (closed.get()) {
      return failed(new VectorIndexException("the Vespa index is closed", false));
    }
    if (write instanceof IndexWrite.Upsert u && u.vector().length != settings.dimension()) {
      return failed(new VectorIndexException("vector of item " + u.itemId() + " has dimension " + u.vector().length
          + " but the index (generation " + u.generation() + ", schema tensor<float>(x[" + settings.dimension()
          + "])) has dimension " + settings.dimension(), false));
    }
    boolean slot;
    try {
      slot = slots.tryAcquire(settings.maxBlock().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(new VectorIndexException("interrupted while waiting for an in-flight slot", true, e));
    }
    if (!slot) {
      return failed(new VectorIndexException(settings.maxInflight() + " writes are pending at Vespa "
          + settings.endpoint() + " (maxInflight) and none finished within " + settings.maxBlock().toMillis()
          + " ms; retry later", true));
    }
    CompletableFuture<IndexWriteOutcome> result = new CompletableFuture<>();
    CompletableFuture<IndexWriteOutcome> caller = new CompletableFuture<>();
    pending.add(result);
    result.whenComplete((outcome, failure) -> {
      pending.remove(result);
      slots.release();
      try {
        callbacks.execute(() -> complete(caller, outcome, failure));
      } catch (RejectedExecutionException e) {
        complete(caller, outcome, failure); // closed: complete here rather than never
      }
    });
    submit(new Pending(write, 1, result));
    return caller;
  }

  private void submit(Pending p) {
    try {
      submitter.execute(() -> dispatch(p));
    } catch (RejectedExecutionException e) {
      p.result().completeExceptionally(new VectorIndexException("the Vespa index is closed", false));
    }
  }

  /** On the submit thread: checks the generation, then hands the write to the feed client (which may throttle). */
  private void dispatch(Pending p) {
    IndexWrite w = p.write();
    try {
      if (p.result().isDone()) {
        return; // failed by close()
      }
      if (generationState(w.generation()) == GenerationState.RETIRED) {
        p.result().complete(IndexWriteOutcome.RETIRED);
        return;
      }
      DocumentId id = DocumentId.of(settings.namespace(), ITEM, VespaLayout.itemDocId(w.generation(), w.itemId()));
      OperationParameters params = OperationParameters.empty().timeout(settings.timeout());
      CompletableFuture<Result> sent;
      if (w instanceof IndexWrite.Upsert u) {
        sent = feed.put(id, upsertJson(u),
            params.createIfNonExistent(true).testAndSetCondition(VespaLayout.newerThanStored(u.version())));
      } else if (w instanceof IndexWrite.Delete d) {
        sent = feed.put(id, tombstoneJson(d),
            params.createIfNonExistent(true).testAndSetCondition(VespaLayout.newerThanStored(d.version())));
      } else {
        IndexWrite.UpdateAttributes a = (IndexWrite.UpdateAttributes) w;
        sent = feed.update(id, updateJson(a), params.testAndSetCondition(VespaLayout.liveAndOlderThan(a.version())));
      }
      sent.whenComplete((r, failure) -> onFeedResult(p, r, failure));
    } catch (VectorIndexException e) {
      p.result().completeExceptionally(e);
    } catch (RuntimeException e) {
      p.result().completeExceptionally(feedFailure(w, e));
    }
  }

  private void onFeedResult(Pending p, Result r, Throwable failure) {
    IndexWrite w = p.write();
    if (failure != null) {
      p.result().completeExceptionally(feedFailure(w, failure));
    } else if (r.type() == Result.Type.success) {
      p.result().complete(IndexWriteOutcome.APPLIED);
    } else if (w instanceof IndexWrite.UpdateAttributes) {
      classifyFailedUpdate(p);
    } else {
      p.result().complete(IndexWriteOutcome.STALE); // the stored document, live or tombstone, is as new or newer
    }
  }

  /** After a 412 on an attribute update: missing or deleted by an older version = NOT_FOUND, else STALE. */
  private void classifyFailedUpdate(Pending p) {
    IndexWrite w = p.write();
    String path = VespaLayout.documentPath(settings.namespace(), ITEM,
        VespaLayout.itemDocId(w.generation(), w.itemId()))
        + "?fieldSet=" + VespaLayout.encode(ITEM + ":" + F_VERSION + "," + F_DELETED + "," + F_DELETED_AT);
    http.get(path, settings.timeout()).whenComplete((reply, failure) -> {
      if (failure != null) {
        p.result().completeExceptionally(VespaHttp.unwrap(failure));
        return;
      }
      if (reply.status() == 404) {
        p.result().complete(IndexWriteOutcome.NOT_FOUND);
        return;
      }
      if (reply.status() != 200) {
        p.result().completeExceptionally(new VectorIndexException("reading item " + w.itemId() + " of generation "
            + w.generation() + " after a failed condition: status " + reply.status() + ": " + reply.message(),
            reply.status() >= 500));
        return;
      }
      JsonNode fields = reply.body().path("fields");
      long stored = fields.path(F_VERSION).asLong(Long.MIN_VALUE);
      boolean deleted = fields.path(F_DELETED).asBoolean(false) || fields.has(F_DELETED_AT);
      if (stored >= w.version()) {
        p.result().complete(IndexWriteOutcome.STALE);
      } else if (deleted) {
        p.result().complete(IndexWriteOutcome.NOT_FOUND);
      } else if (p.attempt() < UPDATE_ATTEMPTS) {
        submit(new Pending(w, p.attempt() + 1, p.result())); // changed in between (another writer): try again
      } else {
        p.result().completeExceptionally(new VectorIndexException("item " + w.itemId() + " of generation "
            + w.generation() + " kept changing under update version " + w.version(), true));
      }
    });
  }

  private VectorIndexException feedFailure(IndexWrite w, Throwable failure) {
    Throwable t = VespaHttp.unwrap(failure);
    if (t instanceof VectorIndexException v) {
      return v;
    }
    String what = operation(w) + " of item " + w.itemId() + " (generation " + w.generation() + ", version "
        + w.version() + ") at Vespa " + settings.endpoint();
    if (t instanceof ResultException) {
      // 502, 504, 507: Vespa accepted the request but could not apply it now (overload, timeout, full).
      return new VectorIndexException(what + " failed: " + t.getMessage(), true, t);
    }
    if (t instanceof FeedException) {
      Matcher m = FEED_STATUS.matcher(String.valueOf(t.getMessage()));
      if (m.find()) {
        int status = Integer.parseInt(m.group(1));
        boolean retryable = status >= 500 || status == 429 || status == 408;
        return new VectorIndexException(what + " failed with status " + status + ": " + m.group(2).trim(),
            retryable, t);
      }
      Throwable cause = VespaHttp.unwrap(t.getCause() == null ? t : t.getCause());
      if (cause instanceof TimeoutException) {
        return new VectorIndexException(what + " timed out after " + settings.timeout().toMillis()
            + " ms (timeoutMs, including the feed client's retries)", true, t);
      }
      // Aborted (the client was closed or gave up) or failed on the client side: the write may or may not have
      // been applied, and a retry is harmless because it carries the same version.
      return new VectorIndexException(what + " failed: " + t.getMessage(), true, t);
    }
    if (t instanceof IOException || t instanceof TimeoutException) {
      return new VectorIndexException(what + " failed: " + t, true, t);
    }
    return new VectorIndexException(what + " failed: " + t, false, t);
  }

  private static String operation(IndexWrite w) {
    if (w instanceof IndexWrite.Upsert) {
      return "upsert";
    }
    return w instanceof IndexWrite.Delete ? "delete" : "attribute update";
  }

  private String upsertJson(IndexWrite.Upsert u) {
    ObjectNode fields = json.createObjectNode();
    fields.put(F_NS, settings.namespace());
    fields.put(F_ITEM_ID, u.itemId());
    fields.put(F_GENERATION, u.generation());
    fields.put(F_VERSION, u.version());
    fields.put(F_DELETED, false);
    putAttributes(fields, u.attributes(), false);
    ArrayNode vector = fields.putArray(F_EMBEDDING); // the short form of a dense tensor
    for (float v : u.vector()) {
      vector.add(v);
    }
    return document(fields);
  }

  private String tombstoneJson(IndexWrite.Delete d) {
    ObjectNode fields = json.createObjectNode();
    fields.put(F_NS, settings.namespace());
    fields.put(F_ITEM_ID, d.itemId());
    fields.put(F_GENERATION, d.generation());
    fields.put(F_VERSION, d.version());
    fields.put(F_DELETED, true);
    fields.put(F_DELETED_AT, Instant.now().getEpochSecond()); // seconds: the unit of now() in document selections
    return document(fields);
  }

  private String updateJson(IndexWrite.UpdateAttributes a) {
    ObjectNode fields = json.createObjectNode();
    fields.putObject(F_VERSION).put("assign", a.version());
    putAttributes(fields, a.attributes(), true);
    return document(fields);
  }

  private void putAttributes(ObjectNode fields, ItemAttributes a, boolean assign) {
    ArrayNode list = json.createArrayNode();
    a.regions().forEach(list::add);
    set(fields, F_IN_STOCK, json.getNodeFactory().booleanNode(a.inStock()), assign);
    set(fields, F_REGIONS, list, assign); // [] clears the field: Vespa stores an empty array as absent
    set(fields, F_SOLD_EVERYWHERE, json.getNodeFactory().booleanNode(a.regions().isEmpty()), assign);
    set(fields, F_MIN_AGE, json.getNodeFactory().numberNode(a.minAge()), assign);
    set(fields, F_CATEGORY, json.getNodeFactory().textNode(a.category()), assign);
    set(fields, F_PRICE, json.getNodeFactory().numberNode(a.price()), assign);
  }

  private void set(ObjectNode fields, String name, JsonNode value, boolean assign) {
    if (assign) {
      fields.putObject(name).set("assign", value);
    } else {
      fields.set(name, value);
    }
  }

  private String document(ObjectNode fields) {
    ObjectNode doc = json.createObjectNode();
    doc.set("fields", fields);
    return doc.toString();
  }

  // ---------------------------------------------------------------------------------------------------- search

  @Override
  public CompletableFuture<List<Hit>> search(float[] query, int k, SearchFilter filter) {
    if (query == null || filter == null) {
      return failed(new VectorIndexException("query and filter must not be null", false));
    }
    if (k < 1) {
      return failed(new VectorIndexException("k must be >= 1, got " + k, false));
    }
    return onCallbackThread(registry(settings.activeCacheTime()).thenCompose(r -> {
      Optional<Generation> active = r.activeGeneration();
      if (active.isEmpty()) {
        return CompletableFuture.completedFuture(List.of());
      }
      if (query.length != active.get().dimension()) {
        return failed(new VectorIndexException("query has dimension " + query.length + " but the active generation "
            + active.get().id() + " has dimension " + active.get().dimension(), false));
      }
      return query(active.get().id(), query, k, filter, filter.excludeIds());
    }));
  }

  @Override
  public CompletableFuture<List<Hit>> similar(String itemId, int k, SearchFilter filter) {
    if (itemId == null || filter == null) {
      return failed(new VectorIndexException("itemId and filter must not be null", false));
    }
    if (k < 1) {
      return failed(new VectorIndexException("k must be >= 1, got " + k, false));
    }
    return onCallbackThread(registry(settings.activeCacheTime()).thenCompose(r -> {
      Optional<Generation> active = r.activeGeneration();
      if (active.isEmpty()) {
        return CompletableFuture.completedFuture(List.<Hit>of());
      }
      long gen = active.get().id();
      String path = VespaLayout.documentPath(settings.namespace(), ITEM, VespaLayout.itemDocId(gen, itemId))
          + "?fieldSet=" + VespaLayout.encode(ITEM + ":" + F_EMBEDDING + "," + F_DELETED);
      return http.get(path, settings.timeout()).thenCompose(reply -> {
        if (reply.status() == 404) {
          return CompletableFuture.completedFuture(List.<Hit>of());
        }
        if (reply.status() != 200) {
          return failed(new VectorIndexException("reading item " + itemId + " of generation " + gen
              + " failed with status " + reply.status() + ": " + reply.message(), reply.status() >= 500));
        }
        JsonNode fields = reply.body().path("fields");
        float[] vector = denseTensor(fields.path(F_EMBEDDING), active.get().dimension());
        if (fields.path(F_DELETED).asBoolean(false) || vector == null) {
          return CompletableFuture.completedFuture(List.<Hit>of()); // a tombstone: the item is deleted
        }
        Set<String> excludes = new HashSet<>(filter.excludeIds());
        excludes.add(itemId);
        return query(gen, vector, k, filter, excludes);
      });
    }));
  }

  /**
   * One {@code /search/} query per {@value #VECTORS_PER_QUERY} distinct ids (sent together, not one GET per id):
   * {@link VespaLayout#vectorsYql} with the active generation, unranked, summary class
   * {@value VespaLayout#VECTORS_SUMMARY}, tensors rendered as bare arrays
   * ({@code presentation.format.tensors=short-value}). Any failed query fails the whole call.
   */
  @Override
  public CompletableFuture<Map<String, float[]>> vectors(Collection<String> itemIds) {
    if (itemIds == null) {
      return failed(new VectorIndexException("item ids must not be null", false));
    }
    Set<String> unique = new LinkedHashSet<>();
    for (String id : itemIds) {
      if (id == null) {
        return failed(new VectorIndexException("item ids must not be null", false));
      }
      unique.add(id);
    }
    if (unique.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    return onCallbackThread(registry(settings.activeCacheTime()).thenCompose(r -> {
      Optional<Generation> active = r.activeGeneration();
      if (active.isEmpty()) {
        return CompletableFuture.completedFuture(Map.<String, float[]>of());
      }
      List<String> ids = List.copyOf(unique);
      List<CompletableFuture<Map<String, float[]>>> parts = new ArrayList<>();
      for (int from = 0; from < ids.size(); from += VECTORS_PER_QUERY) {
        parts.add(vectorsQuery(active.get(), ids.subList(from, Math.min(ids.size(), from + VECTORS_PER_QUERY))));
      }
      if (parts.size() == 1) {
        return parts.get(0);
      }
      return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
        Map<String, float[]> all = new HashMap<>((int) (ids.size() / 0.75f) + 1);
        parts.forEach(p -> all.putAll(p.join()));
        return all;
      });
    }));
  }

  private CompletableFuture<Map<String, float[]>> vectorsQuery(Generation generation, List<String> ids) {
    ObjectNode body = json.createObjectNode();
    body.put("yql", VespaLayout.vectorsYql(settings.namespace(), generation.id(), ids));
    body.put("ranking.profile", VespaLayout.UNRANKED);
    body.put("presentation.summary", VespaLayout.VECTORS_SUMMARY);
    body.put("presentation.format.tensors", "short-value");
    body.put("hits", ids.size()); // at most one live document per id in a generation
    return search(generation.id(), body).thenCompose(root -> {
      Map<String, float[]> vectors = new HashMap<>((int) (ids.size() / 0.75f) + 1);
      for (JsonNode child : root.path("children")) {
        JsonNode fields = child.path("fields");
        JsonNode id = fields.path(F_ITEM_ID);
        float[] vector = denseTensor(fields.path(F_EMBEDDING), generation.dimension());
        if (!id.isTextual() || vector == null) {
          // Live documents always hold a vector of the schema's dimension, so this is a deployment problem.
          return failed(new VectorIndexException("a hit of a vector lookup from Vespa has no " + F_ITEM_ID + " or no "
              + F_EMBEDDING + " of dimension " + generation.dimension() + " (is the summary class '"
              + VespaLayout.VECTORS_SUMMARY + "' deployed?): " + child, false));
        }
        vectors.put(id.asText(), vector);
      }
      return CompletableFuture.completedFuture(vectors);
    });
  }

  private CompletableFuture<List<Hit>> query(long generation, float[] vector, int k, SearchFilter filter,
      Set<String> excludes) {
    ObjectNode body = json.createObjectNode();
    body.put("yql", VespaLayout.yql(settings.namespace(), generation, k, settings.exploreAdditionalHits(), filter,
        excludes));
    ArrayNode q = body.putArray("input.query(" + VespaLayout.QUERY_TENSOR + ")");
    for (float v : vector) {
      q.add(v);
    }
    body.put("ranking.profile", settings.rankProfile());
    body.put("presentation.summary", VespaLayout.SUMMARY);
    body.put("hits", k);
    return search(generation, body).thenCompose(root -> {
      List<Hit> hits = new ArrayList<>();
      for (JsonNode child : root.path("children")) {
        JsonNode id = child.path("fields").path(F_ITEM_ID);
        if (!id.isTextual()) {
          return failed(new VectorIndexException("a hit from Vespa has no " + F_ITEM_ID + " (is the summary class '"
              + VespaLayout.SUMMARY + "' deployed?): " + child, false));
        }
        hits.add(new Hit(id.asText(), (float) child.path("relevance").asDouble()));
      }
      return CompletableFuture.completedFuture(List.copyOf(hits));
    });
  }

  /**
   * POSTs a query of {@code generation} to {@code /search/} with the configured timeout; completes with the
   * result's {@code root}, or fails with {@link #queryFailure} when Vespa answers with an error.
   */
  private CompletableFuture<JsonNode> search(long generation, ObjectNode body) {
    body.put("timeout", settings.queryTimeout().toMillis() + "ms");
    Duration httpTimeout = settings.queryTimeout().plusSeconds(1); // let Vespa answer its own timeout first
    return http.post("/search/", body, httpTimeout).thenCompose(reply -> {
      JsonNode root = reply.body().path("root");
      JsonNode errors = root.path("errors");
      if (reply.status() != 200 || errors.size() > 0) {
        return failed(queryFailure(generation, reply, errors));
      }
      return CompletableFuture.completedFuture(root);
    });
  }

  private VectorIndexException queryFailure(long generation, VespaHttp.Reply reply, JsonNode errors) {
    List<String> messages = new ArrayList<>();
    boolean retryable = reply.status() == 429 || reply.status() >= 500;
    for (JsonNode e : errors) {
      int code = e.path("code").asInt(-1);
      retryable |= TRANSIENT_QUERY_ERRORS.contains(code) || e.path("transient").asBoolean(false);
      String summary = e.path("summary").asText("");
      String message = e.path("message").asText("");
      messages.add(code + " " + summary + (message.isEmpty() ? "" : ": " + message));
    }
    if (messages.isEmpty()) {
      messages.add(reply.message() == null ? "" : reply.message());
    }
    return new VectorIndexException("query of generation " + generation + " at Vespa " + settings.endpoint()
        + " failed with status " + reply.status() + ": " + String.join("; ", messages), retryable);
  }

  /**
   * A dense tensor as a GET renders it: by default {@code {"type": ..., "values": [...]}}, with
   * {@code format.tensors=short-value} the bare array, in the long form {@code {"cells": [{"address": {"x": "0"},
   * "value": ...}]}}. Null when the field is absent (a tombstone) or not a vector of that dimension.
   */
  static float[] denseTensor(JsonNode node, int dimension) {
    JsonNode values = node.isArray() ? node : node.path("values");
    float[] v = new float[dimension];
    if (values.isArray()) {
      if (values.size() != dimension) {
        return null;
      }
      for (int i = 0; i < dimension; i++) {
        v[i] = (float) values.get(i).asDouble();
      }
      return v;
    }
    JsonNode cells = node.path("cells");
    if (!cells.isArray() || cells.size() != dimension) {
      return null;
    }
    for (JsonNode cell : cells) {
      int i = cell.path("address").path("x").asInt(-1);
      if (i < 0 || i >= dimension) {
        return null;
      }
      v[i] = (float) cell.path("value").asDouble();
    }
    return v;
  }

  // ----------------------------------------------------------------------------------------------- generations

  @Override
  public Optional<Generation> active() {
    return await(registry(settings.activeCacheTime()), "reading the active generation").activeGeneration();
  }

  @Override
  public List<Generation> generations() {
    return await(registry(settings.activeCacheTime()), "reading the generations").generations();
  }

  @Override
  public void create(Generation generation) {
    if (generation.dimension() != settings.dimension()) {
      throw new VectorIndexException("generation " + generation.id() + " (model " + generation.modelVersion()
          + ") has dimension " + generation.dimension() + " but the deployed Vespa schema has embedding tensor<float>(x["
          + settings.dimension() + "]); a new dimension is a schema change: set tensor<float>(x["
          + generation.dimension() + "]) for the field embedding and for query(q) in schemas/item.sd, redeploy "
          + "(a tensor type change needs a validation override and a re-feed) and open the index with dimension="
          + generation.dimension(), false);
    }
    for (int attempt = 0; attempt < REGISTRY_ATTEMPTS; attempt++) {
      GenerationRegistry r = await(refresh(), "reading the generations");
      Optional<Generation> existing = r.find(generation.id());
      if (existing.isPresent()) {
        if (existing.get().equals(generation)) {
          return;
        }
        throw new VectorIndexException("generation " + generation.id() + " already exists as " + existing.get()
            + "; cannot create it again as " + generation, false);
      }
      if (r.active() != 0 && generation.id() <= r.active()) {
        throw new VectorIndexException("generation " + generation.id() + " is not newer than the active generation "
            + r.active(), false);
      }
      if (writeRegistry(r, r.with(generation))) {
        LOG.info("created generation {} (model {}, dimension {}) in namespace {}", generation.id(),
            generation.modelVersion(), generation.dimension(), settings.namespace());
        return;
      }
    }
    throw new VectorIndexException("creating generation " + generation.id() + ": the registry kept changing", true);
  }

  @Override
  public void publish(long generationId) {
    for (int attempt = 0; attempt < REGISTRY_ATTEMPTS; attempt++) {
      GenerationRegistry r = await(refresh(), "reading the generations");
      if (r.find(generationId).isEmpty()) {
        throw new VectorIndexException("cannot publish generation " + generationId + ": it was never created or was"
            + " dropped (generations held: " + r.generations().stream().map(Generation::id).toList() + ")", false);
      }
      GenerationRegistry next = r.publish(generationId);
      if (r.active() == generationId && next.generations().equals(r.generations())) {
        dropOlderGenerations(generationId); // published already: only make sure the old documents are gone
        return;
      }
      if (writeRegistry(r, next)) {
        LOG.info("published generation {} in namespace {} (was {})", generationId, settings.namespace(), r.active());
        dropOlderGenerations(generationId);
        return;
      }
    }
    throw new VectorIndexException("publishing generation " + generationId + ": the registry kept changing", true);
  }

  /** A conditional update of the registry document; false when another writer changed it since {@code read}. */
  private boolean writeRegistry(GenerationRegistry read, GenerationRegistry next) {
    DocumentId id = DocumentId.of(settings.namespace(), GENERATION_TYPE, VespaLayout.REGISTRY_ID);
    OperationParameters params = OperationParameters.empty().timeout(settings.timeout()).createIfNonExistent(true)
        .testAndSetCondition(VespaLayout.registryRevisionIs(read.revision()));
    Result result;
    try {
      result = feed.update(id, next.toUpdate().toString(), params)
          .get(settings.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VectorIndexException("interrupted while writing the generation registry", true, e);
    } catch (ExecutionException e) {
      Throwable t = VespaHttp.unwrap(e);
      Matcher m = FEED_STATUS.matcher(String.valueOf(t.getMessage()));
      boolean retryable = !m.find() || Integer.parseInt(m.group(1)) >= 500;
      throw new VectorIndexException("writing the generation registry to Vespa " + settings.endpoint() + " failed: "
          + t.getMessage(), retryable, t);
    } catch (TimeoutException e) {
      throw new VectorIndexException("writing the generation registry timed out", true, e);
    }
    if (result.type() != Result.Type.success) {
      return false;
    }
    cache(next);
    return true;
  }

  /**
   * Deletes the documents of generations older than {@code active} by selection. Searches never see them (they read
   * the active generation only), so a failure here is logged, not thrown; the next publish deletes them too.
   */
  private void dropOlderGenerations(long active) {
    String base = VespaLayout.documentsPath(settings.namespace(), ITEM)
        + "?selection=" + VespaLayout.encode(VespaLayout.olderGenerations(active))
        + "&cluster=" + VespaLayout.encode(settings.cluster())
        + "&timeout=" + settings.timeout().toMillis() + "ms";
    String continuation = null;
    long deleted = 0;
    long deadline = System.nanoTime() + settings.timeout().multipliedBy(6).toNanos();
    try {
      do {
        String path = continuation == null ? base : base + "&continuation=" + VespaLayout.encode(continuation);
        VespaHttp.Reply reply = await(http.delete(path, settings.timeout().plusSeconds(1)), "deleting old generations");
        if (reply.status() != 200) {
          LOG.warn("deleting generations older than {} in namespace {} failed with status {}: {}; the next publish "
              + "deletes them", active, settings.namespace(), reply.status(), reply.message());
          return;
        }
        deleted += reply.body().path("documentCount").asLong(0);
        JsonNode c = reply.body().path("continuation");
        continuation = c.isTextual() && !c.asText().isEmpty() ? c.asText() : null;
      } while (continuation != null && System.nanoTime() < deadline);
      LOG.info("deleted {} documents of generations older than {} in namespace {}{}", deleted, active,
          settings.namespace(), continuation == null ? "" : " (not finished; the next publish continues)");
    } catch (VectorIndexException e) {
      LOG.warn("deleting generations older than {} in namespace {} failed: {}; the next publish deletes them",
          active, settings.namespace(), e.getMessage());
    }
  }

  /** Whether writes to {@code id} go ahead or are no-ops; fails for a generation that was never created. */
  private GenerationState generationState(long id) {
    GenerationRegistry r = await(registry(settings.activeCacheTime()), "reading the generations");
    if (r.find(id).isPresent()) {
      return GenerationState.WRITABLE;
    }
    if (r.retired(id)) {
      return GenerationState.RETIRED;
    }
    r = await(refresh(), "reading the generations"); // another process may have just created it
    if (r.find(id).isPresent()) {
      return GenerationState.WRITABLE;
    }
    if (r.retired(id)) {
      return GenerationState.RETIRED;
    }
    throw new VectorIndexException("generation " + id + " was never created in namespace " + settings.namespace()
        + " (generations held: " + r.generations().stream().map(Generation::id).toList() + "); create it first",
        false);
  }

  private CompletableFuture<GenerationRegistry> registry(Duration maxAge) {
    Cached c = registry.get();
    if (c != null && System.nanoTime() - c.readAtNanos() <= maxAge.toNanos()) {
      return CompletableFuture.completedFuture(c.registry());
    }
    return refresh();
  }

  /** Reads the registry; concurrent callers share one read. */
  private CompletableFuture<GenerationRegistry> refresh() {
    while (true) {
      CompletableFuture<GenerationRegistry> running = refreshing.get();
      if (running != null && !running.isDone()) {
        return running;
      }
      CompletableFuture<GenerationRegistry> mine = new CompletableFuture<>();
      if (!refreshing.compareAndSet(running, mine)) {
        continue;
      }
      long startedAt = System.nanoTime();
      String path = VespaLayout.documentPath(settings.namespace(), GENERATION_TYPE, VespaLayout.REGISTRY_ID);
      http.get(path, settings.timeout()).whenComplete((reply, failure) -> {
        if (failure != null) {
          mine.completeExceptionally(VespaHttp.unwrap(failure));
        } else if (reply.status() == 404) {
          mine.complete(cache(GenerationRegistry.EMPTY, startedAt));
        } else if (reply.status() == 200) {
          try {
            mine.complete(cache(GenerationRegistry.fromFields(reply.body().path("fields")), startedAt));
          } catch (RuntimeException e) {
            mine.completeExceptionally(new VectorIndexException("unreadable generation registry in namespace "
                + settings.namespace() + ": " + e.getMessage(), false, e));
          }
        } else {
          mine.completeExceptionally(new VectorIndexException("reading the generation registry from Vespa "
              + settings.endpoint() + " failed with status " + reply.status() + ": " + reply.message(),
              reply.status() >= 500 || reply.status() == 429));
        }
      });
      return mine;
    }
  }

  private void cache(GenerationRegistry r) {
    cache(r, System.nanoTime());
  }

  /**
   * Keeps the newest registry seen: a read that started before this instance's own write completed must not replace
   * it (its revision is lower). A read that started later wins even with a lower revision: the registry was reset.
   */
  private GenerationRegistry cache(GenerationRegistry r, long readAtNanos) {
    Cached next = new Cached(r, readAtNanos);
    Cached now = registry.accumulateAndGet(next, (old, fresh) -> old == null
        || fresh.registry().revision() >= old.registry().revision() || fresh.readAtNanos() > old.readAtNanos()
        ? fresh : old);
    return now.registry();
  }

  // ------------------------------------------------------------------------------------------------------ misc

  /** Deletes every item and the registry of this index's namespace; for tests against a shared server. */
  void dropNamespace() {
    for (String type : List.of(ITEM, GENERATION_TYPE)) {
      String path = VespaLayout.documentsPath(settings.namespace(), type) + "?selection=" + VespaLayout.encode(type)
          + "&cluster=" + VespaLayout.encode(settings.cluster());
      VespaHttp.Reply reply = await(http.delete(path, settings.timeout().plusSeconds(1)), "deleting " + type);
      if (reply.status() != 200) {
        throw new VectorIndexException("deleting " + type + " documents failed: " + reply.message(), false);
      }
    }
    registry.set(null);
  }

  private <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.get(settings.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VectorIndexException("interrupted while " + what, true, e);
    } catch (ExecutionException e) {
      Throwable t = VespaHttp.unwrap(e);
      if (t instanceof VectorIndexException v) {
        throw v;
      }
      throw new VectorIndexException(what + " failed: " + t, false, t);
    } catch (TimeoutException e) {
      throw new VectorIndexException(what + " timed out", true, e);
    }
  }

  private <T> CompletableFuture<T> onCallbackThread(CompletableFuture<T> f) {
    CompletableFuture<T> caller = new CompletableFuture<>();
    f.whenComplete((v, t) -> {
      try {
        callbacks.execute(() -> complete(caller, v, t));
      } catch (RejectedExecutionException e) {
        complete(caller, v, t);
      }
    });
    return caller;
  }

  private static <T> void complete(CompletableFuture<T> f, T value, Throwable failure) {
    if (failure == null) {
      f.complete(value);
    } else {
      Throwable t = VespaHttp.unwrap(failure);
      f.completeExceptionally(t instanceof VectorIndexException ? t
          : new VectorIndexException("Vespa index call failed: " + t, false, t));
    }
  }

  private static <T> CompletableFuture<T> failed(VectorIndexException e) {
    return CompletableFuture.failedFuture(e);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Waits up to {@code timeoutMs} for pending writes, then closes the feed client (aborting what is left, whose
   * futures fail retryably) and the query client.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      if (slots.tryAcquire(settings.maxInflight(), settings.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        slots.release(settings.maxInflight());
      } else {
        LOG.warn("closing {} with {} writes still pending; they fail", this, pending.size());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    submitter.shutdownNow();
    closeFeedClient();
    for (CompletableFuture<IndexWriteOutcome> p : List.copyOf(pending)) {
      p.completeExceptionally(new VectorIndexException("the Vespa index was closed before the write completed",
          true));
    }
    http.close();
    callbacks.shutdown();
    LOG.info("closed {}", this);
  }

  /**
   * Closes the feed client on a thread of its own and waits for it at most {@link #FEED_CLOSE_WAIT}. vespa-feed-client
   * 8.700.24 can take a minute to close: its ResettableCluster.close() holds a monitor while awaiting an executor
   * whose last queued task (bookkeeping of the last response) needs that monitor, so it waits out its 1-minute
   * timeout. Its HTTP client is already stopped by then, so nothing is lost by letting that wait finish in the
   * background rather than stalling a Flink task's shutdown.
   */
  private void closeFeedClient() {
    Thread closer = new Thread(() -> {
      try {
        feed.close(false);
      } catch (RuntimeException e) {
        LOG.warn("closing the feed client failed: {}", e.toString());
      }
    }, "vespa-index-feed-close");
    closer.setDaemon(true);
    closer.start();
    try {
      closer.join(FEED_CLOSE_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (closer.isAlive()) {
      LOG.info("the feed client of {} is still closing; it finishes in the background", this);
    }
  }

  @Override
  public String toString() {
    return "VespaVectorIndex{" + settings + "}";
  }
}
