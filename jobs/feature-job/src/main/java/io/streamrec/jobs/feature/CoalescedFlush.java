package io.streamrec.jobs.feature;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.TimerService;

/**
 * Writes a key's features at most once per interval: the first change after a flush arms a processing-time timer,
 * later changes ride along. A hot key then costs one store write per interval instead of one per event, and
 * freshness is bounded by the interval plus the sink's buffering.
 */
final class CoalescedFlush {
  private CoalescedFlush() {}

  /** Arms the flush timer unless one is pending. */
  static void markDirty(ValueState<Long> pendingFlush, TimerService timers, long intervalMs) throws Exception {
    if (pendingFlush.value() == null) {
      long at = timers.currentProcessingTime() + intervalMs;
      timers.registerProcessingTimeTimer(at);
      pendingFlush.update(at);
    }
  }
}
