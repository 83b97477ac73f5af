package io.streamrec.jobs.common.store;

import io.streamrec.core.store.FeatureStore;
import io.streamrec.core.store.FeatureStoreException;
import io.streamrec.core.store.FeatureStoreSpec;
import io.streamrec.core.store.FeatureVersion;
import io.streamrec.core.store.FeatureWrite;
import io.streamrec.core.store.WriteOutcome;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The writer of {@link FeatureStoreSink}: one {@link FeatureStore#writeAll} per batch. */
final class FeatureStoreSinkWriter<T> extends AsyncSinkWriter<T, FeatureWrite> {
  private static final Logger LOG = LoggerFactory.getLogger(FeatureStoreSinkWriter.class);

  private final FeatureStore store;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration maxRetryTime;
  private final ScheduledExecutorService retryTimer;
  private final Counter writes;
  private final Counter stale;
  private final Counter retries;
  private final Histogram latency;
  private final Histogram freshness;

  /** Wall clock (ms) of the first failure since the last success; 0 while the store is healthy. */
  private volatile long failingSince;
  private volatile int consecutiveFailures;

  @SuppressWarnings("checkstyle:ParameterNumber")
  FeatureStoreSinkWriter(ElementConverter<T, FeatureWrite> converter, Sink.InitContext context, int maxBatchSize,
      int maxInFlightRequests, int maxBufferedRequests, long maxBatchSizeInBytes, long maxTimeInBufferMs,
      long maxRecordSizeInBytes, Collection<BufferedRequestState<FeatureWrite>> state, FeatureStoreSpec spec,
      Duration initialBackoff, Duration maxBackoff, Duration maxRetryTime) {
    super(converter, context, maxBatchSize, maxInFlightRequests, maxBufferedRequests, maxBatchSizeInBytes,
        maxTimeInBufferMs, maxRecordSizeInBytes, state);
    this.store = spec.open();
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.maxRetryTime = maxRetryTime;
    this.retryTimer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "feature-store-sink-retry");
      t.setDaemon(true);
      return t;
    });
    var group = context.metricGroup();
    writes = group.counter("storeWrites");
    stale = group.counter("storeWritesStale");
    retries = group.counter("storeRetries");
    latency = group.histogram("storeWriteLatencyMs", new DescriptiveStatisticsHistogram(1000));
    freshness = group.histogram("featureFreshnessLagMs", new DescriptiveStatisticsHistogram(1000));
  }

  @Override
  protected void submitRequestEntries(List<FeatureWrite> batch, Consumer<List<FeatureWrite>> requestResult) {
    long start = System.nanoTime();
    store.writeAll(batch).whenComplete((outcomes, error) -> {
      if (error == null) {
        onSuccess(batch, outcomes, start);
        requestResult.accept(List.of());
      } else {
        onFailure(batch, error, requestResult);
      }
    });
  }

  private void onSuccess(List<FeatureWrite> batch, List<WriteOutcome> outcomes, long startNanos) {
    failingSince = 0;
    consecutiveFailures = 0;
    long now = System.currentTimeMillis();
    latency.update((System.nanoTime() - startNanos) / 1_000_000);
    for (int i = 0; i < outcomes.size(); i++) {
      if (outcomes.get(i) == WriteOutcome.APPLIED) {
        writes.inc();
        freshness.update(Math.max(0, now - FeatureVersion.eventTime(batch.get(i).version())));
      } else {
        stale.inc();
      }
    }
  }

  private void onFailure(List<FeatureWrite> batch, Throwable error, Consumer<List<FeatureWrite>> requestResult) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    boolean retryable = cause instanceof FeatureStoreException fse && fse.retryable();
    long now = System.currentTimeMillis();
    if (failingSince == 0) {
      failingSince = now;
    }
    long failingFor = now - failingSince;
    if (!retryable || failingFor > maxRetryTime.toMillis()) {
      getFatalExceptionCons().accept(new IOException(
          (retryable ? "feature store still failing after " + failingFor + " ms" : "feature store write failed")
              + " (" + batch.size() + " writes): " + cause.getMessage(), cause));
      return;
    }
    retries.inc();
    int attempt = consecutiveFailures++;
    long backoff = Math.min(maxBackoff.toMillis(), initialBackoff.toMillis() << Math.min(attempt, 20));
    LOG.warn("feature store write of {} records failed ({}); retrying in {} ms", batch.size(), cause.getMessage(),
        backoff);
    // The batch goes back to the writer's buffer after the backoff; the in-flight slot stays taken until then,
    // which is what slows the job down while the store recovers.
    retryTimer.schedule(() -> requestResult.accept(batch), backoff, TimeUnit.MILLISECONDS);
  }

  @Override
  protected long getSizeInBytes(FeatureWrite write) {
    // An estimate is enough for batching by size: bins dominate, and a bin is tens of bytes. An encoded write is
    // its bytes (asking for its bins would decode it).
    if (write.encoded() != null) {
      return 64L + write.encoded().size();
    }
    return 64L + 48L * (write.bins().size() + write.mapMerges().size());
  }

  @Override
  public void close() {
    super.close();
    retryTimer.shutdownNow();
    store.close();
  }
}
