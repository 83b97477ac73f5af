package io.streamrec.jobs.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.contract.Item;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which command each catalog change becomes, and what a roll-out sends. */
class ItemIndexFnTest {
  private KeyedBroadcastOperatorTestHarness<String, Item, ControlState, IndexCommand> harness;

  @BeforeEach
  void open() throws Exception {
    harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(new ItemIndexFn(), i -> i.itemId,
        Types.STRING, ItemIndexFn.CONTROL);
    harness.processBroadcastElement(ControlState.of(0, null, 1, "v1"), 0);
    harness.processBroadcastElement(ControlState.of(1, "v1", 0, null), 0);
    harness.getOutput().clear();
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private static Item mug(long ts, double price, boolean inStock) {
    return TestItems.item("mug", "white mug", "kitchen", price, inStock, List.of("UK"), 0, ts);
  }

  private List<IndexCommand> drain() {
    List<IndexCommand> out = harness.extractOutputValues();
    harness.getOutput().clear();
    return out;
  }

  @Test
  void aNewItemIsEmbeddedAnAttributeChangeIsNotAndARepeatIsIgnored() throws Exception {
    harness.processElement(mug(100, 3.0, true), 100);
    assertThat(drain()).extracting(c -> c.kind).containsExactly(IndexCommand.Kind.EMBED);

    harness.processElement(mug(200, 3.0, false), 200); // sold out
    List<IndexCommand> soldOut = drain();
    assertThat(soldOut).extracting(c -> c.kind).containsExactly(IndexCommand.Kind.UPDATE_ATTRIBUTES);
    assertThat(soldOut.get(0).item.inStock).isFalse();

    harness.processElement(mug(300, 3.1, false), 300); // same price bucket: still attributes only
    assertThat(drain()).extracting(c -> c.kind).containsExactly(IndexCommand.Kind.UPDATE_ATTRIBUTES);

    harness.processElement(mug(400, 3.1, false), 400); // identical re-send
    assertThat(drain()).isEmpty();

    harness.processElement(mug(500, 30.0, false), 500); // price bucket changes what the tower sees
    assertThat(drain()).extracting(c -> c.kind).containsExactly(IndexCommand.Kind.EMBED);
  }

  @Test
  void versionsIncreaseAndOlderChangesAreIgnored() throws Exception {
    harness.processElement(mug(100, 3.0, true), 100);
    harness.processElement(mug(100, 3.0, false), 100); // same event time: the sequence breaks the tie
    List<IndexCommand> out = drain();
    assertThat(out.get(1).version).isGreaterThan(out.get(0).version);

    harness.processElement(mug(50, 3.0, true), 50); // older than what is held
    assertThat(drain()).isEmpty();

    harness.processElement(TestItems.delete("mug", 150), 150);
    List<IndexCommand> deleted = drain();
    assertThat(deleted).extracting(c -> c.kind).containsExactly(IndexCommand.Kind.DELETE);
    assertThat(deleted.get(0).version).isGreaterThan(out.get(1).version);
  }

  @Test
  void duringARollOutChangesGoToBothGenerationsAndTheRebuildSendsEveryLiveItemThenAMarker() throws Exception {
    harness.processElement(mug(100, 3.0, true), 100);
    harness.processElement(TestItems.item("lamp", "lamp", "home", 9, true, List.of(), 0, 100), 100);
    harness.processElement(TestItems.item("gone", "x", "home", 9, true, List.of(), 0, 100), 100);
    harness.processElement(TestItems.delete("gone", 110), 110);
    drain();

    harness.processBroadcastElement(ControlState.of(1, "v1", 2, "v2"), 200);
    List<IndexCommand> rebuild = drain();
    assertThat(rebuild.subList(0, 2)).allSatisfy(c -> {
      assertThat(c.kind).isEqualTo(IndexCommand.Kind.EMBED);
      assertThat(c.generation).isEqualTo(2);
      assertThat(c.modelVersion).isEqualTo("v2");
      assertThat(c.rebuild).isTrue();
    }).extracting(c -> c.itemId).containsExactlyInAnyOrder("mug", "lamp");
    assertThat(rebuild).hasSize(3);
    assertThat(rebuild.get(2).kind).isEqualTo(IndexCommand.Kind.MARKER);
    assertThat(rebuild.get(2).generation).isEqualTo(2);

    harness.processBroadcastElement(ControlState.of(1, "v1", 2, "v2"), 210); // repeated: no second rebuild
    assertThat(drain()).isEmpty();

    harness.processElement(mug(300, 3.0, false), 300);
    assertThat(drain()).extracting(c -> c.generation).containsExactly(1L, 2L);
  }

  @Test
  void itemsSeenBeforeAnyGenerationExistsAreSentByTheFirstRebuild() throws Exception {
    harness.close();
    harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(new ItemIndexFn(), i -> i.itemId,
        Types.STRING, ItemIndexFn.CONTROL);
    harness.processElement(mug(100, 3.0, true), 100);
    assertThat(drain()).isEmpty();
    harness.processBroadcastElement(ControlState.of(0, null, 1, "v1"), 100);
    assertThat(drain()).extracting(c -> c.kind).containsExactly(IndexCommand.Kind.EMBED, IndexCommand.Kind.MARKER);
  }
}
