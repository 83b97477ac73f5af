package io.streamrec.launcher;

import io.streamrec.core.contract.RecRequest;
import io.streamrec.core.contract.RecResponse;
import io.streamrec.core.contract.Topics;
import io.streamrec.datasets.OnlineRetailDataset;
import io.streamrec.datasets.Purchase;
import io.streamrec.jobs.common.KafkaIO;
import io.streamrec.jobs.feature.FeatureJob;
import io.streamrec.jobs.index.IndexJob;
import io.streamrec.jobs.serving.ServingJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The demo: replays the bundled Online Retail II derivative through Kafka into the running jobs, waits until both
 * jobs have processed it, then sends requests as a client would and reports what came back and how fast.
 */
public final class Demo {

  /**
   * What to replay and how many requests to send.
   *
   * @param warmupRequests requests sent (at the same rate) and answered before the measured ones, not counted: a
   *     service warms up before it takes traffic, and the JIT compiles the request path only once it has run
   */
  public record Options(Path datasetDir, int requests, int requestsPerSecond, long seed, int warmupRequests) {}

  /** What the demo measured. */
  public record Result(int sent, int answered, int degraded, Histogram latencyMicros, List<RecClient.Reply> replies) {}

  private final LocalStack stack;
  private final Progress progress;

  public Demo(LocalStack stack, Progress progress) {
    this.stack = stack;
    this.progress = progress;
  }

  public Result run(Options options) throws Exception {
    progress.step("Loading the Online Retail II derivative from " + options.datasetDir());
    OnlineRetailDataset data = OnlineRetailDataset.load(options.datasetDir());
    progress.done(String.format("%,d items, %,d users, %,d purchases",
        data.items().size(), data.users().size(), data.purchases().size()));

    try (RecClient client =
        new RecClient(KafkaIO.clientProperties(stack.jobConfig()), stack.jobConfig().topicPrefix())) {
      replay(client, data);
      waitUntilProcessed();
      if (options.warmupRequests() > 0) {
        progress.step(String.format("Warming up the serving path with %d requests at %d/s (not counted)",
            options.warmupRequests(), options.requestsPerSecond()));
        Result warm = send(client, data, "demo-warmup-" + options.seed(), options.warmupRequests(),
            options.requestsPerSecond(), options.seed() + 1);
        progress.done(String.format("%d answered, %d degraded", warm.answered(), warm.degraded()));
      }
      progress.step(String.format("Sending %d requests at %d/s", options.requests(), options.requestsPerSecond()));
      Result result = send(client, data, "demo-" + options.seed(), options.requests(), options.requestsPerSecond(),
          options.seed());
      progress.done(result.answered() + " answered");
      return result;
    }
  }

  private void replay(RecClient client, OnlineRetailDataset data) {
    progress.step("Producing items and users");
    data.items().forEach(i -> client.send(Topics.ITEMS, i.itemId(), DemoData.item(i)));
    data.users().forEach(u -> client.send(Topics.USERS, u.userId(), DemoData.user(u)));
    client.flush();
    progress.done("done");

    progress.step("Producing purchases as interactions");
    long n = 0;
    List<Purchase> purchases = data.purchases();
    for (Purchase p : purchases) {
      client.send(Topics.INTERACTIONS, p.userId(), DemoData.interaction(p, n++));
      if (n % 50_000 == 0) {
        progress.update(String.format("%,d / %,d", n, purchases.size()));
      }
    }
    client.flush();
    progress.done(String.format("%,d sent", n));
  }

  private void waitUntilProcessed() throws Exception {
    progress.step("Waiting for the jobs to process the replay (offsets commit on checkpoints)");
    String interactions = stack.jobConfig().topic(Topics.INTERACTIONS);
    String itemsTopic = stack.jobConfig().topic(Topics.ITEMS);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    try (ConsumerLag lag = new ConsumerLag(KafkaIO.clientProperties(stack.jobConfig()))) {
      while (true) {
        long features = lag.lag(stack.jobConfig().groupId(FeatureJob.NAME), interactions);
        long serving = lag.lag(stack.jobConfig().groupId(ServingJob.NAME), interactions);
        long index = lag.lag(stack.jobConfig().groupId(IndexJob.NAME), itemsTopic);
        if (features == 0 && serving == 0 && index == 0) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "jobs did not catch up within 10 minutes (feature lag " + features + ", serving lag " + serving
                  + ", index lag " + index + "); see the web UI at " + stack.webUrl());
        }
        progress.update(String.format("behind: feature job %,d, serving job %,d, index job %,d", features,
            serving, index));
        Thread.sleep(500); // a console progress tick, not a test wait
      }
    }
    progress.done("caught up");
  }

  private Result send(RecClient client, OnlineRetailDataset data, String idPrefix, int requests, int perSecond,
      long seed) throws Exception {
    long now = DemoData.replayNow(data);
    Random random = new Random(seed);
    List<io.streamrec.datasets.User> users = data.users();
    List<CompletableFuture<RecClient.Reply>> futures = new ArrayList<>();
    long intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
    long next = System.nanoTime();
    for (int i = 0; i < requests; i++) {
      io.streamrec.datasets.User user = users.get(random.nextInt(users.size()));
      RecRequest r = RecRequest.of(idPrefix + "-" + i, user.userId(), now, 10);
      // Every other request leaves the region out: the serving function then takes it from the session.
      r.region = i % 2 == 0 ? user.country() : null;
      LockSupport.parkNanos(next - System.nanoTime());
      next += intervalNanos;
      futures.add(client.request(r));
    }
    client.flush();

    Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    List<RecClient.Reply> replies = new ArrayList<>();
    int degraded = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (CompletableFuture<RecClient.Reply> f : futures) {
      long left = Math.max(1, deadline - System.nanoTime());
      try {
        RecClient.Reply reply = f.get(left, TimeUnit.NANOSECONDS);
        replies.add(reply);
        latency.recordValue(Math.max(1, (long) (reply.latencyMs() * 1000)));
        if (reply.response().degraded()) {
          degraded++;
        }
      } catch (java.util.concurrent.TimeoutException e) {
        // counted as unanswered below
      }
    }
    return new Result(futures.size(), replies.size(), degraded, latency, replies);
  }

  /** Prints a few responses with item titles and the latency summary. */
  public static void report(Result result, OnlineRetailDataset data, Progress progress, int samples) {
    Map<String, io.streamrec.datasets.Item> items = data.itemsById();
    progress.line("");
    progress.line("Sample responses. Each item says which retrieval sources proposed it (ann: the user tower's");
    progress.line("nearest neighbours in the vector index; item2item: neighbours of the user's last items; trending:");
    progress.line("the region's trending list; explore: the exploration slot) and its ranker score (GBDT, ONNX):");
    for (int i = 0; i < Math.min(samples, result.replies().size()); i++) {
      RecResponse r = result.replies().get(i).response();
      progress.line(String.format("  request %s for user %s — retrieval %s, ranking %s%s", r.requestId(),
          r.userId(), r.models() == null ? "-" : r.models().retrieval(),
          r.models() == null ? "-" : r.models().ranking(),
          r.degraded() ? "  [degraded: " + r.reason() + "]" : ""));
      for (RecResponse.RecItem it : r.items().subList(0, Math.min(5, r.items().size()))) {
        var item = items.get(it.itemId());
        progress.line(String.format("    %2d. %-8s %-40s score %.3f  via %s", it.rank(), it.itemId(),
            item == null ? "?" : item.title(), it.score(), String.join(",", it.sources())));
      }
      StringBuilder stages = new StringBuilder();
      r.timingsMs().forEach((stage, ms) -> stages.append(String.format(" %s %.2f", stage, ms)));
      progress.line("        stages (ms):" + stages);
    }
    Histogram h = result.latencyMicros();
    progress.line("");
    progress.line(String.format(
        "Latency request→response through Kafka (%d answered of %d, %d degraded): "
            + "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms",
        result.answered(), result.sent(), result.degraded(),
        h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(95) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0));
  }
}
