package io.streamrec.launcher.bench;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.Json;
import io.streamrec.core.contract.Topics;
import io.streamrec.core.synthetic.SyntheticEvents;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Interactions sent to {@code interactions} open loop beside a load step, as a feed's clients produce them while
 * its users ask for pages: the known users and items of the benchmark's world, fresh event ids (a seed of their
 * own, so the feature job's dedup does not drop them), stamped with their intended send time.
 */
final class InteractionFeed {

  private final Thread sender;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile BenchKafka.LiveSent sent;

  private InteractionFeed(Thread sender) {
    this.sender = sender;
  }

  /**
   * Starts sending {@code ratePerSecond} interactions per second for {@code seconds} from {@code startNanos}
   * ({@code wallAtStartMs} on the wall clock) on a thread of its own; a rate of 0 sends nothing.
   */
  static InteractionFeed start(KafkaProducer<byte[], byte[]> producer, double ratePerSecond, double seconds,
      long startNanos, long wallAtStartMs, long seed, int users, int items) {
    if (!(ratePerSecond > 0)) {
      return new InteractionFeed(null);
    }
    OpenLoopSchedule schedule = OpenLoopSchedule.forDuration(ratePerSecond, seconds, startNanos);
    SyntheticEvents gen = new SyntheticEvents(new SyntheticEvents.Spec(seed, users, items,
        (int) Math.min(Integer.MAX_VALUE, schedule.total()), wallAtStartMs, 1, 0, 0.0, ServingBenchmark.CATEGORIES,
        FeatureBenchmark.REGIONS, ""));
    Iterator<Interaction> events = gen.interactions();
    InteractionFeed[] self = new InteractionFeed[1];
    Thread t = new Thread(() -> {
      try {
        self[0].sent = BenchKafka.sendOpenLoop(producer, Topics.INTERACTIONS, schedule, wallAtStartMs,
            (k, tsMs, intendedNanos) -> {
              Interaction i = events.next();
              i.ts = tsMs;
              return new BenchKafka.LiveRecord(i.userId, Json.write(i));
            });
      } catch (Throwable e) {
        self[0].failure.set(e);
      }
    }, "bench-interaction-feed");
    t.setDaemon(true);
    self[0] = new InteractionFeed(t);
    t.start();
    return self[0];
  }

  /** Waits until every interaction was sent and acknowledged; what was sent (null if nothing was to be sent). */
  BenchKafka.LiveSent await() throws InterruptedException {
    if (sender == null) {
      return null;
    }
    sender.join();
    Throwable e = failure.get();
    if (e != null) {
      throw new IllegalStateException("the interaction feed failed: " + e, e);
    }
    return sent;
  }
}
