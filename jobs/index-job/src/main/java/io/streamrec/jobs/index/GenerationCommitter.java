package io.streamrec.jobs.index;

import io.streamrec.core.index.VectorIndex;
import io.streamrec.core.index.VectorIndexSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a generation once every item task has reported (MARKER) that all its items were written to it. Runs
 * with parallelism 1. Markers arrive after the writes they follow have completed (ordered async stages), so at that
 * point the whole catalog is searchable in the new generation: the switch is atomic for serving.
 *
 * <p>Markers received so far are checkpointed, so a restart in the middle of a roll-out still publishes.
 * Metrics: {@code generationsPublished}, gauge {@code activeGeneration}.
 */
final class GenerationCommitter extends RichSinkFunction<IndexAck> implements CheckpointedFunction {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(GenerationCommitter.class);

  private final VectorIndexSpec spec;
  private transient VectorIndex index;
  private transient Map<Long, Set<Integer>> reported;
  private transient ListState<IndexAck> checkpointed;
  private transient Counter published;

  GenerationCommitter(VectorIndexSpec spec) {
    this.spec = spec;
  }

  @Override
  public void open(Configuration parameters) {
    index = spec.open();
    published = getRuntimeContext().getMetricGroup().counter("generationsPublished");
    getRuntimeContext().getMetricGroup().gauge("activeGeneration",
        () -> index.active().map(g -> g.id()).orElse(0L));
  }

  @Override
  public void invoke(IndexAck marker, Context context) {
    if (marker.kind != IndexAck.Kind.MARKER) {
      return;
    }
    Set<Integer> tasks = reported.computeIfAbsent(marker.generation, g -> new HashSet<>());
    tasks.add(marker.subtask);
    if (tasks.size() == marker.parallelism) {
      index.publish(marker.generation);
      published.inc();
      LOG.info("published index generation {} ({} item tasks reported)", marker.generation, tasks.size());
      reported.keySet().removeIf(g -> g <= marker.generation);
    }
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    List<IndexAck> all = new ArrayList<>();
    reported.forEach((gen, tasks) -> tasks.forEach(t -> {
      IndexAck a = new IndexAck();
      a.kind = IndexAck.Kind.MARKER;
      a.generation = gen;
      a.subtask = t;
      all.add(a);
    }));
    checkpointed.update(all);
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    checkpointed = context.getOperatorStateStore().getListState(
        new ListStateDescriptor<>("reported-markers", TypeInformation.of(IndexAck.class)));
    reported = new HashMap<>();
    for (IndexAck a : checkpointed.get()) {
      reported.computeIfAbsent(a.generation, g -> new HashSet<>()).add(a.subtask);
    }
  }

  @Override
  public void close() {
    if (index != null) {
      index.close();
    }
  }
}
