package io.streamrec.jobs.feature;

import io.streamrec.core.features.ExponentialDecay;
import io.streamrec.core.features.TopNBoard;
import io.streamrec.core.features.TrendingFeatures;
import io.streamrec.core.store.FeatureVersion;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
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
 * <p>Per-item scores are pruned, at most once per {@link #PRUNE_INTERVAL_MS} of processing time per region, when
 * their decayed score has fallen below that of a single unit event {@code itemScoreTtl} before the region's newest
 * event: an item bought once is forgotten after {@code itemScoreTtl}, one bought often a few half-lives later. If it
 * comes back it restarts from zero (an underestimate, never an overestimate). A region holds at most
 * {@code maxItems} scores; past that the lowest are pruned at once ({@code scoresPruned} counts both).
 *
 * <p>Not Flink's state TTL: with the heap backend its incremental cleanup walks a region's whole item map on state
 * accesses, which the feature benchmark measured at nine tenths of this operator's time.
 */
public final class TrendingByRegion extends KeyedProcessFunction<String, RegionEvent, TrendingUpdate> {
  private static final long serialVersionUID = 1L;

  private final TrendingFeatures features;
  private final Time itemScoreTtl;
  private final long flushIntervalMs;
  private final int maxItems;

  /** How often a region's scores are checked for pruning (processing time). */
  static final long PRUNE_INTERVAL_MS = 60_000;
  /** Default bound on the item scores a region keeps. */
  public static final int DEFAULT_MAX_ITEMS = 200_000;

  private transient MapState<String, Double> itemScores;
  private transient ValueState<long[]> bookkeeping;
  private transient Counter pruned;
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
    this(features, itemScoreTtl, flushIntervalMs, DEFAULT_MAX_ITEMS);
  }

  /** @param maxItems the most item scores a region keeps */
  public TrendingByRegion(TrendingFeatures features, Time itemScoreTtl, long flushIntervalMs, int maxItems) {
    if (maxItems < features.boardSize()) {
      throw new IllegalArgumentException("maxItems (" + maxItems + ") must be at least the board size ("
          + features.boardSize() + ")");
    }
    this.features = features;
    this.itemScoreTtl = itemScoreTtl;
    this.flushIntervalMs = flushIntervalMs;
    this.maxItems = maxItems;
  }

  @Override
  public void open(Configuration parameters) {
    itemScores = getRuntimeContext().getMapState(
        new MapStateDescriptor<>("item-log-scores", Types.STRING, Types.DOUBLE));
    bookkeeping = getRuntimeContext().getState(
        new ValueStateDescriptor<>("item-scores-bookkeeping", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    pruned = getRuntimeContext().getMetricGroup().counter("scoresPruned");
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
    // [0] scores held, [1] processing time of the last prune check
    long[] book = bookkeeping.value();
    if (book == null) {
      book = new long[2];
    }
    if (old == null) {
      book[0]++;
    }
    long now = ctx.timerService().currentProcessingTime();
    if (book[0] > maxItems || now - book[1] >= PRUNE_INTERVAL_MS) {
      book[1] = now;
      book[0] = prune(Math.max(newestTs.value() == null ? 0 : newestTs.value(), e.ts));
    }
    bookkeeping.update(book);

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

  /**
   * Drops the scores below a single unit event {@code itemScoreTtl} before {@code newest}, then, while more than
   * {@code maxItems} are left, the lowest. Returns the number kept.
   */
  private long prune(long newest) throws Exception {
    double floor = features.decay().add(ExponentialDecay.empty(), 1.0, newest - itemScoreTtl.toMilliseconds());
    List<Double> kept = new ArrayList<>();
    var it = itemScores.iterator();
    while (it.hasNext()) {
      double v = it.next().getValue();
      if (v < floor) {
        it.remove();
        pruned.inc();
      } else {
        kept.add(v);
      }
    }
    if (kept.size() <= maxItems) {
      return kept.size();
    }
    // Over the bound: keep the maxItems best (ties at the cut all go, so the bound holds).
    kept.sort(null);
    double cut = kept.get(kept.size() - maxItems);
    long left = 0;
    it = itemScores.iterator();
    while (it.hasNext()) {
      if (it.next().getValue() <= cut) {
        it.remove();
        pruned.inc();
      } else {
        left++;
      }
    }
    return left;
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
