package io.streamrec.jobs.index;

import io.streamrec.core.contract.DeadLetter;
import io.streamrec.core.contract.Topics;
import io.streamrec.jobs.common.JobConfig;
import io.streamrec.jobs.common.OutRecord;
import io.streamrec.jobs.common.ParseOrDeadLetter;
import java.nio.charset.StandardCharsets;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts what the index did with each write, on the task thread, and forwards roll-out markers to the committer.
 * Failed commands become dead letters with the reason.
 *
 * <p>Metrics (web UI, this operator): {@code indexWritesPerSecond} (applied writes), {@code indexWritesApplied},
 * {@code indexWritesStale}, {@code indexWritesNotFound}, {@code indexWritesRetired}, {@code indexWriteFailures},
 * {@code rebuildWrites}, and the histogram {@code indexFreshnessLagMs}: from an item change's event time to the
 * moment the index made it searchable (live changes only; roll-out rebuilds are not fresh by nature).
 */
final class IndexAcksFn extends ProcessFunction<IndexAck, IndexAck> {
  private static final long serialVersionUID = 1L;

  private final String deadLetterTopic;
  private final String jobName;
  private transient Counter applied;
  private transient Counter stale;
  private transient Counter notFound;
  private transient Counter retired;
  private transient Counter failures;
  private transient Counter rebuildWrites;
  private transient Histogram freshness;

  IndexAcksFn(JobConfig config, String jobName) {
    this.deadLetterTopic = config.topic(Topics.DEAD_LETTERS);
    this.jobName = jobName;
  }

  @Override
  public void open(Configuration parameters) {
    var group = getRuntimeContext().getMetricGroup();
    applied = group.counter("indexWritesApplied");
    group.meter("indexWritesPerSecond", new MeterView(applied));
    stale = group.counter("indexWritesStale");
    notFound = group.counter("indexWritesNotFound");
    retired = group.counter("indexWritesRetired");
    failures = group.counter("indexWriteFailures");
    rebuildWrites = group.counter("rebuildWrites");
    freshness = group.histogram("indexFreshnessLagMs", new DescriptiveStatisticsHistogram(1000));
  }

  @Override
  public void processElement(IndexAck ack, Context ctx, Collector<IndexAck> out) {
    switch (ack.kind) {
      case MARKER -> out.collect(ack);
      case APPLIED -> {
        applied.inc();
        if (ack.rebuild) {
          rebuildWrites.inc();
        } else {
          freshness.update(Math.max(0, ack.searchableAtMs - ack.eventTs));
        }
      }
      case STALE -> stale.inc();
      case NOT_FOUND -> notFound.inc();
      case RETIRED -> retired.inc();
      case FAILED -> {
        failures.inc();
        String key = ack.itemId == null ? null : ack.itemId;
        DeadLetter letter = DeadLetter.of(Topics.ITEMS.name(), -1, -1,
            key == null ? null : key.getBytes(StandardCharsets.UTF_8),
            ack.toString().getBytes(StandardCharsets.UTF_8), ack.error, jobName, System.currentTimeMillis());
        ctx.output(ParseOrDeadLetter.DIRECT_OUT, OutRecord.of(deadLetterTopic, key, letter));
      }
      default -> throw new IllegalStateException("unknown ack " + ack);
    }
  }
}
