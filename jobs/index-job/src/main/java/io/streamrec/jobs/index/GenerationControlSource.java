package io.streamrec.jobs.index;

import io.streamrec.core.index.Generation;
import io.streamrec.core.index.VectorIndex;
import io.streamrec.core.index.VectorIndexSpec;
import io.streamrec.core.model.ModelManifest;
import io.streamrec.core.model.ModelRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.source.RichSourceFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which index generations the job writes to, and starts roll-outs. Every {@code pollInterval} it compares
 * the model registry's current item-tower version with the index's active generation:
 *
 * <ul>
 *   <li>same model → write to the active generation only;
 *   <li>different (a new model was made current, or the index is empty) → create the next generation for the new
 *       model (once) and write to both until the committer publishes it.
 * </ul>
 *
 * Emits a {@link ControlState} whenever the decision changes; it is broadcast to every item task. Runs with
 * parallelism 1; the last decision is checkpointed so that a restart continues a roll-out instead of starting
 * another. An unreadable registry or an unreachable index is logged and counted ({@code controlPollFailures}) and
 * the previous decision stands.
 */
final class GenerationControlSource extends RichSourceFunction<ControlState> implements CheckpointedFunction {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(GenerationControlSource.class);

  private final VectorIndexSpec spec;
  private final String modelDir;
  private final long pollMs;
  private transient VectorIndex index;
  private transient ModelRegistry registry;
  private transient ListState<ControlState> checkpointed;
  private transient ControlState last;
  private transient Counter pollFailures;
  private volatile boolean running = true;

  GenerationControlSource(VectorIndexSpec spec, String modelDir, Duration pollInterval) {
    this.spec = spec;
    this.modelDir = modelDir;
    this.pollMs = Math.max(10, pollInterval.toMillis());
  }

  @Override
  public void open(Configuration parameters) {
    index = spec.open();
    registry = new ModelRegistry(Path.of(modelDir));
    pollFailures = getRuntimeContext().getMetricGroup().counter("controlPollFailures");
  }

  @Override
  public void run(SourceContext<ControlState> ctx) throws Exception {
    if (last != null) {
      synchronized (ctx.getCheckpointLock()) {
        ctx.collect(last); // restored: tell the (restored) item tasks again; they ignore what they already did
      }
    }
    while (running) {
      try {
        ControlState next = decide();
        if (!next.equals(last)) {
          LOG.info("index generations: {}", next);
          synchronized (ctx.getCheckpointLock()) {
            ctx.collect(next);
            last = next;
          }
        }
      } catch (RuntimeException e) {
        pollFailures.inc();
        LOG.warn("cannot decide the index generation (keeping {}): {}", last, e.toString());
      }
      long until = System.currentTimeMillis() + pollMs;
      while (running && System.currentTimeMillis() < until) {
        Thread.sleep(Math.min(50, pollMs));
      }
    }
  }

  ControlState decide() {
    String target = registry.currentVersion(ModelRegistry.TWO_TOWER_ITEM);
    ModelManifest manifest = ModelManifest.read(
        registry.versionDir(ModelRegistry.TWO_TOWER_ITEM, target).resolve(ModelManifest.MANIFEST_FILE));
    if (manifest.embeddingDim() == null || manifest.embeddingDim() <= 0) {
      throw new IllegalStateException("item tower " + target + " has no embedding_dim in its manifest");
    }
    int dim = manifest.embeddingDim();
    Optional<Generation> active = index.active();
    long activeId = active.map(Generation::id).orElse(0L);
    String activeModel = active.map(Generation::modelVersion).orElse(null);
    if (active.isPresent() && active.get().modelVersion().equals(target)) {
      return ControlState.of(activeId, activeModel, 0, null);
    }
    List<Generation> all = index.generations();
    // Continue our own roll-out (same run, or restored from a checkpoint); never adopt a generation another run
    // left half-built: its content is unknown.
    if (last != null && last.buildingGeneration > activeId && target.equals(last.buildingModel)) {
      long id = last.buildingGeneration;
      if (all.stream().anyMatch(g -> g.id() == id && g.modelVersion().equals(target))) {
        return ControlState.of(activeId, activeModel, id, target);
      }
    }
    long next = all.stream().mapToLong(Generation::id).max().orElse(0L) + 1;
    next = Math.max(next, activeId + 1);
    index.create(new Generation(next, target, dim));
    LOG.info("rolling out item tower {} into index generation {} (active: {} {})", target, next, activeId,
        activeModel);
    return ControlState.of(activeId, activeModel, next, target);
  }

  @Override
  public void cancel() {
    running = false;
  }

  @Override
  public void close() {
    running = false;
    if (index != null) {
      index.close();
    }
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    checkpointed.update(last == null ? List.of() : List.of(last));
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    checkpointed = context.getOperatorStateStore().getListState(
        new ListStateDescriptor<>("control", TypeInformation.of(ControlState.class)));
    for (ControlState c : checkpointed.get()) {
      last = c;
    }
  }
}
