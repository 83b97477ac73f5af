package io.streamrec.jobs.common.store;

import io.streamrec.core.store.FeatureStoreSpec;
import io.streamrec.core.store.FeatureWrite;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.util.Preconditions;

/**
 * Writes elements to the online feature store, in the style of Flink's AWS sinks ({@code DynamoDbSink}): an
 * {@link AsyncSinkBase} with an {@link ElementConverter} from the job's element to a {@link FeatureWrite}.
 *
 * <ul>
 *   <li><b>Batching</b>: up to {@code maxBatchSize} writes per store call, sent when full or after
 *       {@code maxTimeInBufferMs}.
 *   <li><b>Bounded in-flight</b>: at most {@code maxInFlightRequests} calls outstanding; beyond
 *       {@code maxBufferedRequests} buffered writes the sink back-pressures the job instead of growing.
 *   <li><b>Retries</b>: a retryable store failure (timeout, busy key) re-queues the batch after an exponential
 *       backoff ({@code initialBackoff} doubling to {@code maxBackoff}); the job fails only when the store has been
 *       failing for longer than {@code maxRetryTime}, or at once on a non-retryable error.
 *   <li><b>Exactly-once effect</b>: buffered writes are part of the checkpoint, and writes are versioned by event
 *       time, so replaying after a restore cannot double-count or move a feature backwards.
 * </ul>
 *
 * <p>Metrics (operator "feature store: ..."): {@code storeWrites}, {@code storeWritesStale},
 * {@code storeRetries}, {@code storeWriteLatencyMs} (histogram, per batch), {@code featureFreshnessLagMs}
 * (histogram: wall clock at write minus the event time of the newest event in the write).
 */
public final class FeatureStoreSink<T> extends AsyncSinkBase<T, FeatureWrite> {
  private static final long serialVersionUID = 1L;

  private final FeatureStoreSpec spec;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration maxRetryTime;

  private FeatureStoreSink(Builder<T> b) {
    super(b.converter, b.maxBatchSize, b.maxInFlightRequests, b.maxBufferedRequests, b.maxBatchSizeInBytes,
        b.maxTimeInBufferMs, b.maxRecordSizeInBytes);
    this.spec = b.spec;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.maxRetryTime = b.maxRetryTime;
  }

  public static <T> Builder<T> builder(FeatureStoreSpec spec, ElementConverter<T, FeatureWrite> converter) {
    return new Builder<>(spec, converter);
  }

  @Override
  public FeatureStoreSinkWriter<T> createWriter(InitContext context) {
    return restoreWriter(context, List.of());
  }

  @Override
  public FeatureStoreSinkWriter<T> restoreWriter(
      InitContext context, Collection<BufferedRequestState<FeatureWrite>> recoveredState) {
    return new FeatureStoreSinkWriter<>(getElementConverter(), context, getMaxBatchSize(), getMaxInFlightRequests(),
        getMaxBufferedRequests(), getMaxBatchSizeInBytes(), getMaxTimeInBufferMS(), getMaxRecordSizeInBytes(),
        recoveredState, spec, initialBackoff, maxBackoff, maxRetryTime);
  }

  @Override
  public SimpleVersionedSerializer<BufferedRequestState<FeatureWrite>> getWriterStateSerializer() {
    return new WriteStateSerializer();
  }

  /** Serializes the buffered writes of a checkpoint with {@link BinCodec}. */
  static final class WriteStateSerializer extends AsyncSinkWriterStateSerializer<FeatureWrite> {
    @Override
    protected void serializeRequestToStream(FeatureWrite write, DataOutputStream out) throws IOException {
      BinCodec.write(write, out);
    }

    @Override
    protected FeatureWrite deserializeRequestFromStream(long size, DataInputStream in) throws IOException {
      return BinCodec.read(in);
    }

    @Override
    public int getVersion() {
      return 1;
    }
  }

  /** Settings with the defaults documented on each method. */
  public static final class Builder<T> {
    private final FeatureStoreSpec spec;
    private final ElementConverter<T, FeatureWrite> converter;
    private int maxBatchSize = 500;
    private int maxInFlightRequests = 4;
    private int maxBufferedRequests = 10_000;
    private long maxBatchSizeInBytes = 4L << 20;
    private long maxTimeInBufferMs = 100;
    private long maxRecordSizeInBytes = 1L << 20;
    private Duration initialBackoff = Duration.ofMillis(50);
    private Duration maxBackoff = Duration.ofSeconds(2);
    private Duration maxRetryTime = Duration.ofMinutes(1);

    private Builder(FeatureStoreSpec spec, ElementConverter<T, FeatureWrite> converter) {
      this.spec = Preconditions.checkNotNull(spec, "spec");
      this.converter = Preconditions.checkNotNull(converter, "converter");
    }

    /** Writes per store call (500). */
    public Builder<T> maxBatchSize(int n) {
      Preconditions.checkArgument(n > 0, "maxBatchSize must be positive");
      this.maxBatchSize = n;
      return this;
    }

    /** Store calls outstanding at once (4). */
    public Builder<T> maxInFlightRequests(int n) {
      Preconditions.checkArgument(n > 0, "maxInFlightRequests must be positive");
      this.maxInFlightRequests = n;
      return this;
    }

    /** Writes buffered before the sink back-pressures (10,000). */
    public Builder<T> maxBufferedRequests(int n) {
      Preconditions.checkArgument(n > 0, "maxBufferedRequests must be positive");
      this.maxBufferedRequests = n;
      return this;
    }

    /** Longest a write waits for its batch to fill (100 ms): bounds feature freshness. */
    public Builder<T> maxTimeInBuffer(Duration d) {
      Preconditions.checkArgument(!d.isNegative() && !d.isZero(), "maxTimeInBuffer must be positive");
      this.maxTimeInBufferMs = d.toMillis();
      return this;
    }

    /** Backoff before retrying a failed batch: starts at {@code initial} (50 ms), doubles up to {@code max} (2 s). */
    public Builder<T> backoff(Duration initial, Duration max) {
      Preconditions.checkArgument(!initial.isNegative() && max.compareTo(initial) >= 0, "bad backoff bounds");
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /** How long the store may keep failing before the job fails (1 min). */
    public Builder<T> maxRetryTime(Duration d) {
      Preconditions.checkArgument(!d.isNegative(), "maxRetryTime must not be negative");
      this.maxRetryTime = d;
      return this;
    }

    public FeatureStoreSink<T> build() {
      return new FeatureStoreSink<>(this);
    }
  }
}
