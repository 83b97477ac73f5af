package io.streamrec.jobs.traininglog;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.PredictionLog;
import io.streamrec.core.training.Positive;
import io.streamrec.core.training.ServedEntry;
import io.streamrec.core.training.TrainingExample;
import io.streamrec.core.training.TrainingLogSettings;
import io.streamrec.core.training.UserLabels;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The join, keyed by user: prediction logs (input 1) become served entries kept in state until their label window
 * and the allowed lateness have passed in event time; positive interactions (input 2) label the entries they match
 * ({@link UserLabels}); an event-time timer per close time writes the examples.
 *
 * <p>Lateness, with W the longest label window and L the allowed lateness, against the operator's watermark M
 * (the lower of its two inputs'): an entry served at S is written once M ≥ S + W + L, so until then any event,
 * however late, still labels it. A prediction log with S + L ≤ M is dropped ({@code latePredictionLogsDropped}): the
 * events that would label it may already be forgotten (events are kept for logs still to come only until
 * M ≥ ts + L). That also drops a duplicate log that comes after its entries were written.
 *
 * <p>Metrics (web UI, operator "label join"): {@code predictionLogs}, {@code duplicatePredictionLogs},
 * {@code latePredictionLogs} (behind the watermark, used), {@code latePredictionLogsDropped}, {@code entriesAdded}
 * (served items now waiting), {@code entriesWithoutFeatures}, {@code entriesOverBound}, {@code positiveEvents}, {@code lateInteractions}
 * (behind the watermark, used), {@code lateInteractionsIgnored} (past the allowed lateness and matching nothing
 * pending), {@code eventsMatched}, {@code eventsMatchedWithoutRequest}, {@code eventsOverBound}, {@code examples},
 * {@code examplesPositive}, {@code examplesNegative}, and the histogram {@code labelDelayMs} (served → positive).
 */
final class LabelJoinFn extends KeyedCoProcessFunction<String, PredictionLog, Interaction, ExampleLine> {
  private static final long serialVersionUID = 1L;

  private final TrainingLogSettings settings;

  private transient ValueState<UserLabels> labels;
  transient Counter predictionLogs;
  transient Counter duplicateLogs;
  transient Counter lateLogs;
  transient Counter lateLogsDropped;
  transient Counter entriesAdded;
  transient Counter entriesWithoutFeatures;
  transient Counter entriesOverBound;
  transient Counter positiveEvents;
  transient Counter lateInteractions;
  transient Counter lateInteractionsIgnored;
  transient Counter eventsMatched;
  transient Counter eventsMatchedWithoutRequest;
  transient Counter eventsOverBound;
  transient Counter examples;
  transient Counter examplesPositive;
  transient Counter examplesNegative;
  transient Histogram labelDelay;

  LabelJoinFn(TrainingLogSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open(Configuration parameters) {
    labels = getRuntimeContext().getState(new ValueStateDescriptor<>("labels", TrainingLogTypes.LABELS));
    MetricGroup g = getRuntimeContext().getMetricGroup();
    predictionLogs = g.counter("predictionLogs");
    duplicateLogs = g.counter("duplicatePredictionLogs");
    lateLogs = g.counter("latePredictionLogs");
    lateLogsDropped = g.counter("latePredictionLogsDropped");
    entriesAdded = g.counter("entriesAdded");
    entriesWithoutFeatures = g.counter("entriesWithoutFeatures");
    entriesOverBound = g.counter("entriesOverBound");
    positiveEvents = g.counter("positiveEvents");
    lateInteractions = g.counter("lateInteractions");
    lateInteractionsIgnored = g.counter("lateInteractionsIgnored");
    eventsMatched = g.counter("eventsMatched");
    eventsMatchedWithoutRequest = g.counter("eventsMatchedWithoutRequest");
    eventsOverBound = g.counter("eventsOverBound");
    examples = g.counter("examples");
    examplesPositive = g.counter("examplesPositive");
    examplesNegative = g.counter("examplesNegative");
    labelDelay = g.histogram("labelDelayMs", new DescriptiveStatisticsHistogram(1000));
  }

  @Override
  public void processElement1(PredictionLog log, Context ctx, Collector<ExampleLine> out) throws Exception {
    predictionLogs.inc();
    long watermark = ctx.timerService().currentWatermark();
    if (log.ts() + settings.allowedLatenessMs() <= watermark) {
      lateLogsDropped.inc();
      return;
    }
    if (log.ts() < watermark) {
      lateLogs.inc();
    }
    entriesWithoutFeatures.inc(ServedEntry.withoutFeatures(log));
    var entries = ServedEntry.of(log);
    if (entries.isEmpty()) {
      return;
    }
    UserLabels state = labels.value();
    if (state == null) {
      state = new UserLabels();
    }
    UserLabels.Added added = state.add(entries, settings);
    if (added.duplicateLog()) {
      duplicateLogs.inc();
      return;
    }
    entriesOverBound.inc(added.overBound());
    if (added.added() > 0) {
      entriesAdded.inc(added.added());
      ctx.timerService().registerEventTimeTimer(settings.closesAt(log.ts()));
      labels.update(state);
    }
  }

  /** Only interactions of a positive type arrive here (the job filters the others out before the exchange). */
  @Override
  public void processElement2(Interaction interaction, Context ctx, Collector<ExampleLine> out) throws Exception {
    positiveEvents.inc();
    long watermark = ctx.timerService().currentWatermark();
    if (interaction.ts < watermark) {
      lateInteractions.inc();
    }
    // Kept for prediction logs still to come only while such a log would be accepted (see the class comment).
    boolean keep = interaction.ts + settings.allowedLatenessMs() > watermark;
    UserLabels state = labels.value();
    if (state == null) {
      if (!keep) {
        lateInteractionsIgnored.inc();
        return;
      }
      state = new UserLabels();
    }
    UserLabels.Applied applied = state.apply(Positive.of(interaction), keep, settings);
    if (applied.labelled() > 0) {
      eventsMatched.inc();
      if (interaction.requestId == null) {
        eventsMatchedWithoutRequest.inc();
      }
    } else if (!keep) {
      lateInteractionsIgnored.inc();
    }
    if (applied.evictedOldest()) {
      eventsOverBound.inc();
    }
    if (applied.buffered()) {
      ctx.timerService().registerEventTimeTimer(interaction.ts + settings.allowedLatenessMs());
    }
    if (applied.labelled() > 0 || applied.buffered()) {
      labels.update(state);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<ExampleLine> out) throws Exception {
    UserLabels state = labels.value();
    if (state == null) {
      return;
    }
    for (ServedEntry e : state.close(timestamp, settings)) {
      TrainingExample example = TrainingExample.of(ctx.getCurrentKey(), e);
      out.collect(ExampleLine.of(example));
      examples.inc();
      if (e.isPositive()) {
        examplesPositive.inc();
        labelDelay.update(Math.max(0, e.labelTs - e.servedAt));
      } else {
        examplesNegative.inc();
      }
    }
    if (state.isEmpty()) {
      labels.clear();
    } else {
      labels.update(state);
    }
  }
}
