package io.streamrec.core.serving;

/** A request's time budget ({@code deadline_ms}), measured on the monotonic clock from when serving received it. */
public final class Deadline {
  private final long start;
  private final long end;

  private Deadline(long startNanos, long budgetNanos) {
    this.start = startNanos;
    this.end = startNanos + budgetNanos;
  }

  public static Deadline startingNow(long budgetMs) {
    return new Deadline(System.nanoTime(), budgetMs * 1_000_000L);
  }

  public static Deadline of(long startNanos, long budgetMs) {
    return new Deadline(startNanos, budgetMs * 1_000_000L);
  }

  public boolean expired() {
    return System.nanoTime() - end >= 0;
  }

  public long remainingNanos() {
    return Math.max(0, end - System.nanoTime());
  }

  public double elapsedMs() {
    return (System.nanoTime() - start) / 1e6;
  }

  public long startNanos() {
    return start;
  }
}
