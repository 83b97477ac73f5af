package io.streamrec.jobs.serving;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.RecRequest;
import io.streamrec.core.contract.RecResponse;
import io.streamrec.core.serving.SessionState;
import io.streamrec.core.serving.TrendingRecommender;
import io.streamrec.core.store.FeatureStore;
import io.streamrec.core.store.FeatureStoreSpec;
import io.streamrec.jobs.common.OutRecord;
import java.time.Duration;
import org.apache.flink.statefun.sdk.Context;
import org.apache.flink.statefun.sdk.StatefulFunction;
import org.apache.flink.statefun.sdk.annotations.Persisted;
import org.apache.flink.statefun.sdk.metrics.Counter;
import org.apache.flink.statefun.sdk.state.Expiration;
import org.apache.flink.statefun.sdk.state.PersistedValue;

/**
 * One logical instance per user (address id = user_id). An interaction updates the session at once, so the next
 * request already reflects it; a request is answered from the session and the feature store.
 *
 * <p>Metrics (web UI, function operator): {@code requests}, {@code interactions}, {@code degraded}.
 */
public final class UserSessionFn implements StatefulFunction {

  /** A session nobody touched for this long is dropped; the next request starts fresh. */
  public static final Duration SESSION_TTL = Duration.ofDays(7);

  @Persisted
  private final PersistedValue<SessionState> session =
      PersistedValue.of("session", SessionState.class, Expiration.expireAfterReadingOrWriting(SESSION_TTL));

  private final FeatureStoreSpec storeSpec;
  private final String responseTopic;
  private TrendingRecommender recommender;

  public UserSessionFn(FeatureStoreSpec storeSpec, String responseTopic) {
    this.storeSpec = storeSpec;
    this.responseTopic = responseTopic;
  }

  @Override
  public void invoke(Context context, Object input) {
    if (input instanceof Interaction interaction) {
      onInteraction(context, interaction);
    } else if (input instanceof RecRequest request) {
      onRequest(context, request);
    } else {
      throw new IllegalArgumentException(
          "user-session got an unexpected message of type " + input.getClass().getName());
    }
  }

  private void onInteraction(Context context, Interaction interaction) {
    SessionState s = session.getOrDefault(new SessionState());
    s.apply(interaction);
    session.set(s);
    counter(context, "interactions").inc();
  }

  private void onRequest(Context context, RecRequest request) {
    RecResponse response = recommender().recommend(request, session.get());
    counter(context, "requests").inc();
    if (response.degraded()) {
      counter(context, "degraded").inc();
    }
    context.send(Identifiers.KAFKA_OUT, OutRecord.of(responseTopic, request.userId, response));
  }

  private TrendingRecommender recommender() {
    if (recommender == null) {
      FeatureStore store = storeSpec.open();
      recommender = new TrendingRecommender(store);
    }
    return recommender;
  }

  private static Counter counter(Context context, String name) {
    return context.metrics().counter(name);
  }
}
