package io.streamrec.launcher.bench;

/**
 * When each event of an open-loop load is meant to be sent: event {@code k} at {@code start + k / rate}, whatever
 * happened to the events before it.
 *
 * <p>Open loop is what makes a latency measurement honest ("coordinated omission"): a closed-loop sender that
 * waits whenever the system under test is slow sends fewer events exactly when latency is high, and its samples
 * miss the slow period. Here a sender that falls behind sends the overdue events at once, and every latency is
 * measured from the event's <em>intended</em> time ({@link #intendedNanos}), so time spent waiting to be sent is
 * counted too.
 *
 * <p>Times are {@link System#nanoTime()} values. {@link #dueBy} and {@link #intendedNanos} agree exactly: event
 * {@code k} is due at {@code now} if and only if {@code intendedNanos(k) <= now}.
 */
public final class OpenLoopSchedule {
  private final double nanosPerEvent;
  private final long startNanos;
  private final long total;

  /**
   * @param ratePerSecond events per second, &gt; 0
   * @param startNanos the intended time of event 0
   * @param total the number of events in the schedule
   */
  public OpenLoopSchedule(double ratePerSecond, long startNanos, long total) {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("rate must be a positive number, got " + ratePerSecond);
    }
    if (total < 0) {
      throw new IllegalArgumentException("total must not be negative, got " + total);
    }
    this.nanosPerEvent = 1e9 / ratePerSecond;
    this.startNanos = startNanos;
    this.total = total;
  }

  /** A schedule of {@code ratePerSecond × seconds} events (rounded). */
  public static OpenLoopSchedule forDuration(double ratePerSecond, double seconds, long startNanos) {
    return new OpenLoopSchedule(ratePerSecond, startNanos, Math.round(ratePerSecond * seconds));
  }

  public long total() {
    return total;
  }

  public long startNanos() {
    return startNanos;
  }

  /** The intended send time of event {@code k} (0-based). */
  public long intendedNanos(long k) {
    if (k < 0) {
      throw new IllegalArgumentException("event index must not be negative: " + k);
    }
    return startNanos + (long) Math.ceil(k * nanosPerEvent);
  }

  /** How many events are due at {@code nowNanos}: those with {@code intendedNanos(k) <= nowNanos}, at most total. */
  public long dueBy(long nowNanos) {
    if (nowNanos - startNanos < 0 || total == 0) {
      return 0;
    }
    long due = (long) Math.floor((nowNanos - startNanos) / nanosPerEvent) + 1;
    // Floating point may be one off either way; settle it against intendedNanos, the definition.
    while (due < total && intendedNanos(due) - nowNanos <= 0) {
      due++;
    }
    while (due > 0 && intendedNanos(due - 1) - nowNanos > 0) {
      due--;
    }
    return Math.min(due, total);
  }

  /** The end of the schedule: the intended time of the last event (the start if there is none). */
  public long lastIntendedNanos() {
    return total == 0 ? startNanos : intendedNanos(total - 1);
  }
}
