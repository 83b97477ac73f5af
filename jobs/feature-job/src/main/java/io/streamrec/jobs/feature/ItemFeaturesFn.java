package io.streamrec.jobs.feature;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.Item;
import io.streamrec.core.features.EnrichedInteraction;
import io.streamrec.core.features.FeatureReplay;
import io.streamrec.core.features.ItemFeatureState;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.time.Time;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by item id: the item's catalog record (from {@code items}) and its interaction statistics. Each
 * interaction leaves enriched with the item's category and price as they are now (for the user operator), and the
 * item's state is written to the store at most once per flush interval.
 *
 * <p>Metrics: {@code interactionsPerSecond_<type>} (meters), {@code lateEvents} (behind the watermark; still
 * counted while their time bucket is kept), {@code duplicateEvents}, {@code catalogUpdates}, {@code staleCatalog}, {@code expiredKeys} (items
 * whose state was dropped {@code stateTtl} after their last change; see {@link KeyTimers}).
 */
public final class ItemFeaturesFn
    extends KeyedCoProcessFunction<String, Item, Interaction, EnrichedInteraction> {
  private static final long serialVersionUID = 1L;

  /** Item states to write to the store. */
  public static final OutputTag<ItemFeatureState> ITEM_STATES =
      new OutputTag<>("item-states", FeatureStateTypes.ITEMS);
  /** An item's first appearance in the catalog, once per region it is sold in and once globally. */
  public static final OutputTag<RegionEvent> NEW_ITEMS =
      new OutputTag<>("new-items", TypeInformation.of(RegionEvent.class));

  private final long flushIntervalMs;
  private final Time stateTtl;
  private final RegionBound regions;

  private transient ValueState<ItemFeatureState> state;
  private transient ValueState<KeyTimers> timers;
  private transient Map<InteractionType, Counter> byType;
  private transient Counter late;
  private transient Counter duplicates;
  private transient Counter catalogUpdates;
  private transient Counter staleCatalog;
  private transient Counter expired;

  /**
   * @param flushIntervalMs write a changed item at most once per this many ms of processing time; 0 writes every
   *     change at once (bounded inputs in tests: processing-time timers do not fire after the input ends)
   */
  public ItemFeaturesFn(long flushIntervalMs, Time stateTtl) {
    this(flushIntervalMs, stateTtl, RegionBound.DEFAULT_MAX_REGIONS);
  }

  /** @param maxRegions the most distinct regions whose newest-items boards this subtask feeds (see RegionBound) */
  public ItemFeaturesFn(long flushIntervalMs, Time stateTtl, int maxRegions) {
    this.flushIntervalMs = flushIntervalMs;
    this.stateTtl = stateTtl;
    this.regions = new RegionBound(maxRegions);
  }

  @Override
  public void open(Configuration parameters) {
    state = getRuntimeContext().getState(new ValueStateDescriptor<>("item-features", FeatureStateTypes.ITEMS));
    timers = getRuntimeContext().getState(KeyTimers.descriptor());
    var group = getRuntimeContext().getMetricGroup();
    byType = new EnumMap<>(InteractionType.class);
    for (InteractionType t : InteractionType.values()) {
      Counter c = group.counter("interactions_" + t.wireName());
      group.meter("interactionsPerSecond_" + t.wireName(), new MeterView(c));
      byType.put(t, c);
    }
    late = group.counter("lateEvents");
    duplicates = group.counter("duplicateEvents");
    catalogUpdates = group.counter("catalogUpdates");
    staleCatalog = group.counter("staleCatalog");
    expired = group.counter("expiredKeys");
  }

  private ItemFeatureState current(String itemId) throws Exception {
    ItemFeatureState s = state.value();
    return s != null ? s : ItemFeatureState.empty(itemId);
  }

  @Override
  public void processElement1(Item item, Context ctx, Collector<EnrichedInteraction> out) throws Exception {
    ItemFeatureState s = current(item.itemId);
    boolean listed = s.view(item.ts).inCatalog();
    if (s.applyCatalog(item)) {
      catalogUpdates.inc();
      if (!listed && item.op == io.streamrec.core.contract.ItemOp.UPSERT) {
        ctx.output(NEW_ITEMS, RegionEvent.of(io.streamrec.core.contract.StoreLayout.GLOBAL_REGION, item.itemId, 1,
            item.ts));
        if (item.regions != null) {
          for (String region : item.regions) {
            if (regions.admit(region)) {
              ctx.output(NEW_ITEMS, RegionEvent.of(region, item.itemId, 1, item.ts));
            }
          }
        }
      }
    } else {
      staleCatalog.inc();
    }
    state.update(s);
    changed(s, ctx);
  }

  /** Writes now (flush interval 0) or arms the coalescing timer; (re)starts the key's expiry. */
  private void changed(ItemFeatureState s, Context ctx) throws Exception {
    if (flushIntervalMs == 0) {
      ctx.output(ITEM_STATES, s);
    }
    KeyTimers.changed(timers, ctx.timerService(), flushIntervalMs, stateTtl.toMilliseconds());
  }

  @Override
  public void processElement2(Interaction i, Context ctx, Collector<EnrichedInteraction> out) throws Exception {
    if (ctx.timestamp() != null && ctx.timestamp() < ctx.timerService().currentWatermark()) {
      late.inc(); // still applied: the time buckets keep late events as long as their bucket is in the ring
    }
    ItemFeatureState s = current(i.itemId);
    EnrichedInteraction enriched = FeatureReplay.enrich(s, i);
    if (!s.apply(i)) {
      duplicates.inc();
      return;
    }
    byType.get(i.type).inc();
    state.update(s);
    out.collect(enriched);
    changed(s, ctx);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<EnrichedInteraction> out) throws Exception {
    switch (KeyTimers.fire(timers, ctx.timerService(), timestamp, stateTtl.toMilliseconds())) {
      case FLUSH -> {
        ItemFeatureState s = state.value();
        if (s != null) {
          ctx.output(ITEM_STATES, s);
        }
      }
      case EXPIRE -> {
        state.clear();
        expired.inc();
      }
      case NOTHING -> { }
    }
  }
}
