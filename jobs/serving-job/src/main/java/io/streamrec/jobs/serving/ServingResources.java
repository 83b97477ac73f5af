package io.streamrec.jobs.serving;

import io.streamrec.core.contract.Limits;
import io.streamrec.core.index.VectorIndex;
import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.store.FeatureStore;
import io.streamrec.serving.FallbackAnswers;
import io.streamrec.serving.PipelineWarmUp;
import io.streamrec.serving.RecommendationPipeline;
import io.streamrec.serving.ServingModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pipeline and what it holds (store and index clients, ONNX sessions, a bounded thread pool), one per spec per
 * task-manager JVM: every serving function instance of the job shares them, so the models are loaded once and the
 * pool is sized to the machine, not to the number of slots.
 *
 * <p>The pool has one thread per core and a bounded queue; a request that finds it full is rejected at once and
 * answered by the function's fallback (degraded, no models, on the task thread), so the pool never holds more than
 * its queue. The fallback answers come from {@link FallbackAnswers} (kept in the background, no I/O on the task
 * thread). Requests beyond what the job can answer at all wait in Kafka (consumer lag) — the serving benchmark
 * measures where that starts (docs/benchmarks.md).
 */
final class ServingResources {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ServingResources.class);
  private static final Map<ServingSpec, ServingResources> SHARED = new ConcurrentHashMap<>();
  private static final AtomicInteger THREADS = new AtomicInteger();

  final FeatureStore store;
  final VectorIndex index;
  final ServingModels models;
  final ThreadPoolExecutor executor;
  final RecommendationPipeline pipeline;
  final FallbackAnswers fallback;

  private ServingResources(ServingSpec spec) {
    store = spec.store().open();
    index = spec.index().open();
    models = new ServingModels(new ModelRegistry(Path.of(spec.modelDir())), spec.modelPoll());
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1_000),
        r -> {
          Thread t = new Thread(r, "streamrec-serving-" + THREADS.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    pipeline = new RecommendationPipeline(store, index, models, RecommendationPipeline.Settings.defaults(),
        executor);
    startWarmUp();
    fallback = new FallbackAnswers(store, Limits.MAX_K, 1_000, Duration.ofSeconds(5), System::currentTimeMillis);
  }

  /**
   * Warms the request path in the background once the index and the store have something to serve
   * ({@link PipelineWarmUp}): every second until it could run, for at most ten minutes.
   */
  private void startWarmUp() {
    Thread t = new Thread(() -> {
      long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (System.nanoTime() < giveUp) {
        try {
          int ran = PipelineWarmUp.run(pipeline, index, store, 1_000, Duration.ofSeconds(60));
          if (ran > 0) {
            LOG.info("serving warmed up with {} synthetic requests", ran);
            return;
          }
          Thread.sleep(1_000);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          LOG.debug("warm-up not possible yet: {}", e.toString());
          try {
            Thread.sleep(1_000);
          } catch (InterruptedException stop) {
            return;
          }
        }
      }
    }, "streamrec-serving-warm-up");
    t.setDaemon(true);
    t.start();
  }

  static ServingResources get(ServingSpec spec) {
    return SHARED.computeIfAbsent(spec, ServingResources::new);
  }
}
