package io.streamrec.jobs.feature;

import io.streamrec.core.features.ExponentialDecay;
import io.streamrec.core.features.TopNBoard;
import io.streamrec.core.features.TrendingFeatures;
import io.streamrec.core.store.FeatureVersion;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.time.Time;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by region: keeps every item's decayed purchase score (log space, see
 * {@link io.streamrec.core.features.ExponentialDecay}) and the region's exact top-N board, and emits the board
 * whenever it changes.
 *
 * <p>Per-item scores expire after {@code itemScoreTtl} without a purchase: by then the item's decayed count is
 * negligible unless the half-life is very long, and if it comes back it restarts from zero (an underestimate, never
 * an overestimate).
 */
public final class TrendingByRegion extends KeyedProcessFunction<String, RegionEvent, TrendingUpdate> {
  private static final long serialVersionUID = 1L;

  private final TrendingFeatures features;
  private final Time itemScoreTtl;
  private final long flushIntervalMs;

  private transient MapState<String, Double> itemScores;
  private transient ValueState<TopNBoard> board;
  private transient ValueState<Long> newestTs;
  private transient ValueState<Long> pendingFlush;
  private transient ValueState<Long> sequence;
  private transient Counter counted;
  private transient Counter boardChanges;

  /**
   * @param flushIntervalMs emit a changed board at most once per this many ms of processing time; 0 emits on every
   *     change
   */
  public TrendingByRegion(TrendingFeatures features, Time itemScoreTtl, long flushIntervalMs) {
    this.features = features;
    this.itemScoreTtl = itemScoreTtl;
    this.flushIntervalMs = flushIntervalMs;
  }

  @Override
  public void open(Configuration parameters) {
    MapStateDescriptor<String, Double> scores =
        new MapStateDescriptor<>("item-log-scores", Types.STRING, Types.DOUBLE);
    scores.enableTimeToLive(
        StateTtlConfig.newBuilder(itemScoreTtl)
            .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
            .neverReturnExpired()
            .build());
    itemScores = getRuntimeContext().getMapState(scores);
    board = getRuntimeContext().getState(new ValueStateDescriptor<>("board", TopNBoard.class));
    newestTs = getRuntimeContext().getState(new ValueStateDescriptor<>("newest-ts", Types.LONG));
    pendingFlush = getRuntimeContext().getState(States.pendingFlushState());
    sequence = getRuntimeContext().getState(new ValueStateDescriptor<>("sequence", Types.LONG));
    counted = getRuntimeContext().getMetricGroup().counter("purchasesCounted");
    boardChanges = getRuntimeContext().getMetricGroup().counter("boardChanges");
  }

  @Override
  public void processElement(RegionEvent e, Context ctx, Collector<TrendingUpdate> out) throws Exception {
    Double old = itemScores.get(e.itemId);
    double score = features.decay().add(old == null ? ExponentialDecay.empty() : old, e.weight, e.ts);
    itemScores.put(e.itemId, score);
    counted.inc();

    Long newest = newestTs.value();
    long previous = newest == null ? 0 : newest;
    long updatedAt = Math.max(previous, e.ts);
    Long seq = sequence.value();
    long nextSeq = FeatureVersion.nextSequence(previous, updatedAt, seq == null ? 0 : seq);
    newestTs.update(updatedAt);
    sequence.update(nextSeq);

    TopNBoard current = board.value();
    if (current == null) {
      current = new TopNBoard(features.boardSize());
    }
    if (current.offer(e.itemId, score)) {
      board.update(current);
      boardChanges.inc();
      if (flushIntervalMs == 0) {
        out.collect(TrendingUpdate.of(ctx.getCurrentKey(), current, updatedAt,
            FeatureVersion.of(updatedAt, nextSeq)));
      } else {
        CoalescedFlush.markDirty(pendingFlush, ctx.timerService(), flushIntervalMs);
      }
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<TrendingUpdate> out) throws Exception {
    pendingFlush.clear();
    TopNBoard current = board.value();
    if (current != null) {
      long updatedAt = newestTs.value();
      out.collect(TrendingUpdate.of(ctx.getCurrentKey(), current, updatedAt,
          FeatureVersion.of(updatedAt, sequence.value())));
    }
  }
}
