package io.streamrec.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.model.TwoTowerInputs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ItemTowerTest {
  private static ItemTower tower;

  @BeforeAll
  static void open() {
    tower = ItemTower.open(TestModels.committed(), "v1");
  }

  @AfterAll
  static void close() {
    tower.close();
  }

  @Test
  void v1HasTheManifestsVersionAndDimension() {
    assertThat(tower.version()).isEqualTo("v1");
    assertThat(tower.dimension()).isEqualTo(32);
    assertThat(tower.manifest().embeddingDim()).isEqualTo(32);
  }

  @Test
  void vectorsAre32dAndL2Normalised() {
    List<TwoTowerInputs.ItemInput> items = new ArrayList<>(TestModels.items(1, 100));
    items.add(new TwoTowerInputs.ItemInput("", null, null, null));
    items.add(new TwoTowerInputs.ItemInput("85123A", "WHITE HANGING HEART T-LIGHT HOLDER", "candles", 2.55));
    float[][] v = tower.embed(items);
    assertThat(v).hasNumberOfRows(items.size());
    for (float[] row : v) {
      assertThat(row).hasSize(32);
      for (float x : row) {
        assertThat(Float.isFinite(x)).isTrue();
      }
      assertThat(TestModels.norm(row)).isCloseTo(1.0, within(1e-4));
    }
  }

  @Test
  void aBatchEqualsOneByOne() {
    List<TwoTowerInputs.ItemInput> items = TestModels.items(2, 64);
    float[][] batch = tower.embed(items);
    for (int i = 0; i < items.size(); i++) {
      float[] single = tower.embed(List.of(items.get(i)))[0];
      assertClose(batch[i], single, 1e-5f);
    }
  }

  @Test
  void theSameItemAlwaysGivesTheSameVector() {
    TwoTowerInputs.ItemInput item = new TwoTowerInputs.ItemInput("22423", "REGENCY CAKESTAND 3 TIER", "kitchen",
        12.75);
    TwoTowerInputs.ItemInput sameAgain = new TwoTowerInputs.ItemInput("22423", "REGENCY CAKESTAND 3 TIER",
        "kitchen", 12.75);
    float[] first = tower.embed(List.of(item))[0];
    List<TwoTowerInputs.ItemInput> mixed = new ArrayList<>(TestModels.items(3, 10));
    mixed.add(7, sameAgain);
    float[] inABatch = tower.embed(mixed)[7];
    float[] later = tower.embed(List.of(sameAgain))[0];
    assertClose(inABatch, first, 1e-5f);
    assertThat(later).containsExactly(first);
  }

  @Test
  void differentItemsGiveDifferentVectors() {
    float[][] v = tower.embed(List.of(
        new TwoTowerInputs.ItemInput("22423", "REGENCY CAKESTAND 3 TIER", "kitchen", 12.75),
        new TwoTowerInputs.ItemInput("85099B", "JUMBO BAG RED RETROSPOT", "bags", 2.08)));
    assertThat(Arrays.equals(v[0], v[1])).isFalse();
  }

  @Test
  void anEmptyListGivesAnEmptyResult() {
    assertThat(tower.embed(List.of())).isEmpty();
  }

  @Test
  void openCurrentOpensTheVersionCurrentPointsAt() {
    ModelRegistry registry = TestModels.committed();
    try (ItemTower current = ItemTower.openCurrent(registry)) {
      assertThat(current.version()).isEqualTo(registry.currentVersion(ModelRegistry.TWO_TOWER_ITEM));
      List<TwoTowerInputs.ItemInput> items = TestModels.items(4, 5);
      if (current.version().equals("v1")) {
        float[][] a = current.embed(items);
        float[][] b = tower.embed(items);
        for (int i = 0; i < items.size(); i++) {
          assertThat(a[i]).containsExactly(b[i]);
        }
      }
    }
  }

  @Test
  void concurrentCallsGiveTheSameVectorsAsOneCall() throws Exception {
    List<TwoTowerInputs.ItemInput> items = TestModels.items(5, 40);
    float[][] expected = tower.embed(items);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    float[][][] results = new float[4][][];
    for (int t = 0; t < 4; t++) {
      int k = t;
      threads.add(new Thread(() -> {
        try {
          for (int round = 0; round < 5; round++) {
            results[k] = tower.embed(items);
          }
        } catch (Throwable e) {
          errors.add(e);
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(60_000);
      assertThat(t.isAlive()).as("thread finished").isFalse();
    }
    assertThat(errors).isEmpty();
    for (float[][] r : results) {
      for (int i = 0; i < items.size(); i++) {
        assertThat(r[i]).containsExactly(expected[i]);
      }
    }
  }

  @Test
  void aClosedTowerRefusesToEmbed() {
    ItemTower other = ItemTower.open(TestModels.committed(), "v1");
    other.close();
    other.close();
    assertThatThrownBy(() -> other.embed(TestModels.items(6, 1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("two-tower-item v1 is closed");
  }

  @Test
  void anUnknownVersionFailsNamingTheDirectory() {
    ModelRegistry registry = TestModels.committed();
    assertThatThrownBy(() -> ItemTower.open(registry, "v999"))
        .isInstanceOf(ModelArtifactException.class)
        .hasMessageContaining("no version 'v999' of model 'two-tower-item'")
        .hasMessageContaining(registry.versionDir(ModelRegistry.TWO_TOWER_ITEM, "v999").toString());
  }

  static void assertClose(float[] actual, float[] expected, float tolerance) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).as("component %d", i).isCloseTo(expected[i], within(tolerance));
    }
  }
}
