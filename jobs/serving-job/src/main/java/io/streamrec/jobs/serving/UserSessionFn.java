package io.streamrec.jobs.serving;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.PredictionLog;
import io.streamrec.core.contract.RecRequest;
import io.streamrec.core.contract.RecResponse;
import io.streamrec.core.serving.CandidateFilters;
import io.streamrec.core.serving.Deadline;
import io.streamrec.core.serving.RetrievalSource;
import io.streamrec.jobs.common.OutRecord;
import io.streamrec.serving.FallbackAnswers;
import io.streamrec.serving.RecommendationPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.statefun.sdk.AsyncOperationResult;
import org.apache.flink.statefun.sdk.Context;
import org.apache.flink.statefun.sdk.StatefulFunction;
import org.apache.flink.statefun.sdk.annotations.Persisted;
import org.apache.flink.statefun.sdk.state.Expiration;
import org.apache.flink.statefun.sdk.state.PersistedValue;

/**
 * One logical instance per user (address id = user_id), holding the session: the user's recent interactions and
 * the items recently served. An interaction updates it at once, so the next request already reflects the last
 * swipe; a request runs the {@link RecommendationPipeline} as a StateFun asynchronous operation on the serving
 * thread pool (the task thread never waits for a backend or a model), and when it completes the function sends the
 * response and its prediction-log record and remembers what it served.
 *
 * <p>Degrade, never drop: if the pipeline cannot run (pool full), fails, or its result was lost in a restore, the
 * function answers anyway from the store's trending lists checked against the catalog, marked degraded with the
 * reason.
 *
 * <p>Metrics: counters {@code interactions}, {@code requests} on the function operator; latency, sources and
 * filters on the "serving metrics" operator ({@link ServingMetrics}).
 */
public final class UserSessionFn implements StatefulFunction {

  /** A session nobody touched for this long is dropped; the next request starts fresh. */
  public static final Duration SESSION_TTL = Duration.ofDays(7);
  /** Margin past a request's deadline before the function stops waiting for the pipeline. */
  private static final long GRACE_MS = 20;

  @Persisted
  private final PersistedValue<SessionState> session =
      PersistedValue.of("session", SessionState.class, Expiration.expireAfterReadingOrWriting(SESSION_TTL));

  private final ServingSpec spec;
  private transient ServingResources resources;

  UserSessionFn(ServingSpec spec) {
    this.spec = spec;
  }

  @Override
  public void invoke(Context context, Object input) {
    if (input instanceof Interaction interaction) {
      SessionState s = session.getOrDefault(new SessionState());
      s.apply(interaction);
      session.set(s);
      context.metrics().counter("interactions").inc();
    } else if (input instanceof RecRequest request) {
      onRequest(context, request);
    } else if (input instanceof AsyncOperationResult<?, ?> result) {
      onPipelineDone(context, result);
    } else {
      throw new IllegalArgumentException(
          "user-session got an unexpected message of type " + input.getClass().getName());
    }
  }

  private ServingResources resources() {
    if (resources == null) {
      resources = ServingResources.get(spec);
    }
    return resources;
  }

  private RecommendationPipeline.Session sessionView(SessionState s, long now) {
    if (s == null) {
      return RecommendationPipeline.Session.empty();
    }
    return new RecommendationPipeline.Session(s.recentNewestFirst(),
        s.servedSince(now, spec.servedWindow().toMillis()), s.bought(), s.region);
  }

  private void onRequest(Context context, RecRequest request) {
    context.metrics().counter("requests").inc();
    Deadline deadline = Deadline.startingNow(request.deadlineMs);
    long now = System.currentTimeMillis();
    RecommendationPipeline.Session view = sessionView(session.get(), request.ts > 0 ? request.ts : now);
    CompletableFuture<Answer> running;
    try {
      // The answer's JSON is written on the pool thread that finished the pipeline, not on this task thread: one
      // thread runs every function of this subtask, and a prediction-log record with its feature rows is the
      // largest record the job writes.
      running = resources().pipeline.recommend(request, view, deadline)
          .thenApply(outcome -> Answer.of(spec, request, outcome))
          .orTimeout(request.deadlineMs + GRACE_MS, TimeUnit.MILLISECONDS);
    } catch (RuntimeException rejected) {
      answerWithFallback(context, request, "serving overloaded: " + rejected.getMessage());
      return;
    }
    context.registerAsyncOperation(request, running);
  }

  @SuppressWarnings("unchecked")
  private void onPipelineDone(Context context, AsyncOperationResult<?, ?> result) {
    RecRequest request = (RecRequest) result.metadata();
    if (result.successful()) {
      send(context, request, (Answer) result.value(), false);
    } else if (result.unknown()) {
      answerWithFallback(context, request, "answer lost in a restart; served a fallback");
    } else {
      Throwable t = result.throwable();
      while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
        t = t.getCause();
      }
      String why;
      if (t instanceof java.util.concurrent.TimeoutException) {
        why = "pipeline did not finish within the deadline";
      } else if (t instanceof RecommendationPipeline.QueuedPastDeadline) {
        why = "serving overloaded: " + t.getMessage();
      } else {
        why = "pipeline failed: " + t;
      }
      answerWithFallback(context, request, why);
    }
  }

  /**
   * The region's trending items as the serving resources keep them, checked against the catalog in the background
   * ({@link FallbackAnswers}): no I/O and no models on the task thread, safe for minors, without what the session
   * knows the user bought, was served or saw and the request's excludes.
   */
  private void answerWithFallback(Context context, RecRequest request, String why) {
    RecommendationPipeline.Outcome outcome;
    try {
      // The request's time, as the ranked path uses: a replayed request's log must not be stamped with today.
      long asOf = request.ts > 0 ? request.ts : System.currentTimeMillis();
      RecommendationPipeline.Session view = sessionView(session.get(), asOf);
      Set<String> exclude = new HashSet<>(Arrays.asList(request.exclude));
      exclude.addAll(view.bought());
      exclude.addAll(view.recentItems());
      exclude.addAll(view.served());
      String region = request.region != null ? request.region : view.region();
      List<RecResponse.RecItem> items = resources().fallback.answer(region, exclude, request.k);
      String reason = items.isEmpty() ? why + "; no fallback list yet" : why + "; served trending";
      RecResponse response = new RecResponse(request.requestId, request.userId, items,
          new RecResponse.Models("trending", "none"), true, reason, null, Map.of());
      List<PredictionLog.Entry> served = new ArrayList<>(items.size());
      items.forEach(i -> served.add(new PredictionLog.Entry(i.itemId(), i.rank(), i.score(), i.sources(),
          new float[0])));
      PredictionLog log = new PredictionLog(request.requestId, request.userId, asOf, response.models(), true, reason,
          List.of(), served, List.of(), 0, 0, Map.of(), Map.of(), Map.of());
      outcome = new RecommendationPipeline.Outcome(response, log, Map.of(), new CandidateFilters.Counts());
    } catch (RuntimeException e) {
      RecResponse empty = new RecResponse(request.requestId, request.userId, List.of(), null, true,
          why + "; fallback failed: " + e, null, Map.of());
      outcome = new RecommendationPipeline.Outcome(empty, null, Map.of(), new CandidateFilters.Counts());
    }
    send(context, request, Answer.of(spec, request, outcome), true);
  }

  /** An outcome with its response and prediction-log records already in their wire form. */
  record Answer(RecommendationPipeline.Outcome outcome, OutRecord response, OutRecord log) {
    static Answer of(ServingSpec spec, RecRequest request, RecommendationPipeline.Outcome outcome) {
      return new Answer(outcome, OutRecord.of(spec.responseTopic(), request.userId, outcome.response()),
          outcome.log() == null ? null : OutRecord.of(spec.predictionLogTopic(), request.requestId, outcome.log()));
    }
  }

  private void send(Context context, RecRequest request, Answer answer, boolean fallback) {
    RecommendationPipeline.Outcome outcome = answer.outcome();
    RecResponse response = outcome.response();
    context.send(Identifiers.KAFKA_OUT, answer.response());
    if (answer.log() != null) {
      context.send(Identifiers.KAFKA_OUT, answer.log());
    }
    if (!response.items().isEmpty()) {
      SessionState s = session.getOrDefault(new SessionState());
      s.served(response.items().stream().map(RecResponse.RecItem::itemId).toList(), System.currentTimeMillis());
      session.set(s);
    }
    context.send(Identifiers.STATS_OUT, stats(response, outcome, fallback));
  }

  private static ServingStats stats(RecResponse response, RecommendationPipeline.Outcome outcome,
      boolean fallback) {
    ServingStats s = new ServingStats();
    s.degraded = response.degraded();
    s.fallback = fallback;
    s.stageMs = new double[ServingStats.STAGES.length];
    for (int i = 0; i < ServingStats.STAGES.length; i++) {
      Double ms = response.timingsMs().get(ServingStats.STAGES[i]);
      s.stageMs[i] = ms == null ? -1 : ms;
    }
    RetrievalSource[] sources = RetrievalSource.values();
    s.candidates = new int[sources.length];
    for (int i = 0; i < sources.length; i++) {
      s.candidates[i] = outcome.candidates().getOrDefault(sources[i], 0);
    }
    CandidateFilters.Reason[] reasons = CandidateFilters.Reason.values();
    s.filtered = new int[reasons.length];
    for (int i = 0; i < reasons.length; i++) {
      s.filtered[i] = outcome.filtered().get(reasons[i]);
    }
    return s;
  }
}
