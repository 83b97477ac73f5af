package io.streamrec.jobs.index;

import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.ItemOp;
import io.streamrec.core.index.ItemAttributes;
import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.core.store.FeatureVersion;
import java.util.Objects;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by item id: keeps each item's newest catalog record and turns every change into commands for the live
 * generations (the active one and, during a roll-out, the one being built):
 *
 * <ul>
 *   <li>a new item, or a change to what the item tower reads (title, category, price bucket) → EMBED;
 *   <li>a change to filter attributes only (stock, regions, age, price within its bucket) → UPDATE_ATTRIBUTES, no
 *       tower run;
 *   <li>a delete → DELETE; an identical re-send → nothing (counted).
 * </ul>
 *
 * When a {@link ControlState} names a new generation to build, every item held in this task's keyed state is sent
 * to it (EMBED with the new model) and then a MARKER, so that the committer can publish the generation once every
 * task has sent its whole share. The rebuild runs inside one broadcast call, so a checkpoint holds either none or
 * all of it.
 *
 * <p>Metrics: {@code itemsEmbedded} (tower runs requested), {@code itemsAttributeOnly}, {@code itemsDeleted},
 * {@code itemsUnchanged}, {@code itemsOutOfOrder} (older than the held record, ignored), {@code rebuildItems}.
 */
final class ItemIndexFn extends KeyedBroadcastProcessFunction<String, Item, ControlState, IndexCommand> {
  private static final long serialVersionUID = 1L;

  static final MapStateDescriptor<String, ControlState> CONTROL =
      new MapStateDescriptor<>("index-control", Types.STRING, TypeInformation.of(ControlState.class));
  private static final String CONTROL_KEY = "control";
  static final ValueStateDescriptor<ItemRecord> ITEM =
      new ValueStateDescriptor<>("item", TypeInformation.of(ItemRecord.class));

  private transient ValueState<ItemRecord> state;
  private transient Counter embedded;
  private transient Counter attributeOnly;
  private transient Counter deleted;
  private transient Counter unchanged;
  private transient Counter outOfOrder;
  private transient Counter rebuildItems;

  @Override
  public void open(Configuration parameters) {
    state = getRuntimeContext().getState(ITEM);
    var group = getRuntimeContext().getMetricGroup();
    embedded = group.counter("itemsEmbedded");
    attributeOnly = group.counter("itemsAttributeOnly");
    deleted = group.counter("itemsDeleted");
    unchanged = group.counter("itemsUnchanged");
    outOfOrder = group.counter("itemsOutOfOrder");
    rebuildItems = group.counter("rebuildItems");
  }

  @Override
  public void processElement(Item item, ReadOnlyContext ctx, Collector<IndexCommand> out) throws Exception {
    ItemRecord held = state.value();
    long version;
    if (held == null) {
      version = FeatureVersion.of(item.ts, 0);
    } else {
      long heldTs = FeatureVersion.eventTime(held.version);
      if (item.ts < heldTs) {
        outOfOrder.inc();
        return;
      }
      long heldSeq = held.version & ((1L << FeatureVersion.SEQ_BITS) - 1);
      version = FeatureVersion.of(item.ts, FeatureVersion.nextSequence(heldTs, item.ts, heldSeq));
    }
    IndexCommand.Kind kind;
    if (item.op == ItemOp.DELETE) {
      kind = IndexCommand.Kind.DELETE;
      deleted.inc();
    } else if (held == null || held.deleted() || !sameTowerInputs(held.item, item)) {
      kind = IndexCommand.Kind.EMBED;
      embedded.inc();
    } else if (!ItemAttributes.of(held.item).equals(ItemAttributes.of(item))) {
      kind = IndexCommand.Kind.UPDATE_ATTRIBUTES;
      attributeOnly.inc();
    } else {
      unchanged.inc();
      state.update(new ItemRecord(item, held.version));
      return;
    }
    state.update(new ItemRecord(item, version));
    ControlState control = ctx.getBroadcastState(CONTROL).get(CONTROL_KEY);
    if (control == null) {
      return; // no generation yet: the first roll-out's rebuild sends this item from the state
    }
    if (control.activeGeneration > 0) {
      out.collect(IndexCommand.forItem(kind, control.activeGeneration, control.activeModel, item, version, false));
    }
    if (control.buildingGeneration > 0) {
      out.collect(IndexCommand.forItem(kind, control.buildingGeneration, control.buildingModel, item, version,
          false));
    }
  }

  @Override
  public void processBroadcastElement(ControlState control, Context ctx, Collector<IndexCommand> out)
      throws Exception {
    ControlState previous = ctx.getBroadcastState(CONTROL).get(CONTROL_KEY);
    ctx.getBroadcastState(CONTROL).put(CONTROL_KEY, control);
    long building = control.buildingGeneration;
    if (building == 0 || (previous != null && previous.buildingGeneration == building)) {
      return;
    }
    ctx.applyToKeyedState(ITEM, (key, itemState) -> {
      ItemRecord r = itemState.value();
      if (r != null && !r.deleted()) {
        rebuildItems.inc();
        out.collect(IndexCommand.forItem(IndexCommand.Kind.EMBED, building, control.buildingModel, r.item,
            r.version, true));
      }
    });
    out.collect(IndexCommand.marker(building, getRuntimeContext().getIndexOfThisSubtask(),
        getRuntimeContext().getNumberOfParallelSubtasks()));
  }

  /** True if the item tower would see the same input for both records. */
  static boolean sameTowerInputs(Item a, Item b) {
    return Objects.equals(a.itemId, b.itemId) && Objects.equals(a.title, b.title)
        && Objects.equals(a.category, b.category)
        && TwoTowerInputs.priceBucket(a.price) == TwoTowerInputs.priceBucket(b.price);
  }
}
