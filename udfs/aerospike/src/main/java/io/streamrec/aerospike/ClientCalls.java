package io.streamrec.aerospike;

import com.aerospike.client.AerospikeException;
import com.aerospike.client.BatchRecord;
import com.aerospike.client.IAerospikeClient;
import com.aerospike.client.Key;
import com.aerospike.client.Record;
import com.aerospike.client.listener.BatchOperateListListener;
import com.aerospike.client.listener.RecordArrayListener;
import com.aerospike.client.policy.BatchPolicy;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The two batch calls the store makes, as futures, in one of two ways: the client's async API on its event loops,
 * or the blocking API on a bounded executor. Failures complete the future with the client's {@link
 * AerospikeException} (or {@link RejectedExecutionException} when the executor is full); the store maps them.
 */
abstract class ClientCalls implements AutoCloseable {

  final IAerospikeClient client;

  ClientCalls(IAerospikeClient client) {
    this.client = client;
  }

  static ClientCalls of(IAerospikeClient client, AerospikeSettings settings) {
    return settings.async() ? new Async(client) : new OnExecutor(client, settings);
  }

  /** Batch get; {@code binNames} null = all bins. A null at the index of a missing key. */
  abstract CompletableFuture<Record[]> get(BatchPolicy policy, Key[] keys, String[] binNames);

  /** Batch operate; per-record results are set on {@code records}. */
  abstract CompletableFuture<List<BatchRecord>> operate(BatchPolicy policy, List<BatchRecord> records);

  @Override
  public void close() {}

  /** The async API: no thread waits; results arrive on an event-loop thread. */
  static final class Async extends ClientCalls {
    Async(IAerospikeClient client) {
      super(client);
    }

    @Override
    CompletableFuture<Record[]> get(BatchPolicy policy, Key[] keys, String[] binNames) {
      CompletableFuture<Record[]> f = new CompletableFuture<>();
      RecordArrayListener listener = new RecordArrayListener() {
        @Override
        public void onSuccess(Key[] k, Record[] records) {
          f.complete(records);
        }

        @Override
        public void onFailure(AerospikeException e) {
          f.completeExceptionally(e);
        }
      };
      try {
        // A null event loop lets the client pick one round-robin.
        if (binNames == null) {
          client.get(null, listener, policy, keys);
        } else {
          client.get(null, listener, policy, keys, binNames);
        }
      } catch (RuntimeException e) { // not registered: the command queue is full, or the client has no loops
        f.completeExceptionally(e);
      }
      return f;
    }

    @Override
    CompletableFuture<List<BatchRecord>> operate(BatchPolicy policy, List<BatchRecord> records) {
      CompletableFuture<List<BatchRecord>> f = new CompletableFuture<>();
      try {
        client.operate(null, new BatchOperateListListener() {
          @Override
          public void onSuccess(List<BatchRecord> r, boolean allOk) {
            f.complete(r);
          }

          @Override
          public void onFailure(AerospikeException e) {
            f.completeExceptionally(e);
          }
        }, policy, records);
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
      }
      return f;
    }
  }

  /**
   * The blocking API on a bounded pool: {@code maxCommandsInProcess} threads (created on demand, gone when idle)
   * and a queue of {@code maxCommandsInQueue}; a call beyond that fails at once instead of piling up.
   */
  static final class OnExecutor extends ClientCalls {
    private final ThreadPoolExecutor executor;

    OnExecutor(IAerospikeClient client, AerospikeSettings settings) {
      super(client);
      AtomicInteger n = new AtomicInteger();
      int threads = settings.maxCommandsInProcess();
      int queue = settings.maxCommandsInQueue();
      this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(queue),
          r -> {
            Thread t = new Thread(r, "aerospike-store-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
      executor.allowCoreThreadTimeOut(true);
    }

    @Override
    CompletableFuture<Record[]> get(BatchPolicy policy, Key[] keys, String[] binNames) {
      return submit(() -> binNames == null ? client.get(policy, keys) : client.get(policy, keys, binNames));
    }

    @Override
    CompletableFuture<List<BatchRecord>> operate(BatchPolicy policy, List<BatchRecord> records) {
      return submit(() -> {
        client.operate(policy, records);
        return records;
      });
    }

    private <T> CompletableFuture<T> submit(Supplier<T> call) {
      CompletableFuture<T> f = new CompletableFuture<>();
      try {
        executor.execute(() -> {
          try {
            f.complete(call.get());
          } catch (Throwable t) {
            f.completeExceptionally(t);
          }
        });
      } catch (RejectedExecutionException e) {
        f.completeExceptionally(e);
      }
      return f;
    }

    @Override
    public void close() {
      executor.shutdown();
    }
  }
}
