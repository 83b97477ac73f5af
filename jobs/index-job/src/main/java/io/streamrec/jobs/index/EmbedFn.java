package io.streamrec.jobs.index;

import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.onnx.BatchingEmbedder;
import io.streamrec.onnx.ItemTower;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * The embedding stage: runs the item tower (ONNX Runtime) for EMBED commands and turns them into UPSERTs; passes
 * every other command through. Requests go to a {@link BatchingEmbedder} per model version, whose worker thread
 * batches whatever has queued while the previous inference ran, so the task thread never waits for the tower and a
 * busy stream gets large batches. Run under Flink's ordered async operator: commands leave in the order they came,
 * so a later attribute update never overtakes the upsert it follows, and a MARKER leaves after its rebuild.
 *
 * <p>A model that cannot be loaded or an inference that fails turns the command into FAILED (a dead letter with
 * the reason), never a failed job. Metrics: {@code towerBatches}, {@code towerItems}, {@code towerFailures},
 * {@code towerMeanBatchSize}.
 */
final class EmbedFn extends RichAsyncFunction<IndexCommand, IndexCommand> {
  private static final long serialVersionUID = 1L;

  private final String modelDir;
  private final int maxBatch;
  private transient ModelRegistry registry;
  private transient Map<String, Tower> towers;
  private transient Counter failures;

  private record Tower(ItemTower tower, BatchingEmbedder embedder) {}

  EmbedFn(String modelDir, int maxBatch) {
    this.modelDir = modelDir;
    this.maxBatch = maxBatch;
  }

  @Override
  public void open(Configuration parameters) {
    registry = new ModelRegistry(Path.of(modelDir));
    towers = new ConcurrentHashMap<>();
    var group = getRuntimeContext().getMetricGroup();
    failures = group.counter("towerFailures");
    group.gauge("towerBatches", () -> towers.values().stream().mapToLong(t -> t.embedder().batches()).sum());
    group.gauge("towerItems", () -> towers.values().stream().mapToLong(t -> t.embedder().embedded()).sum());
    group.gauge("towerMeanBatchSize", () -> {
      long b = towers.values().stream().mapToLong(t -> t.embedder().batches()).sum();
      long n = towers.values().stream().mapToLong(t -> t.embedder().embedded()).sum();
      return b == 0 ? 0.0 : (double) n / b;
    });
  }

  @Override
  public void asyncInvoke(IndexCommand c, ResultFuture<IndexCommand> result) {
    if (c.kind != IndexCommand.Kind.EMBED) {
      result.complete(List.of(c));
      return;
    }
    Tower tower;
    try {
      tower = towers.computeIfAbsent(c.modelVersion, this::load);
    } catch (RuntimeException e) {
      failures.inc();
      result.complete(List.of(c.failed("cannot load item tower " + c.modelVersion + " from " + modelDir + ": "
          + e.getMessage())));
      return;
    }
    TwoTowerInputs.ItemInput input =
        new TwoTowerInputs.ItemInput(c.itemId, c.item.title, c.item.category, c.item.price);
    tower.embedder().embed(input).whenComplete((vector, error) -> {
      if (error != null) {
        failures.inc();
        result.complete(List.of(c.failed("item tower " + c.modelVersion + " failed: " + error.getMessage())));
      } else {
        c.kind = IndexCommand.Kind.UPSERT;
        c.vector = vector;
        result.complete(List.of(c));
      }
    });
  }

  private Tower load(String version) {
    ItemTower t = ItemTower.open(registry, version);
    return new Tower(t, new BatchingEmbedder(t, maxBatch, 4 * maxBatch, Duration.ofSeconds(30)));
  }

  @Override
  public void close() {
    if (towers != null) {
      towers.values().forEach(t -> {
        t.embedder().close();
        t.tower().close();
      });
    }
  }
}
