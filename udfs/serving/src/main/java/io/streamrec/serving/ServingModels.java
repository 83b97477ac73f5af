package io.streamrec.serving;

import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.onnx.Ranker;
import io.streamrec.onnx.UserTower;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models serving uses, loaded and warmed before they take a request, and swapped without a restart.
 *
 * <ul>
 *   <li>The two ranking stages follow {@code first-stage/CURRENT} and {@code ranker/CURRENT} (checked every
 *       {@code poll}): a new version is loaded, checked against its manifest and warmed with a few inferences
 *       <em>before</em> it replaces the old one, which is closed after its in-flight inferences finish.
 *   <li>User towers are kept per version, because the version to use is the one of the index's active generation
 *       (user and item vectors must come from the same training run). The constructor loads and warms the one
 *       {@code two-tower-user/CURRENT} names, and every poll pre-loads a new current one, so a roll-out's tower is
 *       warm before the index publishes the generation that needs it. A version asked for that is not loaded yet
 *       is loaded in the background; until then {@link #userTower} returns null and requests say so.
 * </ul>
 *
 * <p>A model that fails to load is logged, counted ({@link #failedLoads()}) and retried at the next poll, and the
 * previous one stays; a missing ranking stage leaves that stage out ({@link #ranker()} / {@link #firstStage()}
 * null).
 */
public final class ServingModels implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServingModels.class);
  /** Warm-up batch: as many rows as a request's first stage scores, a few times. */
  private static final int WARM_ROWS = 300;
  private static final int WARM_RUNS = 5;

  private final ModelRegistry registry;
  private final Map<String, UserTower> userTowers = new ConcurrentHashMap<>();
  private final Set<String> towersLoading = ConcurrentHashMap.newKeySet();
  private final AtomicReference<Ranker> ranker = new AtomicReference<>();
  private final AtomicReference<Ranker> firstStage = new AtomicReference<>();
  private final ScheduledExecutorService loader;
  private final AtomicLong failedLoads = new AtomicLong();

  /** Loads and warms the current models on the calling thread, then polls the registry every {@code poll}. */
  public ServingModels(ModelRegistry registry, Duration poll) {
    this.registry = registry;
    loader = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "streamrec-model-loader");
      t.setDaemon(true);
      return t;
    });
    poll();
    long ms = Math.max(10, poll.toMillis());
    loader.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
  }

  /**
   * The user tower of {@code version}, or null while it is being loaded (the first call for a version that is not
   * loaded starts loading it in the background; a request never waits for a model to load).
   */
  public UserTower userTower(String version) {
    UserTower tower = userTowers.get(version);
    if (tower == null && towersLoading.add(version)) {
      loader.execute(() -> {
        try {
          loadUserTower(version);
        } finally {
          towersLoading.remove(version);
        }
      });
    }
    return tower;
  }

  /** How many times a model could not be loaded (each is retried at the next poll). */
  public long failedLoads() {
    return failedLoads.get();
  }

  /** The current ranker (the heavy, last ranking stage), or null if none could be loaded. */
  public Ranker ranker() {
    return ranker.get();
  }

  /** The current first ranking stage, or null if none could be loaded. */
  public Ranker firstStage() {
    return firstStage.get();
  }

  private void poll() {
    follow(ModelRegistry.FIRST_STAGE, firstStage);
    follow(ModelRegistry.RANKER, ranker);
    if (Files.isRegularFile(registry.root().resolve(ModelRegistry.TWO_TOWER_USER).resolve(ModelRegistry.CURRENT))) {
      try {
        loadUserTower(registry.currentVersion(ModelRegistry.TWO_TOWER_USER));
      } catch (RuntimeException e) {
        failedLoads.incrementAndGet();
        LOG.warn("cannot read the current user tower's version: {}", e.toString());
      }
    }
  }

  /** Loads, checks and warms the current version of a ranking stage, then swaps it in. */
  private void follow(String model, AtomicReference<Ranker> slot) {
    if (!Files.isRegularFile(registry.root().resolve(model).resolve(ModelRegistry.CURRENT))) {
      return; // no such stage in this registry
    }
    try {
      String current = registry.currentVersion(model);
      Ranker now = slot.get();
      if (now != null && now.version().equals(current)) {
        return;
      }
      Ranker next = Ranker.open(registry, model, current, io.streamrec.onnx.OnnxModels.Options.scoring());
      try {
        next.warmUp(WARM_ROWS, WARM_RUNS);
      } catch (RuntimeException e) {
        next.close();
        throw e;
      }
      Ranker old = slot.getAndSet(next);
      LOG.info("{} {} loaded and warmed (was {})", model, current, old == null ? "none" : old.version());
      if (old != null) {
        old.close(); // waits for inferences in flight on it
      }
    } catch (RuntimeException e) {
      failedLoads.incrementAndGet();
      LOG.warn("cannot load the current {}; keeping {}: {}", model,
          slot.get() == null ? "none" : slot.get().version(), e.toString());
    }
  }

  private void loadUserTower(String version) {
    if (userTowers.containsKey(version)) {
      return;
    }
    try {
      UserTower tower = UserTower.open(registry, version);
      try {
        List<TwoTowerInputs.UserInput> warm = List.of(new TwoTowerInputs.UserInput(List.of("warm-up"), null, null));
        for (int i = 0; i < WARM_RUNS; i++) {
          tower.embed(warm);
        }
      } catch (RuntimeException e) {
        tower.close();
        throw e;
      }
      userTowers.put(version, tower);
      LOG.info("user tower {} loaded and warmed", version);
    } catch (RuntimeException e) {
      failedLoads.incrementAndGet();
      LOG.warn("cannot load user tower {}: {}", version, e.toString());
    }
  }

  @Override
  public void close() {
    loader.shutdownNow();
    try {
      loader.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (AtomicReference<Ranker> slot : List.of(ranker, firstStage)) {
      Ranker r = slot.getAndSet(null);
      if (r != null) {
        r.close();
      }
    }
    userTowers.values().forEach(UserTower::close);
    userTowers.clear();
  }
}
