package io.streamrec.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.core.contract.Item;
import io.streamrec.core.index.Generation;
import io.streamrec.core.index.IndexWrite;
import io.streamrec.core.index.IndexWriteOutcome;
import io.streamrec.core.index.ItemAttributes;
import io.streamrec.core.synthetic.SyntheticEvents;
import io.streamrec.index.lucene.LuceneVectorIndex;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The index benchmark's pure parts: the live load of item changes, the visibility probe and the BENCH line. */
class IndexIngestBenchmarkTest {

  private static List<Item> catalog(int n) {
    return new SyntheticEvents(new SyntheticEvents.Spec(7, 1, n, 0, 1_000_000L, 1, 0, 0.0, 5,
        List.of("UK", "FR"), "")).items();
  }

  @Test
  void everySampledChangeHasItsOwnItemAndAMarkerCategoryAndEveryChangeIsNewToTheTower() {
    List<Item> catalog = catalog(1_000);
    String firstTitle = catalog.get(0).title;
    ItemUpdates u = new ItemUpdates(catalog, 3_000, 10, 1);
    assertThat(u.sampleEvery()).isEqualTo(10);
    assertThat(u.probes()).isEqualTo(300);

    Map<String, Item> latest = new HashMap<>();
    catalog.forEach(i -> latest.put(i.itemId, i));
    Set<String> probed = new HashSet<>();
    Set<String> others = new HashSet<>();
    for (long k = 0; k < 3_000; k++) {
      Item next = u.update(k, 5_000_000L + k);
      Item held = latest.get(next.itemId);
      assertThat(next.ts).isEqualTo(5_000_000L + k);
      // what the item tower reads changes with every event: a new title (and for samples a new category)
      assertThat(next.title).isNotEqualTo(held.title);
      assertThat(next.price).isEqualTo(held.price);
      if (u.sampled(k)) {
        assertThat(next.category).isEqualTo(ItemUpdates.PROBE_CATEGORY);
        assertThat(probed.add(next.itemId)).as("a probe item changes once").isTrue();
      } else {
        assertThat(next.category).isNotEqualTo(ItemUpdates.PROBE_CATEGORY);
        others.add(next.itemId);
      }
      latest.put(next.itemId, next);
    }
    assertThat(probed).hasSize(300).doesNotContainAnyElementsOf(others);
    assertThat(others).hasSize(700); // 2,700 changes round robin over the 700 other items
    assertThat(catalog.get(0).title).isEqualTo(firstTitle); // the catalog itself is not modified
  }

  @Test
  void aSmallCatalogIsSampledLessOftenSoThatEachSampleKeepsItsOwnItem() {
    assertThat(ItemUpdates.effectiveSampleEvery(180_000, 100_000, 100)).isEqualTo(100);
    assertThat(ItemUpdates.effectiveSampleEvery(180_000, 1_000, 100)).isEqualTo(360);
    ItemUpdates u = new ItemUpdates(catalog(1_000), 180_000, 100, 1);
    assertThat(u.probes()).isLessThanOrEqualTo(500);
    assertThatThrownBy(() -> u.update(180_000, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ItemUpdates(catalog(1), 10, 1, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSampleIsVisibleOnceTheIndexSearcherHoldsTheVersionWithItsMarker() {
    LuceneVectorIndex index = LuceneVectorIndex.create();
    try {
      IndexVisibility visibility = new IndexVisibility(index);
      List<FreshnessProbe.Sample> samples = List.of(new FreshnessProbe.Sample("a", "probe"),
          new FreshnessProbe.Sample("b", "probe"));
      assertThat(visibility.visible(samples)).as("no generation yet").isEmpty();

      index.create(new Generation(1, "v1", 4));
      index.publish(1);
      assertThat(write(index, "a", "cat-1", 1)).isEqualTo(IndexWriteOutcome.APPLIED);
      assertThat(write(index, "b", "cat-1", 1)).isEqualTo(IndexWriteOutcome.APPLIED);
      assertThat(write(index, "c", "probe", 1)).isEqualTo(IndexWriteOutcome.APPLIED); // given up on earlier
      assertThat(visibility.visible(samples)).as("old versions lack the marker").isEmpty();

      write(index, "a", "probe", 2); // completes when searchable
      assertThat(visibility.visible(samples)).containsExactly(new FreshnessProbe.Sample("a", "probe"));
      // "a" was reported and is excluded from now on: the search returns the newly visible "b" only
      write(index, "b", "probe", 2);
      assertThat(visibility.visible(List.of(new FreshnessProbe.Sample("b", "probe"))))
          .containsExactly(new FreshnessProbe.Sample("b", "probe"));
      assertThat(visibility.searches()).isEqualTo(3);
    } finally {
      index.close();
    }
  }

  private static IndexWriteOutcome write(LuceneVectorIndex index, String id, String category, long version) {
    return index.writeNow(new IndexWrite.Upsert(1, id, new float[] {0.5f, 0.5f, 0.5f, 0.5f},
        new ItemAttributes(true, List.of(), 0, category, 10.0), version));
  }

  @Test
  void jvmInternalThreadsAreFoundByTheirOsNameAndTheirTicksRead() {
    JvmInternalCpu.Stat s = JvmInternalCpu.parseStat(
        "4242 (C2 CompilerThre) S 1 1 1 0 -1 1077936192 100 0 0 0 1234 56 0 0 20 0 40 0 900 0 0");
    assertThat(s.name()).isEqualTo("C2 CompilerThre");
    assertThat(s.ticks()).isEqualTo(1_290);
    assertThat(JvmInternalCpu.parseStat("7 (a (b) c) R 1 1 1 0 -1 0 0 0 0 0 3 4 0 0").ticks()).isEqualTo(7);
    assertThat(JvmInternalCpu.groupOf("C1 CompilerThre")).isEqualTo(JvmInternalCpu.JIT);
    assertThat(JvmInternalCpu.groupOf("GC Thread#1")).isEqualTo(JvmInternalCpu.GC);
    assertThat(JvmInternalCpu.groupOf("G1 Conc#0")).isEqualTo(JvmInternalCpu.GC);
    assertThat(JvmInternalCpu.groupOf("VM Thread")).isEqualTo(JvmInternalCpu.VM);
    assertThat(JvmInternalCpu.groupOf("item changes ->")).isNull();
    assertThat(JvmInternalCpu.snapshot().ticks()).containsKeys(JvmInternalCpu.JIT, JvmInternalCpu.GC);
  }

  @Test
  void theLastLineHasTheAgreedShape() {
    assertThat(IndexIngestBenchmark.line(6_123.4, 987.6))
        .isEqualTo("BENCH index-ingest upserts_per_s=6123 freshness_p99_ms=988");
    assertThat(BenchLine.named("index-ingest").with("n", 1).toString()).isEqualTo("BENCH index-ingest n=1");
    assertThatThrownBy(() -> BenchLine.named("index-")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BenchLine.named("Index-ingest")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BenchLine.named("f").with("a-b", 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
