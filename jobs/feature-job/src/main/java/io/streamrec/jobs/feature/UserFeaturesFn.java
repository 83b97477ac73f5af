package io.streamrec.jobs.feature;

import io.streamrec.core.contract.User;
import io.streamrec.core.features.EnrichedInteraction;
import io.streamrec.core.features.UserFeatureState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.time.Time;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by user id: the user's profile (from {@code users}) and interaction features, emitted for the store at most
 * once per flush interval. State expires after {@code stateTtl} without an update ({@link KeyTimers}), as the store record does.
 *
 * <p>Metrics: {@code profileUpdates}, {@code duplicateEvents}, {@code lateEvents}, {@code expiredKeys}.
 */
public final class UserFeaturesFn
    extends KeyedCoProcessFunction<String, User, EnrichedInteraction, UserFeatureState> {
  private static final long serialVersionUID = 1L;

  private final long flushIntervalMs;
  private final Time stateTtl;

  private transient ValueState<UserFeatureState> state;
  private transient ValueState<KeyTimers> timers;
  private transient Counter profiles;
  private transient Counter duplicates;
  private transient Counter late;
  private transient Counter expired;

  /** @param flushIntervalMs as in {@link ItemFeaturesFn}: 0 writes every change at once */
  public UserFeaturesFn(long flushIntervalMs, Time stateTtl) {
    this.flushIntervalMs = flushIntervalMs;
    this.stateTtl = stateTtl;
  }

  @Override
  public void open(Configuration parameters) {
    state = getRuntimeContext().getState(new ValueStateDescriptor<>("user-features", FeatureStateTypes.USERS));
    timers = getRuntimeContext().getState(KeyTimers.descriptor());
    var group = getRuntimeContext().getMetricGroup();
    profiles = group.counter("profileUpdates");
    duplicates = group.counter("duplicateEvents");
    late = group.counter("lateEvents");
    expired = group.counter("expiredKeys");
  }

  private UserFeatureState current(String userId) throws Exception {
    UserFeatureState s = state.value();
    return s != null ? s : UserFeatureState.empty(userId);
  }

  @Override
  public void processElement1(User user, Context ctx, Collector<UserFeatureState> out) throws Exception {
    UserFeatureState s = current(user.userId);
    s.applyProfile(user);
    profiles.inc();
    state.update(s);
    changed(s, ctx, out);
  }

  /** Writes now (flush interval 0) or arms the coalescing timer; (re)starts the key's expiry. */
  private void changed(UserFeatureState s, Context ctx, Collector<UserFeatureState> out) throws Exception {
    if (flushIntervalMs == 0) {
      out.collect(s);
    }
    KeyTimers.changed(timers, ctx.timerService(), flushIntervalMs, stateTtl.toMilliseconds());
  }

  @Override
  public void processElement2(EnrichedInteraction e, Context ctx, Collector<UserFeatureState> out)
      throws Exception {
    if (ctx.timestamp() != null && ctx.timestamp() < ctx.timerService().currentWatermark()) {
      late.inc();
    }
    UserFeatureState s = current(e.interaction.userId);
    if (!s.apply(e)) {
      duplicates.inc();
      return;
    }
    state.update(s);
    changed(s, ctx, out);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<UserFeatureState> out) throws Exception {
    switch (KeyTimers.fire(timers, ctx.timerService(), timestamp, stateTtl.toMilliseconds())) {
      case FLUSH -> {
        UserFeatureState s = state.value();
        if (s != null) {
          out.collect(s);
        }
      }
      case EXPIRE -> {
        state.clear();
        expired.inc();
      }
      case NOTHING -> { }
    }
  }
}
