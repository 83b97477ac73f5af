package io.streamrec.serving;

import io.streamrec.core.model.ModelRegistry;
import io.streamrec.onnx.ItemTower;
import io.streamrec.onnx.Ranker;
import io.streamrec.onnx.UserTower;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models serving uses, swapped without a restart: the ranker follows {@code ranker/CURRENT} (checked every
 * {@code poll}; a new version is loaded and checked against its manifest before it replaces the old one, which is
 * closed after its in-flight inferences finish). User towers are loaded per version on demand, because the version
 * to use is the one of the index's active generation (user and item vectors must come from the same training run),
 * not necessarily {@code two-tower-user/CURRENT}.
 *
 * <p>A model that fails to load is logged and the previous one stays; a missing ranker leaves serving in retrieval
 * order ({@link #ranker()} is null).
 */
public final class ServingModels implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServingModels.class);

  private final ModelRegistry registry;
  private final Map<String, UserTower> userTowers = new ConcurrentHashMap<>();
  private final Map<String, ItemTower> itemTowers = new ConcurrentHashMap<>();
  private final AtomicReference<Ranker> ranker = new AtomicReference<>();
  private final ScheduledExecutorService poller;
  private final java.util.concurrent.atomic.AtomicLong failedLoads = new java.util.concurrent.atomic.AtomicLong();

  public ServingModels(ModelRegistry registry, Duration poll) {
    this.registry = registry;
    reloadRanker();
    poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "streamrec-model-poller");
      t.setDaemon(true);
      return t;
    });
    long ms = Math.max(10, poll.toMillis());
    poller.scheduleWithFixedDelay(this::reloadRanker, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** The user tower of {@code version}; loaded on first use. Throws if it cannot be loaded. */
  public UserTower userTower(String version) {
    return userTowers.computeIfAbsent(version, v -> UserTower.open(registry, v));
  }

  /** How many times a new current ranker could not be loaded (it is retried every poll). */
  public long failedLoads() {
    return failedLoads.get();
  }

  /**
   * The item tower of {@code version}; loaded on first use. Serving runs it for candidates that the ANN source did
   * not propose, so that the ranker sees a two-tower score for every candidate, as in training.
   */
  public ItemTower itemTower(String version) {
    return itemTowers.computeIfAbsent(version, v -> ItemTower.open(registry, v));
  }

  /** The current ranker, or null if none could be loaded. */
  public Ranker ranker() {
    return ranker.get();
  }

  private void reloadRanker() {
    try {
      String current = registry.currentVersion(ModelRegistry.RANKER);
      Ranker now = ranker.get();
      if (now != null && now.version().equals(current)) {
        return;
      }
      Ranker next = Ranker.open(registry, current);
      Ranker old = ranker.getAndSet(next);
      LOG.info("ranker {} loaded (was {})", current, old == null ? "none" : old.version());
      if (old != null) {
        old.close(); // waits for inferences in flight on it
      }
    } catch (RuntimeException e) {
      failedLoads.incrementAndGet();
      LOG.warn("cannot load the current ranker; keeping {}: {}",
          ranker.get() == null ? "none" : ranker.get().version(), e.toString());
    }
  }

  @Override
  public void close() {
    poller.shutdownNow();
    Ranker r = ranker.getAndSet(null);
    if (r != null) {
      r.close();
    }
    userTowers.values().forEach(UserTower::close);
    userTowers.clear();
    itemTowers.values().forEach(ItemTower::close);
    itemTowers.clear();
  }
}
