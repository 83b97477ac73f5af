package io.streamrec.aerospike;

import com.aerospike.client.AerospikeException;
import com.aerospike.client.BatchRecord;
import com.aerospike.client.BatchWrite;
import com.aerospike.client.Bin;
import com.aerospike.client.IAerospikeClient;
import com.aerospike.client.Key;
import com.aerospike.client.Operation;
import com.aerospike.client.Record;
import com.aerospike.client.ResultCode;
import com.aerospike.client.Value;
import com.aerospike.client.cdt.MapOperation;
import com.aerospike.client.cdt.MapOrder;
import com.aerospike.client.cdt.MapPolicy;
import com.aerospike.client.cdt.MapReturnType;
import com.aerospike.client.cdt.MapWriteFlags;
import com.aerospike.client.policy.BatchPolicy;
import com.aerospike.client.policy.BatchWritePolicy;
import com.aerospike.client.policy.GenerationPolicy;
import com.aerospike.client.policy.RecordExistsAction;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureRecord;
import io.streamrec.core.store.FeatureStore;
import io.streamrec.core.store.FeatureStoreException;
import io.streamrec.core.store.FeatureWrite;
import io.streamrec.core.store.WriteOutcome;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link FeatureStore} on Aerospike (DESIGN §5), over {@link IAerospikeClient} so tests run it against a double.
 *
 * <p><b>Layout.</b> A {@link FeatureKey} is the record {@code (namespace, set, id)}; each feature is a bin. The
 * store adds {@value #VERSION_BIN} (the version, i.e. event time, of the last applied write) and, on deleted
 * records, {@value #DELETED_BIN} = 1: a delete keeps the record as a tombstone with only those two bins (written
 * with {@code REPLACE}, which drops every other bin), so a late upsert older than the delete is still refused.
 * Readers never see tombstones. They expire after {@code tombstoneTtl} (default never, as in the embedded store).
 *
 * <p><b>Versioned writes, atomically.</b> {@link #writeAll} reads the {@code _v}/{@code _del} bins and generations
 * of all its keys in one batch read, decides per write (older than stored = {@link WriteOutcome#STALE}, no write),
 * then sends one batch {@code operate} with a {@link BatchWrite} per remaining key whose own policy expects the
 * generation it read ({@code EXPECT_GEN_EQUAL}), or {@code CREATE_ONLY} for a key that did not exist. A concurrent
 * writer makes that record fail with GENERATION_ERROR or KEY_EXISTS_ERROR; only those records go round again (read,
 * decide, write), at most {@value #MAX_ATTEMPTS} times. The result is the max-version-wins outcome whatever the
 * interleaving. Several writes to one key in one call are applied in order, in successive rounds, because a batch
 * must not hold one key twice. Retrying a write after a timeout is safe: an equal version applies again and map
 * merges are keyed, so the client's own retries ({@code maxRetries}) apply to writes too.
 *
 * <p><b>TTL</b> is sent in whole seconds, rounded up; {@code Duration.ZERO} is -1 (never expires). Every applied
 * upsert sets it again, so an upsert refreshes the TTL. Reads do not extend it.
 *
 * <p><b>Bounded maps</b> ({@link FeatureWrite.NewestEntries}): in the same operate, {@code MapOperation.putItems}
 * into a key-ordered map, then {@code removeByRankRange(bin, -N, N, NONE | INVERTED)}, which keeps the N entries
 * with the highest-ranked values. Aerospike ranks map entries by their whole value, compared as lists element by
 * element; our values are {@code [rank (Long), payload...]}, so ties on the rank are broken by the payload, not by
 * the entry key (see the README; entries whose whole values are equal are in an order Aerospike does not specify).
 *
 * <p><b>Not blocking the caller.</b> Both modes are here and the settings pick one: with event loops
 * ({@code eventLoops > 0}, the default; the factory builds the client with {@code NioEventLoops}) the store uses the
 * client's async API and no thread waits for the server: this is the mode for Flink task threads and async I/O.
 * Without event loops it runs the blocking API on a bounded pool ({@code maxCommandsInProcess} threads, a queue of
 * {@code maxCommandsInQueue}, calls beyond that fail fast with a retryable error); that mode suits a client shared
 * with code that was built without event loops. In-flight work is bounded the same way in async mode through
 * {@code EventPolicy.maxCommandsInProcess/maxCommandsInQueue}. Futures complete on an event-loop (or pool) thread:
 * callers must not block in dependent stages.
 *
 * <p><b>Failures</b> complete the future with a {@link FeatureStoreException}, retryable for codes a later try can
 * fix ({@link #retryable(int)}). A batch that fails for some records fails as a whole; the records that were
 * written stay written, which is harmless because writes are idempotent.
 */
public final class AerospikeFeatureStore implements FeatureStore {
  private static final Logger LOG = LoggerFactory.getLogger(AerospikeFeatureStore.class);

  /** The version (event time) of the last applied write. */
  public static final String VERSION_BIN = "_v";
  /** Present (= 1) on the tombstone a delete leaves. */
  public static final String DELETED_BIN = "_del";
  /** Rounds of read-decide-write for records that keep losing generation races. */
  static final int MAX_ATTEMPTS = 8;
  /** Aerospike expirations count seconds from 2010-01-01T00:00:00Z. */
  static final long CITRUSLEAF_EPOCH_MILLIS = 1262304000000L;

  private static final String[] META_BINS = {VERSION_BIN, DELETED_BIN};
  private static final MapPolicy NEWEST_MAP = new MapPolicy(MapOrder.KEY_ORDERED, MapWriteFlags.DEFAULT);

  private final IAerospikeClient client;
  private final AerospikeSettings settings;
  private final ClientCalls calls;
  private final BatchPolicy readPolicy;
  private final BatchPolicy writePolicy;
  private final int tombstoneExpiration;
  private final boolean ownsClient;
  private final AutoCloseable closeAfterClient;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * A store over a client the caller owns (and closes). In async mode ({@code settings.eventLoops() > 0}) the
   * client must have been built with event loops ({@code ClientPolicy.eventLoops}); otherwise every call fails.
   */
  public AerospikeFeatureStore(IAerospikeClient client, AerospikeSettings settings) {
    this(client, settings, false, null);
  }

  private AerospikeFeatureStore(
      IAerospikeClient client, AerospikeSettings settings, boolean ownsClient, AutoCloseable closeAfterClient) {
    this.client = Objects.requireNonNull(client, "client");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.ownsClient = ownsClient;
    this.closeAfterClient = closeAfterClient;
    this.calls = ClientCalls.of(client, settings);
    this.readPolicy = batchPolicy(BatchPolicy.ReadDefault(), settings);
    this.writePolicy = batchPolicy(BatchPolicy.WriteDefault(), settings);
    this.tombstoneExpiration = AerospikeValues.ttlSeconds(settings.tombstoneTtl());
  }

  /** A store that closes the client, then {@code closeAfterClient} (its event loops; may be null), on close. */
  static AerospikeFeatureStore owning(
      IAerospikeClient client, AerospikeSettings settings, AutoCloseable closeAfterClient) {
    return new AerospikeFeatureStore(client, settings, true, closeAfterClient);
  }

  public AerospikeSettings settings() {
    return settings;
  }

  private static BatchPolicy batchPolicy(BatchPolicy p, AerospikeSettings s) {
    p.totalTimeout = (int) s.totalTimeout().toMillis();
    p.socketTimeout = (int) s.socketTimeout().toMillis();
    p.maxRetries = s.maxRetries();
    return p;
  }

  Key key(FeatureKey k) {
    return new Key(settings.namespace(), k.set(), k.id());
  }

  // ---- reads ----

  @Override
  public CompletableFuture<Map<FeatureKey, FeatureRecord>> readAll(Collection<FeatureKey> keys) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new FeatureStoreException("the Aerospike feature store is closed", false));
    }
    List<FeatureKey> distinct = new ArrayList<>(new LinkedHashSet<>(keys));
    if (distinct.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    Key[] ks = distinct.stream().map(this::key).toArray(Key[]::new);
    return translated(calls.get(readPolicy, ks, null).thenApply(records -> {
      Map<FeatureKey, FeatureRecord> out = new HashMap<>(Math.max(4, distinct.size() * 2));
      for (int i = 0; i < records.length; i++) {
        FeatureRecord r = toFeatureRecord(records[i]);
        if (r != null) {
          out.put(distinct.get(i), r);
        }
      }
      return out;
    }), "batch read of " + ks.length + " keys");
  }

  private static FeatureRecord toFeatureRecord(Record r) {
    if (r == null || r.bins == null || r.bins.containsKey(DELETED_BIN)) {
      return null; // missing, expired, or a tombstone
    }
    Map<String, Object> bins = new LinkedHashMap<>(Math.max(4, r.bins.size() * 2));
    for (Map.Entry<String, Object> e : r.bins.entrySet()) {
      if (!e.getKey().equals(VERSION_BIN)) {
        bins.put(e.getKey(), AerospikeValues.fromClient(e.getValue()));
      }
    }
    long expiresAt = r.expiration == 0
        ? FeatureRecord.NEVER
        : CITRUSLEAF_EPOCH_MILLIS + Integer.toUnsignedLong(r.expiration) * 1000L;
    return new FeatureRecord(bins, version(r), expiresAt);
  }

  /** The stored version; a record written by something else than this store has none and loses to any write. */
  private static long version(Record r) {
    Object v = r.bins == null ? null : r.bins.get(VERSION_BIN);
    return v instanceof Long l ? l : Long.MIN_VALUE;
  }

  // ---- writes ----

  /**
   * Applies the writes (see the class comment). A write with bins no backend could store, with a reserved bin name
   * or with a TTL over Aerospike's ten years is refused with an {@link IllegalArgumentException} before anything is
   * written, as the embedded store does.
   */
  @Override
  public CompletableFuture<List<WriteOutcome>> writeAll(List<FeatureWrite> writes) {
    writes.forEach(AerospikeValues::check);
    if (closed.get()) {
      return CompletableFuture.failedFuture(new FeatureStoreException("the Aerospike feature store is closed", false));
    }
    if (writes.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    WriteOutcome[] outcomes = new WriteOutcome[writes.size()];
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (List<Integer> round : rounds(writes)) {
      chain = chain.thenCompose(x -> writeRound(writes, round, outcomes, 1));
    }
    return translated(chain.thenApply(x -> List.of(outcomes)), "batch write of " + writes.size() + " records");
  }

  /** Splits the writes into rounds in which each key appears once: the n-th write to a key goes in round n. */
  static List<List<Integer>> rounds(List<FeatureWrite> writes) {
    List<List<Integer>> rounds = new ArrayList<>();
    Map<FeatureKey, Integer> seen = new HashMap<>();
    for (int i = 0; i < writes.size(); i++) {
      int r = seen.merge(writes.get(i).key(), 1, Integer::sum) - 1;
      if (r == rounds.size()) {
        rounds.add(new ArrayList<>());
      }
      rounds.get(r).add(i);
    }
    return rounds;
  }

  private CompletableFuture<Void> writeRound(
      List<FeatureWrite> writes, List<Integer> pending, WriteOutcome[] outcomes, int attempt) {
    Key[] keys = new Key[pending.size()];
    for (int j = 0; j < keys.length; j++) {
      keys[j] = key(writes.get(pending.get(j)).key());
    }
    return calls.get(readPolicy, keys, META_BINS).thenCompose(current -> {
      List<BatchRecord> batch = new ArrayList<>(keys.length);
      List<Integer> batchIndex = new ArrayList<>(keys.length);
      for (int j = 0; j < keys.length; j++) {
        int i = pending.get(j);
        BatchWrite bw = plan(writes.get(i), keys[j], current[j]);
        if (bw == null) {
          outcomes[i] = WriteOutcome.STALE;
        } else {
          batch.add(bw);
          batchIndex.add(i);
        }
      }
      if (batch.isEmpty()) {
        return CompletableFuture.completedFuture(null);
      }
      return calls.operate(writePolicy, batch).thenCompose(done -> {
        List<Integer> conflicts = new ArrayList<>();
        List<BatchRecord> failed = new ArrayList<>();
        for (int j = 0; j < batch.size(); j++) {
          BatchRecord r = batch.get(j);
          switch (r.resultCode) {
            case ResultCode.OK -> outcomes[batchIndex.get(j)] = WriteOutcome.APPLIED;
            case ResultCode.GENERATION_ERROR, ResultCode.KEY_EXISTS_ERROR -> conflicts.add(batchIndex.get(j));
            default -> failed.add(r);
          }
        }
        if (!failed.isEmpty()) {
          return CompletableFuture.failedFuture(recordFailures(failed));
        }
        if (conflicts.isEmpty()) {
          return CompletableFuture.completedFuture(null);
        }
        if (attempt >= MAX_ATTEMPTS) {
          return CompletableFuture.failedFuture(new FeatureStoreException(conflicts.size()
              + " writes still lost generation races after " + MAX_ATTEMPTS + " attempts (first: "
              + writes.get(conflicts.get(0)).key() + "); too many concurrent writers to one key", true));
        }
        LOG.debug("{} of {} writes lost a generation race (attempt {}); reading them again", conflicts.size(),
            batch.size(), attempt);
        return writeRound(writes, conflicts, outcomes, attempt + 1);
      });
    });
  }

  /** The write for one key given what is stored, or null if the stored version is newer (STALE). */
  private BatchWrite plan(FeatureWrite w, Key key, Record current) {
    boolean exists = current != null;
    boolean tombstone = exists && current.bins != null && current.bins.containsKey(DELETED_BIN);
    if (exists && version(current) > w.version()) {
      return null;
    }
    BatchWritePolicy p = new BatchWritePolicy();
    if (exists) {
      p.generationPolicy = GenerationPolicy.EXPECT_GEN_EQUAL;
      p.generation = current.generation;
    } else {
      p.recordExistsAction = RecordExistsAction.CREATE_ONLY;
    }
    List<Operation> ops = new ArrayList<>();
    if (w.kind() == FeatureWrite.Kind.DELETE) {
      if (exists && !tombstone) {
        p.recordExistsAction = RecordExistsAction.REPLACE; // drops every other bin
      }
      p.expiration = tombstoneExpiration;
      ops.add(Operation.put(new Bin(VERSION_BIN, w.version())));
      ops.add(Operation.put(new Bin(DELETED_BIN, 1L)));
    } else {
      p.expiration = AerospikeValues.ttlSeconds(w.ttl());
      if (tombstone) {
        ops.add(Operation.put(Bin.asNull(DELETED_BIN))); // the tombstone has no other bins to clear
      }
      for (Map.Entry<String, Object> e : w.bins().entrySet()) {
        ops.add(Operation.put(new Bin(e.getKey(), Value.get(e.getValue()))));
      }
      ops.add(Operation.put(new Bin(VERSION_BIN, w.version())));
      for (FeatureWrite.NewestEntries m : w.mapMerges()) {
        Map<Value, Value> items = new HashMap<>();
        m.entries().forEach((k, v) -> items.put(Value.get(k), Value.get(v)));
        ops.add(MapOperation.putItems(NEWEST_MAP, m.bin(), items));
        ops.add(MapOperation.removeByRankRange(
            m.bin(), -m.keepNewest(), m.keepNewest(), MapReturnType.NONE | MapReturnType.INVERTED));
      }
    }
    return new BatchWrite(p, key, ops.toArray(Operation[]::new));
  }

  private static FeatureStoreException recordFailures(List<BatchRecord> failed) {
    boolean retryable = failed.stream().allMatch(r -> retryable(r.resultCode));
    StringBuilder sb = new StringBuilder().append(failed.size()).append(" record write(s) failed: ");
    for (int i = 0; i < Math.min(3, failed.size()); i++) {
      BatchRecord r = failed.get(i);
      sb.append(i == 0 ? "" : ", ").append(r.key.namespace).append('/').append(r.key.setName).append('/')
          .append(r.key.userKey).append(' ').append(codeName(r.resultCode));
    }
    if (failed.size() > 3) {
      sb.append(", ...");
    }
    return new FeatureStoreException(sb.toString(), retryable);
  }

  // ---- failures ----

  private static final Set<Integer> RETRYABLE = Set.of(
      // the server's own "try again later"
      ResultCode.TIMEOUT, ResultCode.KEY_BUSY, ResultCode.DEVICE_OVERLOAD,
      // the client's: no connection or node right now, or its own back-pressure
      ResultCode.NO_MORE_CONNECTIONS, ResultCode.SERVER_NOT_AVAILABLE, ResultCode.INVALID_NODE_ERROR,
      ResultCode.ASYNC_QUEUE_FULL, ResultCode.MAX_ERROR_RATE, ResultCode.NO_RESPONSE);

  /** Whether trying again later may succeed: timeouts, hot keys, overload, transient connection trouble. */
  static boolean retryable(int resultCode) {
    return RETRYABLE.contains(resultCode);
  }

  private static String codeName(int code) {
    return ResultCode.getResultString(code) + " (" + code + ")";
  }

  /** The same result, with every failure turned into a {@link FeatureStoreException} (not wrapped). */
  private static <T> CompletableFuture<T> translated(CompletableFuture<T> f, String what) {
    CompletableFuture<T> out = new CompletableFuture<>();
    f.whenComplete((v, t) -> {
      if (t == null) {
        out.complete(v);
      } else {
        out.completeExceptionally(translate(t, what));
      }
    });
    return out;
  }

  static FeatureStoreException translate(Throwable t, String what) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof FeatureStoreException fse) {
      return fse;
    }
    if (t instanceof AerospikeException ae) {
      int code = ae.getResultCode();
      return new FeatureStoreException(
          "Aerospike " + what + " failed: " + codeName(code) + ": " + ae.getMessage(), retryable(code), ae);
    }
    if (t instanceof RejectedExecutionException) {
      return new FeatureStoreException(
          "Aerospike " + what + " refused: too many commands queued (maxCommandsInQueue)", true, t);
    }
    return new FeatureStoreException("Aerospike " + what + " failed: " + t, false, t);
  }

  /** Closes the client (and its event loops) if this store opened it; a borrowed client stays open. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    calls.close();
    if (ownsClient) {
      try {
        client.close();
      } finally {
        if (closeAfterClient != null) {
          try {
            closeAfterClient.close();
          } catch (Exception e) {
            throw new IllegalStateException("closing the Aerospike event loops failed", e);
          }
        }
      }
    }
  }

  @Override
  public String toString() {
    return "AerospikeFeatureStore" + settings.hosts() + "/" + settings.namespace()
        + (settings.async() ? " (async, " + settings.eventLoops() + " event loops)" : " (executor)");
  }
}
