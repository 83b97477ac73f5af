package io.streamrec.aerospike;

import com.aerospike.client.AerospikeException;
import com.aerospike.client.BatchRecord;
import com.aerospike.client.BatchWrite;
import com.aerospike.client.IAerospikeClient;
import com.aerospike.client.Key;
import com.aerospike.client.Operation;
import com.aerospike.client.Record;
import com.aerospike.client.ResultCode;
import com.aerospike.client.Value;
import com.aerospike.client.async.EventLoop;
import com.aerospike.client.cdt.MapReturnType;
import com.aerospike.client.command.ParticleType;
import com.aerospike.client.listener.BatchOperateListListener;
import com.aerospike.client.listener.RecordArrayListener;
import com.aerospike.client.policy.BatchPolicy;
import com.aerospike.client.policy.BatchWritePolicy;
import com.aerospike.client.policy.GenerationPolicy;
import com.aerospike.client.policy.RecordExistsAction;
import com.aerospike.client.util.Packer;
import com.aerospike.client.util.Unpacker;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test double of an Aerospike cluster behind {@link IAerospikeClient}: an in-memory map of records that answers
 * exactly the calls {@link AerospikeFeatureStore} makes, with the server behaviour the store relies on (PROTOCOLS.md
 * and the server's sources). It is not a server and fakes nothing else: any other client method throws {@link
 * UnsupportedOperationException} naming itself.
 *
 * <p>What it does as Aerospike does:
 *
 * <ul>
 *   <li>Records are keyed by (namespace, set, user key) (the real digest is a hash of set and key); unknown namespaces
 *       fail with INVALID_NAMESPACE (20). Bins keep their insertion order, as the client's LinkedHashMap does.
 *   <li>Values go through the client's own msgpack packer and unpacker, so reads return what the real client returns:
 *       Long for every integer, Double, Boolean, String, ArrayList, HashMap (TreeMap for key-ordered maps), and a
 *       fresh copy on every read.
 *   <li>Batch get returns a {@code Record[]} with null at missing (or expired) keys; asking for bins none of which
 *       exist gives a record with null {@code bins}, as the client does when the server sends no bins.
 *   <li>Writes (batch operate with {@link BatchWrite}s, each with its own policy): generation starts at 1 and goes up
 *       by one per write (wrapping from 65535 to 1); {@code EXPECT_GEN_EQUAL} compares with 0 for a missing record (as
 *       the server does), mismatch = GENERATION_ERROR (3); {@code CREATE_ONLY} on a live record = KEY_EXISTS_ERROR (5);
 *       {@code UPDATE_ONLY}/{@code REPLACE_ONLY} on a missing one = KEY_NOT_FOUND_ERROR (2); {@code REPLACE} drops the
 *       other bins and refuses bin deletes and map ops (PARAMETER_ERROR 4); a bin name over 15 bytes =
 *       BIN_NAME_TOO_LONG (21); a map op on a non-map bin = BIN_TYPE_ERROR (12); a record over {@link
 *       #maxRecordBytes(int)} = RECORD_TOO_BIG (13); a write that leaves no bins deletes the record. A failed write
 *       changes nothing.
 *   <li>TTL ({@code expiration}, seconds): 0 = the namespace default ({@link #namespaceDefaultTtl(int)}, 0 = never,
 *       the double's default, a server's {@code default-ttl 0}), -1 = never, -2 = keep the record's current TTL (the
 *       default for a new record), over ten years = PARAMETER_ERROR. {@code Record.expiration} is in seconds since
 *       2010-01-01 (0 = never); a record is gone once the clock passes it. Reads do not extend it. The clock is
 *       {@link #advance(Duration)}.
 *   <li>Map ops decoded from the bytes the client sends: {@code putItems}/{@code put} (creating the map with the
 *       policy's order) and {@code removeByRankRange} with the server's index arithmetic (negative ranks count from the
 *       top; a range reaching below rank 0 is clipped) and {@code INVERTED}. Ranks order values as the server does:
 *       by type (nil, false, true, integer, string, list, map, bytes, double), then numbers by value, strings and
 *       bytes by unsigned bytes then length, lists element by element then shorter first, maps by size then entries.
 *       Entries whose whole values are equal have no order the server promises (its sort is not stable); the double
 *       ranks them by their place in the map, i.e. by key in a key-ordered map.
 * </ul>
 *
 * <p>Only batch calls are implemented, in both forms: blocking, and async with a listener called on the double's own
 * "event loop" threads (two of them, so callbacks interleave as on a real client). Tests count calls, inject failures
 * ({@link #failNext(int)}, {@link #failNextWrite(String, int)}) and run code between a store's read and its write
 * ({@link #beforeNextOperate(Runnable)}).
 */
public final class InMemoryAerospikeDouble implements AutoCloseable {

  /** The double's clock starts here (2023-11-14T22:13:20Z). */
  public static final long START_MILLIS = 1_700_000_000_000L;
  private static final long CITRUSLEAF_EPOCH_MILLIS = 1262304000000L;
  private static final long MAX_ALLOWED_TTL = 3600L * 24 * 365 * 10;
  private static final int MAX_GENERATION = 0xFFFF;
  // CDT map op codes, as the client packs them.
  private static final int MAP_PUT = 67;
  private static final int MAP_PUT_ITEMS = 68;
  private static final int MAP_REMOVE_BY_RANK_RANGE = 87;
  private static final int CDT_CONTEXT = 0xff;

  private record DKey(String namespace, String set, Object userKey) {}

  private static final class Rec {
    final LinkedHashMap<String, Object> bins;
    final int generation;
    /** Seconds since 2010-01-01; 0 = never. */
    final long voidTime;

    Rec(LinkedHashMap<String, Object> bins, int generation, long voidTime) {
      this.bins = bins;
      this.generation = generation;
      this.voidTime = voidTime;
    }
  }

  private final Set<String> namespaces;
  private final AtomicLong nowMillis = new AtomicLong(START_MILLIS);
  private final Map<DKey, Rec> records = new HashMap<>(); // guarded by this
  private final ScheduledExecutorService eventLoops;
  private final IAerospikeClient client;
  private volatile int namespaceDefaultTtl = 0;
  private volatile int maxRecordBytes = 1024 * 1024;
  private volatile boolean connected = true;
  private volatile Duration latency = Duration.ZERO;

  private final Deque<Integer> commandFaults = new ArrayDeque<>(); // guarded by this
  private final Map<Object, Deque<Integer>> writeFaults = new HashMap<>(); // guarded by this
  private final Deque<Runnable> beforeOperate = new ArrayDeque<>(); // guarded by this
  private final List<Integer> batchGetSizes = new CopyOnWriteArrayList<>();
  private final List<Integer> batchOperateSizes = new CopyOnWriteArrayList<>();
  private final AtomicInteger conflicts = new AtomicInteger();

  /** A double serving these namespaces (default: {@code streamrec}). */
  public InMemoryAerospikeDouble(String... namespaces) {
    this.namespaces = namespaces.length == 0 ? Set.of("streamrec") : Set.of(namespaces);
    AtomicInteger n = new AtomicInteger();
    this.eventLoops = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "double-event-loop-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.client = (IAerospikeClient) Proxy.newProxyInstance(
        IAerospikeClient.class.getClassLoader(), new Class<?>[] {IAerospikeClient.class}, this::dispatch);
  }

  /** The client interface the code under test uses. */
  public IAerospikeClient client() {
    return client;
  }

  // ---- test controls ----

  public void advance(Duration d) {
    nowMillis.addAndGet(d.toMillis());
  }

  public long nowMillis() {
    return nowMillis.get();
  }

  /** The TTL (seconds) a write with expiration 0 gets; 0 = never expire. */
  public void namespaceDefaultTtl(int seconds) {
    this.namespaceDefaultTtl = seconds;
  }

  public void maxRecordBytes(int bytes) {
    this.maxRecordBytes = bytes;
  }

  /**
   * Time every command takes before it is applied, as a network round trip would: blocking calls wait, async calls
   * complete later. Widens the window between a store's read and its write, for race tests.
   */
  public void latency(Duration latency) {
    this.latency = latency;
  }

  /** The next batch command (get or operate) fails as a whole with this result code. Calls queue up. */
  public synchronized void failNext(int resultCode) {
    commandFaults.add(resultCode);
  }

  /**
   * The next batch write to the record with this user key fails with this result code, without writing. Calls
   * queue up: the n-th call fails the n-th write to that key.
   */
  public synchronized void failNextWrite(String userKey, int resultCode) {
    writeFaults.computeIfAbsent(userKey, k -> new ArrayDeque<>()).add(resultCode);
  }

  /** Runs {@code action} once, on the calling thread, just before the next batch operate is applied. */
  public synchronized void beforeNextOperate(Runnable action) {
    beforeOperate.add(action);
  }

  /** Number of keys in each batch get, in call order. */
  public List<Integer> batchGetSizes() {
    return List.copyOf(batchGetSizes);
  }

  /** Number of records in each batch operate, in call order. */
  public List<Integer> batchOperateSizes() {
    return List.copyOf(batchOperateSizes);
  }

  /** Writes refused with GENERATION_ERROR or KEY_EXISTS_ERROR so far. */
  public int conflicts() {
    return conflicts.get();
  }

  /** The live record at this key as a client would read it, or null. */
  public synchronized Record peek(Key key) {
    Rec r = live(dkey(key));
    return r == null ? null : toRecord(r, null);
  }

  @Override
  public void close() {
    connected = false;
    eventLoops.shutdownNow();
  }

  // ---- dispatch ----

  private Object dispatch(Object proxy, Method m, Object[] args) throws Throwable {
    if (m.getDeclaringClass() == Object.class) {
      return switch (m.getName()) {
        case "toString" -> "InMemoryAerospikeDouble.client()";
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == args[0];
        default -> throw new UnsupportedOperationException(m.toString());
      };
    }
    Method impl;
    try {
      impl = ClientMethods.class.getMethod(m.getName(), m.getParameterTypes());
    } catch (NoSuchMethodException e) {
      throw new UnsupportedOperationException("InMemoryAerospikeDouble does not implement " + m);
    }
    try {
      return impl.invoke(new ClientMethods(), args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** The client methods the double implements, with the interface's exact signatures. */
  final class ClientMethods {
    public Record[] get(BatchPolicy policy, Key[] keys) {
      return get(policy, keys, (String[]) null);
    }

    public Record[] get(BatchPolicy policy, Key[] keys, String... binNames) {
      roundTrip();
      return batchGet(keys, binNames);
    }

    public void get(EventLoop loop, RecordArrayListener listener, BatchPolicy policy, Key[] keys) {
      get(loop, listener, policy, keys, (String[]) null);
    }

    public void get(
        EventLoop loop, RecordArrayListener listener, BatchPolicy policy, Key[] keys, String... binNames) {
      later(() -> {
        Record[] result;
        try {
          result = batchGet(keys, binNames);
        } catch (AerospikeException e) {
          listener.onFailure(e);
          return;
        }
        listener.onSuccess(keys, result);
      });
    }

    public boolean operate(BatchPolicy policy, List<BatchRecord> records) {
      roundTrip();
      return batchOperate(records);
    }

    public void operate(EventLoop loop, BatchOperateListListener listener, BatchPolicy policy,
        List<BatchRecord> records) {
      later(() -> {
        boolean allOk;
        try {
          allOk = batchOperate(records);
        } catch (AerospikeException e) {
          listener.onFailure(e);
          return;
        }
        listener.onSuccess(records, allOk);
      });
    }

    public boolean isConnected() {
      return connected;
    }

    public void close() {
      connected = false;
    }
  }

  private void roundTrip() {
    if (!latency.isZero()) {
      try {
        Thread.sleep(latency.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AerospikeException(ResultCode.TIMEOUT, "interrupted");
      }
    }
  }

  private void later(Runnable command) {
    eventLoops.schedule(command, latency.toNanos(), TimeUnit.NANOSECONDS);
  }

  // ---- batch get ----

  private synchronized Record[] batchGet(Key[] keys, String[] binNames) {
    batchGetSizes.add(keys.length);
    commandFault(false);
    Record[] out = new Record[keys.length];
    for (int i = 0; i < keys.length; i++) {
      Rec r = live(dkey(keys[i]));
      out[i] = r == null ? null : toRecord(r, binNames);
    }
    return out;
  }

  private Record toRecord(Rec r, String[] binNames) {
    Map<String, Object> bins = new LinkedHashMap<>();
    if (binNames == null) {
      r.bins.forEach((k, v) -> bins.put(k, copy(v)));
    } else {
      for (String b : binNames) {
        if (r.bins.containsKey(b)) {
          bins.put(b, copy(r.bins.get(b)));
        }
      }
    }
    return new Record(bins.isEmpty() ? null : bins, r.generation, (int) r.voidTime);
  }

  // ---- batch operate ----

  private boolean batchOperate(List<BatchRecord> batch) {
    Runnable hook;
    synchronized (this) {
      hook = beforeOperate.poll();
    }
    if (hook != null) {
      hook.run(); // outside the lock: it may write through the store, as a concurrent writer would
    }
    synchronized (this) {
      batchOperateSizes.add(batch.size());
      commandFault(true);
      boolean allOk = true;
      for (BatchRecord br : batch) {
        if (!(br instanceof BatchWrite bw)) {
          throw new UnsupportedOperationException(
              "InMemoryAerospikeDouble does not implement batch " + br.getType() + " records");
        }
        bw.prepare();
        Deque<Integer> faults = writeFaults.get(bw.key.userKey.getObject());
        Integer fault = faults == null ? null : faults.poll();
        try {
          if (fault != null) {
            throw new AerospikeException(fault);
          }
          bw.setRecord(write(bw.policy == null ? new BatchWritePolicy() : bw.policy, bw.key, bw.ops));
        } catch (AerospikeException e) {
          int code = e.getResultCode();
          if (code == ResultCode.GENERATION_ERROR || code == ResultCode.KEY_EXISTS_ERROR) {
            conflicts.incrementAndGet();
          }
          bw.setError(code, false);
          allOk = false;
        }
      }
      return allOk;
    }
  }

  /** One record write, all or nothing. */
  private Record write(BatchWritePolicy p, Key key, Operation[] ops) {
    if (ops == null || ops.length == 0) {
      throw new AerospikeException(ResultCode.PARAMETER_ERROR, "bin op(s) expected, none present");
    }
    boolean replace = p.recordExistsAction == RecordExistsAction.REPLACE
        || p.recordExistsAction == RecordExistsAction.REPLACE_ONLY;
    for (Operation op : ops) {
      if (op.binName != null && op.binName.getBytes(StandardCharsets.UTF_8).length > 15) {
        throw new AerospikeException(ResultCode.BIN_NAME_TOO_LONG, "bin name too long: " + op.binName);
      }
      switch (op.type) {
        case WRITE -> {
          if (replace && op.value.getType() == ParticleType.NULL) {
            throw new AerospikeException(ResultCode.PARAMETER_ERROR, "bin delete can't have record-level replace");
          }
        }
        case MAP_MODIFY -> {
          if (replace) {
            throw new AerospikeException(ResultCode.PARAMETER_ERROR, "cdt modify op can't have record-level replace");
          }
        }
        default -> throw new UnsupportedOperationException(
            "InMemoryAerospikeDouble does not implement operation " + op.type);
      }
    }
    DKey dk = dkey(key);
    Rec current = live(dk);
    switch (p.recordExistsAction) {
      case CREATE_ONLY -> {
        if (current != null) {
          throw new AerospikeException(ResultCode.KEY_EXISTS_ERROR);
        }
      }
      case UPDATE_ONLY, REPLACE_ONLY -> {
        if (current == null) {
          throw new AerospikeException(ResultCode.KEY_NOT_FOUND_ERROR);
        }
      }
      default -> {}
    }
    int generation = current == null ? 0 : current.generation;
    if (p.generationPolicy == GenerationPolicy.EXPECT_GEN_EQUAL && p.generation != generation
        || p.generationPolicy == GenerationPolicy.EXPECT_GEN_GT && p.generation <= generation) {
      throw new AerospikeException(ResultCode.GENERATION_ERROR);
    }
    long voidTime = voidTime(p.expiration, current);
    LinkedHashMap<String, Object> bins = current == null || replace ? new LinkedHashMap<>()
        : new LinkedHashMap<>(current.bins);
    for (Operation op : ops) {
      if (op.type == Operation.Type.WRITE) {
        Object v = wire(op.value);
        if (v == null) {
          bins.remove(op.binName);
        } else {
          bins.put(op.binName, v);
        }
      } else {
        mapModify(bins, op);
      }
    }
    if (bins.isEmpty()) {
      records.remove(dk); // the last bin is gone: so is the record
      return new Record(null, 0, 0);
    }
    if (size(bins) > maxRecordBytes) {
      throw new AerospikeException(ResultCode.RECORD_TOO_BIG);
    }
    int nextGeneration = generation >= MAX_GENERATION ? 1 : generation + 1;
    Rec written = new Rec(bins, nextGeneration, voidTime);
    records.put(dk, written);
    return new Record(null, written.generation, (int) written.voidTime);
  }

  private long voidTime(int expiration, Rec current) {
    if (expiration < -2 || expiration > MAX_ALLOWED_TTL) {
      throw new AerospikeException(ResultCode.PARAMETER_ERROR, "invalid ttl " + expiration);
    }
    long ttl = switch (expiration) {
      case -1 -> 0;
      case -2 -> current != null ? -2 : namespaceDefaultTtl;
      case 0 -> namespaceDefaultTtl;
      default -> expiration;
    };
    if (ttl == -2) {
      return current.voidTime;
    }
    return ttl == 0 ? 0 : nowSeconds() + ttl;
  }

  // ---- map operations ----

  private void mapModify(Map<String, Object> bins, Operation op) {
    byte[] payload = (byte[]) op.value.getObject();
    List<?> args = (List<?>) Unpacker.unpackObjectList(payload, 0, payload.length);
    int code = ((Long) args.get(0)).intValue();
    if (code == CDT_CONTEXT) {
      throw new UnsupportedOperationException("InMemoryAerospikeDouble does not implement nested CDT contexts");
    }
    Object current = bins.get(op.binName);
    if (current != null && !(current instanceof Map)) {
      throw new AerospikeException(ResultCode.BIN_TYPE_ERROR, "bin " + op.binName + " is not a map");
    }
    @SuppressWarnings("unchecked")
    Map<Object, Object> map = (Map<Object, Object>) current;
    switch (code) {
      case MAP_PUT, MAP_PUT_ITEMS -> {
        int attrIndex = code == MAP_PUT ? 3 : 2;
        if (args.size() > attrIndex + 1) {
          throw new UnsupportedOperationException("InMemoryAerospikeDouble does not implement map write flags");
        }
        if (map == null) {
          long attributes = args.size() > attrIndex ? (Long) args.get(attrIndex) : 0;
          map = (attributes & 1) != 0 ? new TreeMap<>() : new HashMap<>(); // bit 0: key-ordered
        } else {
          map = map instanceof SortedMap ? new TreeMap<>(map) : new HashMap<>(map);
        }
        if (code == MAP_PUT) {
          map.put(args.get(1), args.get(2));
        } else {
          map.putAll((Map<?, ?>) args.get(1));
        }
        bins.put(op.binName, map);
      }
      case MAP_REMOVE_BY_RANK_RANGE -> {
        int returnType = ((Long) args.get(1)).intValue();
        if ((returnType & ~MapReturnType.INVERTED) != MapReturnType.NONE) {
          throw new UnsupportedOperationException("InMemoryAerospikeDouble returns nothing from map removes");
        }
        if (map == null) {
          return; // nothing to remove from
        }
        long rank = (Long) args.get(2);
        long count = args.size() > 3 ? (Long) args.get(3) : Long.MAX_VALUE;
        bins.put(op.binName, removeByRankRange(map, rank, count, (returnType & MapReturnType.INVERTED) != 0));
      }
      default -> throw new UnsupportedOperationException("InMemoryAerospikeDouble does not implement map op " + code);
    }
  }

  private static Map<Object, Object> removeByRankRange(Map<Object, Object> map, long rank, long count,
      boolean inverted) {
    int n = map.size();
    // The server's calc_index_count_multi: a negative rank counts from the top; a range reaching below 0 is clipped.
    long start;
    long len;
    if (rank >= n) {
      start = n;
      len = 0;
    } else {
      long r = rank < 0 ? rank + n : rank;
      if (r < 0) {
        len = -r < count ? Math.min(count + r, n) : 0;
        start = 0;
      } else {
        start = r;
        len = Math.min(count, n - r);
      }
    }
    List<Map.Entry<Object, Object>> byRank = new ArrayList<>(map.entrySet());
    byRank.sort(Comparator.comparing(Map.Entry::getValue, VALUE_ORDER)); // stable: ties keep map order
    Map<Object, Object> out = map instanceof SortedMap ? new TreeMap<>() : new HashMap<>();
    for (int i = 0; i < byRank.size(); i++) {
      boolean inRange = i >= start && i < start + len;
      if (inRange != inverted) { // removed: in range, or outside it when inverted
        continue;
      }
      out.put(byRank.get(i).getKey(), byRank.get(i).getValue());
    }
    return out;
  }

  /** The server's value order (msgpack_cmp). */
  static final Comparator<Object> VALUE_ORDER = InMemoryAerospikeDouble::compareValues;

  private static int compareValues(Object a, Object b) {
    int ta = typeOrder(a);
    int tb = typeOrder(b);
    if (ta != tb) {
      return Integer.compare(ta, tb);
    }
    if (a instanceof Long x) {
      return Long.compare(x, (Long) b);
    }
    if (a instanceof Double x) {
      return Double.compare(x, (Double) b);
    }
    if (a instanceof String x) {
      return compareBytes(x.getBytes(StandardCharsets.UTF_8), ((String) b).getBytes(StandardCharsets.UTF_8));
    }
    if (a instanceof byte[] x) {
      return compareBytes(x, (byte[]) b);
    }
    if (a instanceof List<?> x) {
      List<?> y = (List<?>) b;
      for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
        int c = compareValues(x.get(i), y.get(i));
        if (c != 0) {
          return c;
        }
      }
      return Integer.compare(x.size(), y.size());
    }
    if (a instanceof Map<?, ?> x) {
      Map<?, ?> y = (Map<?, ?>) b;
      if (x.size() != y.size()) {
        return Integer.compare(x.size(), y.size());
      }
      List<Object> fx = flattenByKey(x);
      List<Object> fy = flattenByKey(y);
      for (int i = 0; i < fx.size(); i++) {
        int c = compareValues(fx.get(i), fy.get(i));
        if (c != 0) {
          return c;
        }
      }
      return 0;
    }
    return 0; // nil, false, true: equal within their type
  }

  private static List<Object> flattenByKey(Map<?, ?> m) {
    List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
    entries.sort((e1, e2) -> compareValues(e1.getKey(), e2.getKey()));
    List<Object> out = new ArrayList<>();
    for (Map.Entry<?, ?> e : entries) {
      out.add(e.getKey());
      out.add(e.getValue());
    }
    return out;
  }

  private static int typeOrder(Object v) {
    if (v == null) {
      return 0;
    }
    if (v instanceof Boolean bool) {
      return bool ? 2 : 1;
    }
    if (v instanceof Long) {
      return 3;
    }
    if (v instanceof String) {
      return 4;
    }
    if (v instanceof List) {
      return 5;
    }
    if (v instanceof Map) {
      return 6;
    }
    if (v instanceof byte[]) {
      return 7;
    }
    if (v instanceof Double) {
      return 8;
    }
    throw new IllegalArgumentException("no Aerospike type for " + v.getClass());
  }

  private static int compareBytes(byte[] x, byte[] y) {
    int c = java.util.Arrays.compareUnsigned(x, 0, Math.min(x.length, y.length), y, 0, Math.min(x.length, y.length));
    return c != 0 ? c : Integer.compare(x.length, y.length);
  }

  // ---- values: through the client's own msgpack, as on the wire ----

  /** What the server would store for this value and the client would read back; null for a bin delete. */
  private static Object wire(Value v) {
    return switch (v.getType()) {
      case ParticleType.NULL -> null;
      case ParticleType.INTEGER -> ((Number) v.getObject()).longValue();
      case ParticleType.DOUBLE -> ((Number) v.getObject()).doubleValue();
      case ParticleType.BOOL -> (Boolean) v.getObject();
      case ParticleType.STRING -> v.getObject();
      case ParticleType.BLOB -> ((byte[]) v.getObject()).clone();
      case ParticleType.LIST, ParticleType.MAP -> {
        Packer packer = new Packer();
        v.pack(packer);
        byte[] b = packer.toByteArray();
        yield v.getType() == ParticleType.LIST
            ? Unpacker.unpackObjectList(b, 0, b.length)
            : Unpacker.unpackObjectMap(b, 0, b.length);
      }
      default -> throw new UnsupportedOperationException(
          "InMemoryAerospikeDouble does not store particle type " + v.getType());
    };
  }

  /** A fresh copy of a stored value, as a new read would decode it. */
  private static Object copy(Object stored) {
    return wire(Value.get(stored));
  }

  private static int size(Map<String, Object> bins) {
    int size = 0;
    for (Map.Entry<String, Object> e : bins.entrySet()) {
      size += e.getKey().length() + 8 + Value.get(e.getValue()).estimateSize();
    }
    return size;
  }

  // ---- records and time ----

  private DKey dkey(Key key) {
    if (!namespaces.contains(key.namespace)) {
      throw new AerospikeException(ResultCode.INVALID_NAMESPACE, "Namespace not found: " + key.namespace);
    }
    return new DKey(key.namespace, key.setName, key.userKey.getObject());
  }

  /** The record if it exists and has not expired (an expired record is gone for reads and writes). */
  private Rec live(DKey key) {
    Rec r = records.get(key);
    if (r != null && r.voidTime != 0 && r.voidTime < nowSeconds()) {
      records.remove(key);
      return null;
    }
    return r;
  }

  private long nowSeconds() {
    return Math.floorDiv(nowMillis.get() - CITRUSLEAF_EPOCH_MILLIS, 1000);
  }

  private void commandFault(boolean write) {
    Integer code = commandFaults.poll();
    if (code != null) {
      throw new AerospikeException(code, write && code == ResultCode.TIMEOUT); // a timed-out write is in doubt
    }
  }
}
