package io.streamrec.launcher.bench;

import io.streamrec.core.contract.Limits;
import io.streamrec.core.contract.RecResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * The book of one load step of the serving benchmark: every request sent at its intended time, every response that
 * came back, and what the prediction log said about a sample of them.
 *
 * <p><b>Latency is measured from the intended send time</b> (the request's slot in the {@link OpenLoopSchedule}),
 * not from when the producer got round to it: a sender that fell behind does not hide the wait ("coordinated
 * omission"). End to end = response consumed − intended send. A request with no response when the step is
 * {@linkplain #finish finished} goes into the end-to-end histogram with the age it had then, so a system that stops
 * answering shows a large p99 instead of fewer samples; the percentiles are then lower bounds.
 *
 * <p>From each response: the in-pipeline time ({@code timings_ms.total}, from the serving function taking the
 * request to the pipeline's end), every stage's time, "outside the pipeline" (end to end − total: producer, Kafka,
 * Flink network, StateFun, sink, consumer), {@code degraded} and its reasons. From the sampled prediction-log
 * records: how many candidates the ranking stages scored ({@code first_stage_scored}; the ranker scores the first
 * stage's best) and how many each source proposed.
 *
 * <p>Thread-safe: the sender, the response consumer and the log consumer call it concurrently.
 */
final class RequestLedger {

  /** The ranker has to score at least this many candidates per request (the issue's acceptance). */
  static final int RANKED_GOAL = 300;
  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);
  private static final Pattern HEX_OR_NUMBER = Pattern.compile("(@[0-9a-f]+)|\\d+");
  /**
   * How the serving function ({@code UserSessionFn}) starts the reason of an answer it made without the pipeline's
   * result: the pipeline was rejected (pool full), did not finish within deadline + grace, failed, or was lost in
   * a restore. Such an answer's timings are those of the quick fallback run, not of the request's pipeline.
   */
  static final List<String> FALLBACK_REASONS = List.of("serving overloaded", "pipeline did not finish within the "
      + "deadline", "pipeline failed", "answer lost in a restart");
  /** The prefix of the fallback reason for a pipeline that did not finish within its deadline + grace. */
  static final String TIMED_OUT = "pipeline did not finish within the deadline";
  /**
   * The serving function stops waiting for the pipeline at deadline + 20 ms ({@code UserSessionFn.GRACE_MS}) after
   * taking the request, so a timed-out pipeline took at least this long with the default deadline.
   */
  static final long TIMED_OUT_PIPELINE_MICROS = (Limits.DEFAULT_DEADLINE_MS + 20) * 1_000L;

  private final String label;
  private final double rate;
  private final long startNanos;
  private final Histogram endToEnd = histogram();
  private final Histogram pipeline = histogram();
  private final Histogram outside = histogram();
  private final Map<String, Histogram> stages = new LinkedHashMap<>();
  private final Map<String, Long> reasons = new LinkedHashMap<>();
  private final Map<String, Long> candidateSums = new LinkedHashMap<>();
  /** Per source, the sampled records in which it proposed at least one candidate. */
  private final Map<String, Long> candidatePresent = new LinkedHashMap<>();
  private long sent;
  private long answered;
  private long degraded;
  private long errors;
  private long empty;
  private long fallbacks;
  private long timedOut;
  private long firstReceived;
  private long lastReceived;
  private long logSamples;
  private long rankedSum;
  private long rankedAtGoal;
  private long knownLogSamples;
  private long knownRankedSum;
  private long knownRankedAtGoal;
  private long rankedSamples;
  private long rankedSamplesSum;
  private long rankedSamplesAtGoal;
  private Step result;

  /**
   * @param label a name for the report ("1,000/s")
   * @param rate the intended requests per second
   * @param startNanos the intended time of the step's first request ({@link System#nanoTime()})
   */
  RequestLedger(String label, double rate, long startNanos) {
    this.label = label;
    this.rate = rate;
    this.startNanos = startNanos;
  }

  String label() {
    return label;
  }

  double rate() {
    return rate;
  }

  synchronized void sent() {
    sent++;
  }

  synchronized long outstanding() {
    return sent - answered;
  }

  /** A response arrived at {@code receivedNanos} for the request intended to be sent at {@code intendedNanos}. */
  synchronized void answered(long intendedNanos, long receivedNanos, RecResponse r) {
    if (result != null) {
      return; // after finish(): it was counted as unanswered with its age then
    }
    answered++;
    if (firstReceived == 0 || receivedNanos - firstReceived < 0) {
      firstReceived = receivedNanos;
    }
    if (lastReceived == 0 || receivedNanos - lastReceived > 0) {
      lastReceived = receivedNanos;
    }
    long e2eMicros = Math.max(0, (receivedNanos - intendedNanos) / 1_000);
    record(endToEnd, e2eMicros);
    if (r.error() != null) {
      errors++;
    }
    if (r.items().isEmpty()) {
      empty++;
    }
    if (r.degraded()) {
      degraded++;
      String reason = r.reason() == null ? "(no reason given)" : r.reason();
      for (String part : reason.split("; ")) {
        reasons.merge(normalizeReason(part), 1L, Long::sum);
      }
    }
    String fallback = fallbackReason(r);
    if (fallback != null) {
      // Its timings are the fallback run's. A timed-out pipeline took at least deadline + grace; a rejected one
      // never ran (no in-pipeline time).
      fallbacks++;
      if (fallback.startsWith(TIMED_OUT)) {
        timedOut++;
        record(pipeline, TIMED_OUT_PIPELINE_MICROS);
        record(outside, Math.max(0, e2eMicros - TIMED_OUT_PIPELINE_MICROS));
      }
      return;
    }
    Double total = r.timingsMs().get("total");
    if (total != null) {
      long totalMicros = Math.round(total * 1000);
      record(pipeline, totalMicros);
      record(outside, Math.max(0, e2eMicros - totalMicros));
    }
    r.timingsMs().forEach((stage, ms) -> {
      if (ms != null && !"total".equals(stage)) {
        record(stages.computeIfAbsent(stage, s -> histogram()), Math.round(ms * 1000));
      }
    });
  }

  /** The fallback reason an answer starts with, or null if the pipeline itself answered. */
  static String fallbackReason(RecResponse r) {
    if (!r.degraded() || r.reason() == null) {
      return null;
    }
    for (String f : FALLBACK_REASONS) {
      if (r.reason().startsWith(f)) {
        return f;
      }
    }
    return null;
  }

  /**
   * A sampled prediction-log record: the ranker scored {@code ranked} candidates; {@code candidates} per source.
   * {@code knownUser}: the request was for a user with history (not a new one).
   */
  synchronized void logged(int ranked, Map<String, Integer> candidates, boolean knownUser) {
    if (result != null) {
      return;
    }
    logSamples++;
    rankedSum += ranked;
    if (ranked >= RANKED_GOAL) {
      rankedAtGoal++;
    }
    if (ranked > 0) {
      rankedSamples++;
      rankedSamplesSum += ranked;
      if (ranked >= RANKED_GOAL) {
        rankedSamplesAtGoal++;
      }
    }
    if (knownUser) {
      knownLogSamples++;
      knownRankedSum += ranked;
      if (ranked >= RANKED_GOAL) {
        knownRankedAtGoal++;
      }
    }
    if (candidates != null) {
      candidates.forEach((source, n) -> {
        candidateSums.merge(source, (long) (n == null ? 0 : n), Long::sum);
        candidatePresent.merge(source, n != null && n > 0 ? 1L : 0L, Long::sum);
      });
    }
  }

  /**
   * Closes the book at {@code nowNanos}: every request in {@code unansweredIntendedNanos} (the intended send times
   * of requests still without a response) enters the end-to-end histogram with its age. Later calls return the
   * same result; later responses and log records are ignored.
   *
   * @param sendSeconds how long the sender took (from the first intended send to its last send)
   * @param maxBehindMs how far the sender ever fell behind its schedule
   */
  synchronized Step finish(long nowNanos, Collection<Long> unansweredIntendedNanos, double sendSeconds,
      double maxBehindMs) {
    if (result != null) {
      return result;
    }
    Histogram e2e = endToEnd.copy();
    for (long intended : unansweredIntendedNanos) {
      record(e2e, Math.max(0, (nowNanos - intended) / 1_000));
    }
    Map<String, Stat> stageStats = new LinkedHashMap<>();
    stages.forEach((s, h) -> stageStats.put(s, Stat.of(h)));
    Map<String, Double> candidateMeans = new LinkedHashMap<>();
    candidateSums.forEach((s, n) -> candidateMeans.put(s, logSamples == 0 ? Double.NaN : n / (double) logSamples));
    Map<String, Double> candidateAbsent = new LinkedHashMap<>();
    candidateSums.keySet().forEach(s -> candidateAbsent.put(s,
        share(logSamples - candidatePresent.getOrDefault(s, 0L), logSamples)));
    double answerSpan = lastReceived == 0 ? Double.NaN : (lastReceived - startNanos) / 1e9;
    result = new Step(label, rate, sent, answered, unansweredIntendedNanos.size(), degraded, fallbacks, timedOut,
        errors, empty,
        sendSeconds, maxBehindMs, answerSpan, Stat.of(e2e), Stat.of(pipeline), Stat.of(outside), stageStats,
        sortedByCount(reasons), logSamples, mean(rankedSum, logSamples), share(rankedAtGoal, logSamples),
        knownLogSamples, mean(knownRankedSum, knownLogSamples), share(knownRankedAtGoal, knownLogSamples),
        rankedSamples, mean(rankedSamplesSum, rankedSamples), share(rankedSamplesAtGoal, rankedSamples),
        candidateMeans, candidateAbsent);
    return result;
  }

  /** Percentiles of one histogram, in ms; NaN when empty. */
  record Stat(long count, double p50, double p90, double p99, double p999, double max, double mean) {
    static Stat of(Histogram h) {
      if (h.getTotalCount() == 0) {
        return new Stat(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
      }
      return new Stat(h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
          h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0,
          h.getMean() / 1000.0);
    }
  }

  /**
   * What one step measured.
   *
   * @param answerSpanSeconds from the intended time of the first request to the last response received
   * @param endToEnd response consumed − intended send, unanswered requests included with their age
   * @param fallbacks answers the serving function made without the pipeline's result ({@link #FALLBACK_REASONS})
   * @param timedOut of those, the pipeline did not finish within deadline + grace
   * @param pipeline {@code timings_ms.total} of the pipeline's answers, and {@value #TIMED_OUT_PIPELINE_MICROS} µs
   *     (a lower bound) for each timed-out one; rejected ones are not in it
   * @param outside end to end − pipeline, per response in {@code pipeline}
   * @param stages the stages of the pipeline's own answers (fallback answers are not in them)
   * @param rankedMean mean {@code ranked} over the sampled prediction-log records (all users)
   * @param rankedAtGoalShare share of the sampled records with {@code ranked} ≥ {@value #RANKED_GOAL}
   * @param candidatesMean per retrieval source, its candidates per sampled record (records without it count 0)
   * @param candidatesAbsentShare per retrieval source, the share of sampled records it proposed nothing in (a
   *     source can be skipped: no ANN without recent items or a user tower; no item-to-item without recent items)
   * @param rankerRan sampled records where the ranker ran at all ({@code ranked} &gt; 0; not when degraded before
   *     ranking); {@code rankerRanMean} and {@code rankerRanAtGoalShare} are over those
   */
  record Step(String label, double rate, long sent, long answered, long unanswered, long degraded, long fallbacks,
      long timedOut, long errors, long empty, double sendSeconds, double maxBehindMs, double answerSpanSeconds, Stat endToEnd, Stat pipeline,
      Stat outside, Map<String, Stat> stages, Map<String, Long> degradedReasons, long logSamples,
      double rankedMean, double rankedAtGoalShare, long knownLogSamples, double knownRankedMean,
      double knownRankedAtGoalShare, long rankerRan, double rankerRanMean, double rankerRanAtGoalShare,
      Map<String, Double> candidatesMean, Map<String, Double> candidatesAbsentShare) {

    /** Responses per second: answered / (first intended send → last response). */
    double achievedRps() {
      return answered == 0 || !(answerSpanSeconds > 0) ? 0 : answered / answerSpanSeconds;
    }

    double degradedShare() {
      return answered == 0 ? Double.NaN : degraded / (double) answered;
    }

    double fallbackShare() {
      return answered == 0 ? Double.NaN : fallbacks / (double) answered;
    }

    double unansweredShare() {
      return sent == 0 ? 0 : unanswered / (double) sent;
    }

    /** Whether unanswered requests entered the end-to-end histogram at their age (its percentiles are bounds). */
    boolean lowerBound() {
      return unanswered > 0;
    }

    /**
     * Whether this step held the goal: end-to-end p99 ≤ {@code p99GoalMs}, every request answered and at most
     * {@code maxDegradedShare} of the answers degraded (a degraded answer skipped part of the pipeline, typically
     * the ranker, so it does not count as served at that rate).
     */
    boolean holds(double p99GoalMs, double maxDegradedShare) {
      return answered > 0 && unanswered == 0 && endToEnd.p99() <= p99GoalMs
          && degradedShare() <= maxDegradedShare;
    }

    /**
     * Whether the system fell behind the offered load: requests left unanswered (more than 1 %), or answers came
     * back at less than 90 % of the offered rate.
     */
    boolean overloaded() {
      return unansweredShare() > 0.01 || achievedRps() < 0.9 * rate;
    }
  }

  /**
   * The step for the BENCH line: the highest rate that {@link Step#holds holds}; if none does, the lowest rate
   * measured (and the report says the goal was not met). Null for no steps.
   */
  static Step benchStep(List<Step> steps, double p99GoalMs, double maxDegradedShare) {
    Step best = null;
    Step lowest = null;
    for (Step s : steps) {
      if (lowest == null || s.rate() < lowest.rate()) {
        lowest = s;
      }
      if (s.holds(p99GoalMs, maxDegradedShare) && (best == null || s.rate() > best.rate())) {
        best = s;
      }
    }
    return best != null ? best : lowest;
  }

  /**
   * A degraded reason without its variable parts (numbers, object ids), cut to 120 characters, so reasons of one
   * kind count together: "serving overloaded: Task …@1f2e rejected from …[Running, pool size = 2, …]" → one line.
   */
  static String normalizeReason(String reason) {
    String s = HEX_OR_NUMBER.matcher(reason.trim()).replaceAll("#");
    return s.length() <= 120 ? s : s.substring(0, 119) + "…";
  }

  private static Map<String, Long> sortedByCount(Map<String, Long> m) {
    List<Map.Entry<String, Long>> entries = new ArrayList<>(m.entrySet());
    entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    Map<String, Long> out = new LinkedHashMap<>();
    entries.forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static double mean(long sum, long n) {
    return n == 0 ? Double.NaN : sum / (double) n;
  }

  private static double share(long k, long n) {
    return n == 0 ? Double.NaN : k / (double) n;
  }

  private static Histogram histogram() {
    return new Histogram(MAX_MICROS, 3);
  }

  private static void record(Histogram h, long micros) {
    h.recordValue(Math.min(Math.max(0, micros), MAX_MICROS));
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "RequestLedger[%s]", label);
  }
}
