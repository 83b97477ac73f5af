package io.streamrec.onnx;

import io.streamrec.core.model.TwoTowerInputs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds items one request at a time, in batches: for an asynchronous operator that asks for one vector per
 * record. One daemon worker thread takes everything queued (up to {@code maxBatch} items) and runs one inference
 * for it; while that inference runs, the next batch accumulates in the queue. Under light load a batch is one item
 * and nothing waits for a batch to fill; under heavy load batches grow towards {@code maxBatch}.
 *
 * <ul>
 *   <li>The queue holds at most {@code maxQueued} items. When it is full, {@link #embed} blocks the caller for up
 *       to {@code offerTimeout} (back-pressure) and then fails that item's future with a
 *       {@link RejectedExecutionException} saying so.
 *   <li>A failed inference fails exactly the futures of its batch (with an {@link InferenceException} whose cause
 *       is the encoder's exception); the worker carries on with the next batch.
 *   <li>{@link #close()} stops the worker and fails every item not yet embedded; later {@link #embed} calls fail at
 *       once. It does not close the encoder: whoever opened the tower closes it, after this.
 * </ul>
 *
 * Futures are completed on the worker thread: dependent stages attached without an executor run there, so they
 * should be short (a Flink {@code ResultFuture.complete} is).
 */
public final class BatchingEmbedder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BatchingEmbedder.class);
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  public static final int DEFAULT_MAX_BATCH = 64;
  public static final int DEFAULT_MAX_QUEUED = 1_024;
  public static final Duration DEFAULT_OFFER_TIMEOUT = Duration.ofSeconds(10);

  private final ItemEncoder encoder;
  private final int maxBatch;
  private final int maxQueued;
  private final Duration offerTimeout;
  private final BlockingQueue<Pending> queue;
  private final Thread worker;
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong embedded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private volatile boolean closed;

  private record Pending(TwoTowerInputs.ItemInput item, CompletableFuture<float[]> future) {}

  /** With {@link #DEFAULT_MAX_BATCH}, {@link #DEFAULT_MAX_QUEUED} and {@link #DEFAULT_OFFER_TIMEOUT}. */
  public BatchingEmbedder(ItemEncoder encoder) {
    this(encoder, DEFAULT_MAX_BATCH, DEFAULT_MAX_QUEUED, DEFAULT_OFFER_TIMEOUT);
  }

  /**
   * Starts the worker thread.
   *
   * @param encoder the item tower (or anything that embeds a batch of items); used by the worker thread only
   * @param maxBatch the most items per inference (≥ 1)
   * @param maxQueued the most items waiting for a batch (≥ 1)
   * @param offerTimeout how long {@link #embed} waits for room in a full queue before failing the item
   */
  public BatchingEmbedder(ItemEncoder encoder, int maxBatch, int maxQueued, Duration offerTimeout) {
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1: " + maxBatch);
    }
    if (maxQueued < 1) {
      throw new IllegalArgumentException("maxQueued must be at least 1: " + maxQueued);
    }
    if (offerTimeout.isNegative()) {
      throw new IllegalArgumentException("offerTimeout must not be negative: " + offerTimeout);
    }
    this.maxBatch = maxBatch;
    this.maxQueued = maxQueued;
    this.offerTimeout = offerTimeout;
    this.queue = new ArrayBlockingQueue<>(maxQueued);
    this.worker = new Thread(this::work, "streamrec-item-embedder-" + THREADS.incrementAndGet());
    worker.setDaemon(true);
    worker.start();
  }

  /**
   * Queues one item for the next batch.
   *
   * @return its vector when its batch has run; failed if the queue stayed full for the offer timeout, if its
   *     batch's inference failed, or if this embedder was closed before the item was embedded
   */
  public CompletableFuture<float[]> embed(TwoTowerInputs.ItemInput item) {
    Objects.requireNonNull(item, "item");
    CompletableFuture<float[]> future = new CompletableFuture<>();
    if (closed) {
      future.completeExceptionally(closedException(item));
      return future;
    }
    Pending pending = new Pending(item, future);
    boolean queued;
    try {
      queued = queue.offer(pending, offerTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      rejected.incrementAndGet();
      future.completeExceptionally(new RejectedExecutionException("interrupted while waiting for room in the "
          + "item embedder's queue (item '" + item.itemId() + "')", e));
      return future;
    }
    if (!queued) {
      rejected.incrementAndGet();
      future.completeExceptionally(new RejectedExecutionException("item embedder queue full: " + maxQueued
          + " items have been waiting for more than " + offerTimeout.toMillis() + " ms (the item tower is slower "
          + "than the input); item '" + item.itemId() + "' was not queued"));
      return future;
    }
    if (closed) {
      // close() may have drained the queue before this item got in: nobody would ever take it.
      failQueued();
    }
    return future;
  }

  /** Inferences run (successful or not). */
  public long batches() {
    return batches.get();
  }

  /** Items embedded (futures completed with a vector). */
  public long embedded() {
    return embedded.get();
  }

  /** Items whose inference failed or that were still waiting at {@link #close()}. */
  public long failed() {
    return failed.get();
  }

  /** Items refused because the queue stayed full (or the caller was interrupted while waiting). */
  public long rejected() {
    return rejected.get();
  }

  /** Items waiting for a batch now. */
  public int queued() {
    return queue.size();
  }

  public int maxBatch() {
    return maxBatch;
  }

  public int maxQueued() {
    return maxQueued;
  }

  public boolean isClosed() {
    return closed;
  }

  /**
   * Stops the worker (after the inference in flight, if any) and fails every item still waiting; later
   * {@link #embed} calls fail at once. Idempotent. Does not close the encoder.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    worker.interrupt();
    if (Thread.currentThread() != worker) {
      try {
        worker.join(CLOSE_WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (worker.isAlive()) {
        LOG.warn("The item embedder's worker is still running an inference {} s after close()",
            CLOSE_WAIT.toSeconds());
      }
    }
    failQueued();
  }

  @Override
  public String toString() {
    return "BatchingEmbedder[maxBatch " + maxBatch + ", maxQueued " + maxQueued + ", batches " + batches()
        + ", embedded " + embedded() + (closed ? ", closed" : "") + "]";
  }

  // --------------------------------------------------------------------------------------------------- worker

  private void work() {
    List<Pending> batch = new ArrayList<>(maxBatch);
    try {
      while (!closed) {
        batch.add(queue.take());
        queue.drainTo(batch, maxBatch - 1);
        runBatch(batch);
        batch.clear();
      }
    } catch (InterruptedException e) {
      // close() wakes the worker up this way.
    } catch (RuntimeException | Error e) {
      LOG.error("The item embedder's worker failed", e);
      closed = true;
      fail(batch, new IllegalStateException("the item embedder's worker failed", e));
    } finally {
      if (closed) {
        failQueued();
      }
    }
  }

  private void runBatch(List<Pending> batch) {
    List<TwoTowerInputs.ItemInput> items = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      items.add(p.item());
    }
    float[][] vectors;
    try {
      vectors = encoder.embed(items);
      if (vectors == null || vectors.length != items.size()) {
        throw new InferenceException("the item encoder returned "
            + (vectors == null ? "null" : vectors.length + " vectors") + " for " + items.size() + " items");
      }
    } catch (Exception | LinkageError | AssertionError e) {
      batches.incrementAndGet();
      String why = closed ? "the item embedder was closed while embedding a batch of " + items.size() + " items"
          : "embedding a batch of " + items.size() + " items failed: " + e;
      fail(batch, new InferenceException(why, e));
      LOG.warn("Item embedding failed for a batch of {} items", items.size(), e);
      return;
    }
    batches.incrementAndGet();
    for (int i = 0; i < batch.size(); i++) {
      embedded.incrementAndGet();
      batch.get(i).future().complete(vectors[i]);
    }
  }

  private void fail(List<Pending> batch, Throwable cause) {
    for (Pending p : batch) {
      if (p.future().completeExceptionally(cause)) {
        failed.incrementAndGet();
      }
    }
  }

  /** Fails everything in the queue (after close()). */
  private void failQueued() {
    List<Pending> left = new ArrayList<>();
    queue.drainTo(left);
    for (Pending p : left) {
      if (p.future().completeExceptionally(closedException(p.item()))) {
        failed.incrementAndGet();
      }
    }
  }

  private static IllegalStateException closedException(TwoTowerInputs.ItemInput item) {
    return new IllegalStateException("the item embedder is closed: item '" + item.itemId() + "' was not embedded");
  }
}
