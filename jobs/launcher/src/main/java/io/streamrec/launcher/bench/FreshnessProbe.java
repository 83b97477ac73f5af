package io.streamrec.launcher.bench;

import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.features.UserFeatureState;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureRecord;
import io.streamrec.core.store.FeatureStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * Freshness measured end to end, the way a reader sees it: for a sample of the events sent, the time from the
 * event's intended send time until a reader can see it. What "see" means is a {@link Visibility}: for the feature
 * job ({@link #FreshnessProbe(FeatureStore, Duration, Duration)}), the user's record in the feature store lists the
 * event among its recent interactions ({@code recent} bin, keyed by event id); for the index job, a filtered search
 * of the vector index returns the item's new version ({@link IndexVisibility}).
 *
 * <p>A poller thread asks the visibility about every sample still outstanding, once every {@code pollInterval}, in
 * one batch (for the store: one batched {@link FeatureStore#getAll}). A sample is therefore late by at most one
 * poll interval (half of one on average); that resolution is part of the report. Samples are kept in an
 * {@link Histogram} in microseconds. An event that has not appeared after {@code giveUpAfter} (or when the probe is
 * {@linkplain #finish finished}) is counted as {@linkplain Result#lost() lost} and goes into the histogram with the
 * age it had then, a lower bound of its freshness: a job that cannot keep up then shows a large p99 instead of
 * hiding its slowest events. With any lost sample the percentiles are lower bounds ({@link Result#lowerBound()}).
 *
 * <p>The caller registers each sampled event with {@link #expect} (thread-safe) before sending it.
 */
public final class FreshnessProbe implements AutoCloseable {

  /** What the probe saw. {@code histogramMicros} holds one value per sampled event, seen or lost. */
  public record Result(Histogram histogramMicros, long expected, long seen, long lost, Duration pollInterval) {
    /** Whether some samples went in at their age when given up on, so the percentiles may be higher in truth. */
    public boolean lowerBound() {
      return lost > 0;
    }

    public double percentileMs(double p) {
      return histogramMicros.getTotalCount() == 0 ? Double.NaN : histogramMicros.getValueAtPercentile(p) / 1000.0;
    }

    public double maxMs() {
      return histogramMicros.getTotalCount() == 0 ? Double.NaN : histogramMicros.getMaxValue() / 1000.0;
    }

    public double meanMs() {
      return histogramMicros.getTotalCount() == 0 ? Double.NaN : histogramMicros.getMean() / 1000.0;
    }
  }

  /** One sampled event: what to look for ({@code key}, e.g. a user id) and how to recognise it ({@code token}). */
  public record Sample(String key, String token) {}

  /** Which of the outstanding samples a reader can see now. Called by the poller thread only. */
  @FunctionalInterface
  public interface Visibility {
    /** The visible subset of {@code outstanding} (each sample at most once in the list). */
    Set<Sample> visible(List<Sample> outstanding);
  }

  private record Pending(Sample sample, long intendedNanos) {}

  private final Visibility visibility;
  private final Duration pollInterval;
  private final long giveUpNanos;
  private final LongSupplier nanoClock;
  private final ConcurrentLinkedQueue<Pending> incoming = new ConcurrentLinkedQueue<>();
  /** Touched by the poller thread only (or by the test calling pollOnce). */
  private final List<Pending> pending = new ArrayList<>();
  private final Histogram histogram = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
  private volatile long expected;
  private volatile long seen;
  private volatile long lost;
  private volatile boolean running;
  private Thread poller;

  /**
   * Feature freshness: a sample ({@code key} user id, {@code token} event id) is visible once the user's record
   * lists the event.
   */
  public FreshnessProbe(FeatureStore store, Duration pollInterval, Duration giveUpAfter) {
    this(inStore(store), pollInterval, giveUpAfter, System::nanoTime);
  }

  FreshnessProbe(FeatureStore store, Duration pollInterval, Duration giveUpAfter, LongSupplier nanoClock) {
    this(inStore(store), pollInterval, giveUpAfter, nanoClock);
  }

  public FreshnessProbe(Visibility visibility, Duration pollInterval, Duration giveUpAfter) {
    this(visibility, pollInterval, giveUpAfter, System::nanoTime);
  }

  FreshnessProbe(Visibility visibility, Duration pollInterval, Duration giveUpAfter, LongSupplier nanoClock) {
    this.visibility = visibility;
    this.pollInterval = pollInterval;
    this.giveUpNanos = giveUpAfter.toNanos();
    this.nanoClock = nanoClock;
  }

  /**
   * Registers an event about to be sent: {@code key} and {@code token} as its {@link Sample}; {@code intendedNanos}
   * is its scheduled send time ({@link System#nanoTime}).
   */
  public void expect(String key, String token, long intendedNanos) {
    incoming.add(new Pending(new Sample(key, token), intendedNanos));
    expected++; // one producer thread registers; volatile is enough for the reader's progress display
  }

  /** Starts the poller thread. */
  public FreshnessProbe start() {
    running = true;
    poller = new Thread(() -> {
      while (running) {
        pollOnce();
        LockSupport.parkNanos(pollInterval.toNanos());
      }
    }, "bench-freshness-probe");
    poller.setDaemon(true);
    poller.start();
    return this;
  }

  /** Events registered and not yet seen or given up. Approximate while the poller runs. */
  public long outstanding() {
    return expected - seen - lost;
  }

  /**
   * Waits until every registered event was seen or given up on (at most {@code maxWait}), stops the poller and
   * returns the result. Events still outstanding then count as lost.
   */
  public Result finish(Duration maxWait) throws InterruptedException {
    long deadline = System.nanoTime() + maxWait.toNanos();
    while (outstanding() > 0 && System.nanoTime() - deadline < 0) {
      Thread.sleep(20);
    }
    close();
    synchronized (this) {
      pollOnce();
      long now = nanoClock.getAsLong();
      for (Pending p : pending) {
        record(now - p.intendedNanos());
      }
      lost += pending.size();
      pending.clear();
      return new Result(histogram.copy(), expected, seen, lost, pollInterval);
    }
  }

  /** One pass: asks which outstanding samples are visible and records them. */
  synchronized void pollOnce() {
    drainIncoming();
    if (pending.isEmpty()) {
      return;
    }
    List<Sample> outstanding = new ArrayList<>(pending.size());
    for (Pending p : pending) {
      outstanding.add(p.sample());
    }
    Set<Sample> visible = visibility.visible(outstanding);
    long now = nanoClock.getAsLong();
    for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (visible.contains(p.sample())) {
        record(now - p.intendedNanos());
        seen++;
        it.remove();
      } else if (now - p.intendedNanos() > giveUpNanos) {
        record(now - p.intendedNanos());
        lost++;
        it.remove();
      }
    }
  }

  /** The feature store: a sample (user id, event id) is visible once the user's {@code recent} bin lists it. */
  static Visibility inStore(FeatureStore store) {
    return outstanding -> {
      Set<FeatureKey> keys = new HashSet<>();
      for (Sample s : outstanding) {
        keys.add(userKey(s.key()));
      }
      Map<FeatureKey, FeatureRecord> records = store.getAll(keys);
      Set<Sample> visible = new HashSet<>();
      for (Sample s : outstanding) {
        FeatureRecord r = records.get(userKey(s.key()));
        if (r != null && r.getMap(StoreLayout.UserBins.RECENT).containsKey(UserFeatureState.recentKey(s.token()))) {
          visible.add(s);
        }
      }
      return visible;
    };
  }

  private void record(long nanos) {
    long micros = Math.max(0, nanos / 1_000);
    histogram.recordValue(Math.min(micros, histogram.getHighestTrackableValue()));
  }

  private void drainIncoming() {
    for (Pending p; (p = incoming.poll()) != null; ) {
      pending.add(p);
    }
  }

  private static FeatureKey userKey(String userId) {
    return new FeatureKey(StoreLayout.UserBins.SET, userId);
  }

  @Override
  public void close() {
    running = false;
    if (poller != null) {
      LockSupport.unpark(poller);
      try {
        poller.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
