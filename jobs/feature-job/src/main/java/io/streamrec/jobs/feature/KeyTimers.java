package io.streamrec.jobs.feature;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.TimerService;

/**
 * A key's two processing-time duties, in one small state value: the coalesced store flush (the first change after
 * a flush arms a timer, later changes ride along) and the key's expiry (its state is cleared {@code ttl} after its
 * last change).
 *
 * <p>Expiry by timer instead of Flink's state TTL: with the heap backend, TTL state cleans up incrementally on every
 * state access, which the feature benchmark measured at a fifth of the job's CPU (docs/benchmarks.md). Here a key
 * holds at most one expiry timer; when it fires early (the key changed since it was armed) it is re-armed for the
 * last change plus the TTL, so a busy key costs one timer per TTL, not one per event.
 *
 * <p>A Flink POJO.
 */
public final class KeyTimers {
  /** Processing time of the pending flush timer; 0 = none. */
  public long flushAt;
  /** Processing time of the pending expiry timer; 0 = none. */
  public long expiryAt;
  /** Processing time of the key's last change. */
  public long changedAt;

  public KeyTimers() {}

  static ValueStateDescriptor<KeyTimers> descriptor() {
    return new ValueStateDescriptor<>("key-timers", TypeInformation.of(KeyTimers.class));
  }

  /** What a fired timer means for its key. */
  enum Fired {
    NOTHING,
    FLUSH,
    EXPIRE
  }

  /**
   * Records a change of the key's state: arms the flush timer ({@code flushMs} &gt; 0) unless one is pending and the
   * expiry timer unless one is pending.
   */
  static void changed(ValueState<KeyTimers> state, TimerService timers, long flushMs, long ttlMs) throws Exception {
    KeyTimers t = state.value();
    if (t == null) {
      t = new KeyTimers();
    }
    long now = timers.currentProcessingTime();
    t.changedAt = now;
    if (flushMs > 0 && t.flushAt == 0) {
      t.flushAt = now + flushMs;
      timers.registerProcessingTimeTimer(t.flushAt);
    }
    if (t.expiryAt == 0) {
      t.expiryAt = now + ttlMs;
      timers.registerProcessingTimeTimer(t.expiryAt);
    }
    state.update(t);
  }

  /**
   * Handles a timer firing at {@code timestamp}: a due flush clears the pending flush ({@link Fired#FLUSH}); a due
   * expiry with no change since {@code ttlMs} ago clears this state ({@link Fired#EXPIRE}: the caller clears the
   * key's other state), otherwise re-arms it.
   */
  static Fired fire(ValueState<KeyTimers> state, TimerService timers, long timestamp, long ttlMs) throws Exception {
    KeyTimers t = state.value();
    if (t == null) {
      return Fired.NOTHING;
    }
    Fired fired = Fired.NOTHING;
    if (t.flushAt != 0 && t.flushAt <= timestamp) {
      t.flushAt = 0;
      fired = Fired.FLUSH;
    }
    if (t.expiryAt != 0 && t.expiryAt <= timestamp) {
      long due = t.changedAt + ttlMs;
      if (due <= timestamp) {
        if (t.flushAt != 0) {
          timers.deleteProcessingTimeTimer(t.flushAt);
        }
        state.clear();
        return Fired.EXPIRE;
      }
      t.expiryAt = due;
      timers.registerProcessingTimeTimer(due);
    }
    state.update(t);
    return fired;
  }
}
