package io.streamrec.onnx;

import static io.streamrec.onnx.ItemTowerTest.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.model.TwoTowerInputs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UserTowerTest {
  private static UserTower tower;

  @BeforeAll
  static void open() {
    tower = UserTower.open(TestModels.committed(), "v1");
  }

  @AfterAll
  static void close() {
    tower.close();
  }

  @Test
  void v1HasTheManifestsVersionAndDimension() {
    assertThat(tower.version()).isEqualTo("v1");
    assertThat(tower.dimension()).isEqualTo(32);
  }

  @Test
  void vectorsAre32dAndL2Normalised() {
    List<TwoTowerInputs.UserInput> users = new ArrayList<>(TestModels.users(11, 60));
    users.add(new TwoTowerInputs.UserInput(List.of(), null, null));
    float[][] v = tower.embed(users);
    assertThat(v).hasNumberOfRows(users.size());
    for (float[] row : v) {
      assertThat(row).hasSize(32);
      assertThat(TestModels.norm(row)).isCloseTo(1.0, within(1e-4));
    }
  }

  @Test
  void aBatchEqualsOneByOne() {
    List<TwoTowerInputs.UserInput> users = TestModels.users(12, 48);
    float[][] batch = tower.embed(users);
    for (int i = 0; i < users.size(); i++) {
      assertClose(batch[i], tower.embed(List.of(users.get(i)))[0], 1e-5f);
    }
  }

  @Test
  void theSameUserAlwaysGivesTheSameVector() {
    TwoTowerInputs.UserInput user = new TwoTowerInputs.UserInput(List.of("22423", "85099B", "47566"),
        "United Kingdom", 37);
    float[] first = tower.embed(List.of(user))[0];
    List<TwoTowerInputs.UserInput> mixed = new ArrayList<>(TestModels.users(13, 9));
    mixed.add(3, new TwoTowerInputs.UserInput(List.of("22423", "85099B", "47566"), "United Kingdom", 37));
    assertClose(tower.embed(mixed)[3], first, 1e-5f);
    assertThat(tower.embed(List.of(user))[0]).containsExactly(first);
  }

  @Test
  void historyAndProfileChangeTheVector() {
    float[][] v = tower.embed(List.of(
        new TwoTowerInputs.UserInput(List.of("22423"), "France", 30),
        new TwoTowerInputs.UserInput(List.of("85099B"), "France", 30)));
    assertThat(Arrays.equals(v[0], v[1])).isFalse();
  }

  @Test
  void onlyTheNewest20ItemsCount() {
    List<String> history = TestModels.items(14, 25).stream().map(TwoTowerInputs.ItemInput::itemId).toList();
    float[][] v = tower.embed(List.of(
        new TwoTowerInputs.UserInput(history, "EIRE", 50),
        new TwoTowerInputs.UserInput(history.subList(0, TwoTowerInputs.MAX_RECENT), "EIRE", 50)));
    assertClose(v[0], v[1], 1e-6f);
  }

  @Test
  void anEmptyListGivesAnEmptyResult() {
    assertThat(tower.embed(List.of())).isEmpty();
  }

  @Test
  void openCurrentOpensTheVersionCurrentPointsAt() {
    ModelRegistry registry = TestModels.committed();
    try (UserTower current = UserTower.openCurrent(registry)) {
      assertThat(current.version()).isEqualTo(registry.currentVersion(ModelRegistry.TWO_TOWER_USER));
      assertThat(current.dimension()).isEqualTo(current.manifest().embeddingDim());
    }
  }
}
