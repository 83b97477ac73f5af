package io.streamrec.jobs.index;

import io.streamrec.core.index.IndexWriteOutcome;
import io.streamrec.core.index.VectorIndex;
import io.streamrec.core.index.VectorIndexException;
import io.streamrec.core.index.VectorIndexSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * The writing stage: applies UPSERT / UPDATE_ATTRIBUTES / DELETE to the configured {@link VectorIndex} and emits
 * an {@link IndexAck} once the write is searchable (the index's futures complete then). Bounded in flight by the
 * async operator's capacity, so a slow index back-pressures the job instead of filling memory.
 *
 * <p>A retryable failure (overload, timeout) is retried with exponential backoff for up to {@code maxRetryTime};
 * after that the job fails and restarts from its last checkpoint (at-least-once: writes are versioned, so repeats
 * are harmless). A non-retryable failure (e.g. a vector of the wrong dimension) becomes a FAILED ack, i.e. a dead
 * letter, and the job carries on.
 */
final class IndexWriteFn extends RichAsyncFunction<IndexCommand, IndexAck> {
  private static final long serialVersionUID = 1L;

  private final VectorIndexSpec spec;
  private final Duration maxRetryTime;
  private transient VectorIndex index;
  private transient ScheduledExecutorService retries;

  IndexWriteFn(VectorIndexSpec spec, Duration maxRetryTime) {
    this.spec = spec;
    this.maxRetryTime = maxRetryTime;
  }

  @Override
  public void open(Configuration parameters) {
    index = spec.open();
    retries = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "streamrec-index-write-retry");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void asyncInvoke(IndexCommand c, ResultFuture<IndexAck> result) {
    switch (c.kind) {
      case MARKER -> result.complete(List.of(IndexAck.of(IndexAck.Kind.MARKER, c)));
      case FAILED -> result.complete(List.of(IndexAck.of(IndexAck.Kind.FAILED, c)));
      case UPSERT, UPDATE_ATTRIBUTES, DELETE -> attempt(c, result, System.nanoTime() + maxRetryTime.toNanos(), 50);
      default -> result.complete(List.of(IndexAck.of(IndexAck.Kind.FAILED,
          c.failed("unexpected command " + c.kind + " at the writing stage"))));
    }
  }

  private void attempt(IndexCommand c, ResultFuture<IndexAck> result, long deadlineNanos, long backoffMs) {
    index.write(c.toWrite()).whenComplete((outcome, error) -> {
      if (error == null) {
        result.complete(List.of(IndexAck.of(kindOf(outcome), c)));
        return;
      }
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      boolean retryable = cause instanceof VectorIndexException v && v.retryable();
      if (!retryable) {
        result.complete(List.of(IndexAck.of(IndexAck.Kind.FAILED, c.failed("index refused the write: "
            + cause.getMessage()))));
      } else if (System.nanoTime() + backoffMs * 1_000_000 > deadlineNanos) {
        result.completeExceptionally(new VectorIndexException("index write for " + c.itemId + " still failing after "
            + maxRetryTime + ": " + cause.getMessage(), true, cause));
      } else {
        retries.schedule(() -> attempt(c, result, deadlineNanos, Math.min(backoffMs * 2, 5_000)), backoffMs,
            TimeUnit.MILLISECONDS);
      }
    });
  }

  private static IndexAck.Kind kindOf(IndexWriteOutcome o) {
    return switch (o) {
      case APPLIED -> IndexAck.Kind.APPLIED;
      case STALE -> IndexAck.Kind.STALE;
      case NOT_FOUND -> IndexAck.Kind.NOT_FOUND;
      case RETIRED -> IndexAck.Kind.RETIRED;
    };
  }

  @Override
  public void close() {
    if (retries != null) {
      retries.shutdownNow();
    }
    if (index != null) {
      index.close();
    }
  }
}
