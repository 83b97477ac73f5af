package io.streamrec.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.core.model.ModelManifest;
import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.model.RankerFeatures;
import io.streamrec.core.model.TwoTowerInputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A copy of a committed v1 artifact opens; the same copy with its manifest changed in one way fails to open, with a
 * message that names the file and the mismatch.
 */
class ManifestCheckTest {
  private static final String ITEM = ModelRegistry.TWO_TOWER_ITEM;
  private static final String USER = ModelRegistry.TWO_TOWER_USER;
  private static final String RANKER = ModelRegistry.RANKER;

  @TempDir
  Path root;

  @Test
  void unchangedCopiesOpen() {
    try (ItemTower item = ItemTower.openCurrent(TestModels.copy(root, ITEM, "v1"));
        UserTower user = UserTower.openCurrent(TestModels.copy(root, USER, "v1"));
        Ranker ranker = Ranker.openCurrent(TestModels.copy(root, RANKER, "v1"))) {
      assertThat(item.embed(TestModels.items(31, 2))).hasNumberOfRows(2);
      assertThat(user.embed(TestModels.users(32, 2))).hasNumberOfRows(2);
      assertThat(ranker.score(RankerTest.rows(33, 2), 2)).hasSize(2);
    }
  }

  @Test
  void aRenamedInputTensorIsNamed() {
    ModelRegistry registry = TestModels.copy(root, ITEM, "v1");
    Path manifest = TestModels.editManifest(registry, ITEM, "v1", m -> TestModels.withInputs(m,
        TestModels.replace(m.inputs(), TwoTowerInputs.IN_TITLE_TOKENS,
            t -> new ModelManifest.Tensor("title_token_ids", t.dtype(), t.shape()))));
    assertThatThrownBy(() -> ItemTower.open(registry, "v1"))
        .isInstanceOf(ModelArtifactException.class)
        .hasMessageContaining(manifest.toString())
        .hasMessageContaining("the manifest declares input 'title_token_ids' but the model has no such input")
        .hasMessageContaining("the model has input 'title_tokens' (int64[-1, 8]) that the manifest does not "
            + "declare");
  }

  @Test
  void aRenamedOutputTensorIsNamed() {
    ModelRegistry registry = TestModels.copy(root, USER, "v1");
    TestModels.editManifest(registry, USER, "v1", m -> TestModels.withOutputs(m,
        TestModels.replace(m.outputs(), TwoTowerInputs.OUT_USER_VECTOR,
            t -> new ModelManifest.Tensor("query_vector", t.dtype(), t.shape()))));
    assertThatThrownBy(() -> UserTower.open(registry, "v1"))
        .isInstanceOf(ModelArtifactException.class)
        .hasMessageContaining("output 'query_vector' but the model has no such output")
        .hasMessageContaining("the model has output 'user_vector'");
  }

  @Test
  void aWrongElementTypeIsNamed() {
    ModelRegistry registry = TestModels.copy(root, ITEM, "v1");
    TestModels.editManifest(registry, ITEM, "v1", m -> TestModels.withInputs(m,
        TestModels.replace(m.inputs(), TwoTowerInputs.IN_TITLE_MASK,
            t -> new ModelManifest.Tensor(t.name(), "int64", t.shape()))));
    assertThatThrownBy(() -> ItemTower.open(registry, "v1"))
        .isInstanceOf(ModelArtifactException.class)
        .hasMessageContaining("input 'title_mask' is int64 in the manifest but float32 in the model");
  }

  @Test
  void aWrongShapeIsNamed() {
    ModelRegistry registry = TestModels.copy(root, USER, "v1");
    TestModels.editManifest(registry, USER, "v1", m -> TestModels.withInputs(m,
        TestModels.replace(m.inputs(), TwoTowerInputs.IN_RECENT_ITEMS,
            t -> new ModelManifest.Tensor(t.name(), t.dtype(), List.of(-1L, 50L)))));
    assertThatThrownBy(() -> UserTower.open(registry, "v1"))
        .isInstanceOf(ModelArtifactException.class)
        .hasMessageContaining("input 'recent_items' has shape [-1, 50] in the manifest but [-1, 20] in the model");
  }

  @Test
  void aMissingTensorIsNamed() {
    ModelRegistry registry = TestModels.copy(root, ITEM, "v1");
    TestModels.editManifest(registry, ITEM, "v1", m -> TestModels.withInputs(m,
        m.inputs().stream().filter(t -> !t.name().equals(TwoTowerInputs.IN_PRICE_BUCKET)).toList()));
    assertThatThrownBy(() -> ItemTower.open(registry, "v1"))
        .isInstanceOf(ModelArtifactException.class)
        .hasMessageContaining("the model has input 'price_bucket' (int64[-1]) that the manifest does not declare");
  }

  @Test
  void aWrongSha256IsNamed() {
    ModelRegistry registry = TestModels.copy(root, RANKER, "v1");
    String wrong = "0".repeat(64);
    Path manifest = TestModels.editManifest(registry, RANKER, "v1", m -> TestModels.withSha256(m, wrong));
    Path model = registry.versionDir(RANKER, "v1").resolve(ModelManifest.MODEL_FILE);
    assertThatThrownBy(() -> Ranker.open(registry, "v1"))
        .isInstanceOf(ModelArtifactException.class)
        .hasMessageContaining(model + " is not the file its manifest describes")
        .hasMessageContaining("but " + manifest + " declares sha256 " + wrong);
  }

  @Test
  void aChangedModelFileFailsItsSha256() throws Exception {
    ModelRegistry registry = TestModels.copy(root, ITEM, "v1");
    Path model = registry.versionDir(ITEM, "v1").resolve(ModelManifest.MODEL_FILE);
    byte[] bytes = Files.readAllBytes(model);
    bytes[bytes.length / 2] ^= 1;
    Files.write(model, bytes);
    assertThatThrownBy(() -> ItemTower.open(registry, "v1"))
        .isInstanceOf(ModelArtifactException.class)
        .hasMessageContaining(model + " is not the file its manifest describes: its sha256 is ");
  }

  @Test
  void reorderedFeaturesAreNamed() {
    ModelRegistry registry = TestModels.copy(root, RANKER, "v1");
    List<String> swapped = new ArrayList<>(RankerFeatures.NAMES);
    Collections.swap(swapped, 3, 4);
    Path manifest = TestModels.editManifest(registry, RANKER, "v1", m -> TestModels.withFeatures(m, swapped));
    assertThatThrownBy(() -> Ranker.open(registry, "v1"))
        .isInstanceOf(ModelArtifactException.class)
        .hasMessageContaining(manifest + ": the ranker's feature list is not the one RankerFeatures writes")
        .hasMessageContaining("first difference at position 3: 'user_views_7d' in the manifest, 'user_clicks_7d' "
            + "in RankerFeatures");
  }

  @Test
  void aMissingOrUnknownFeatureIsNamed() {
    ModelRegistry registry = TestModels.copy(root, RANKER, "v1");
    List<String> changed = new ArrayList<>(RankerFeatures.NAMES);
    changed.remove("item_ctr");
    changed.add("item_margin");
    TestModels.editManifest(registry, RANKER, "v1", m -> TestModels.withFeatures(m, changed));
    assertThatThrownBy(() -> Ranker.open(registry, "v1"))
        .isInstanceOf(ModelArtifactException.class)
        .hasMessageContaining("missing [item_ctr]")
        .hasMessageContaining("unknown [item_margin]");
  }

  @Test
  void aShorterFeatureListIsNamed() {
    ModelRegistry registry = TestModels.copy(root, RANKER, "v1");
    TestModels.editManifest(registry, RANKER, "v1",
        m -> TestModels.withFeatures(m, RankerFeatures.NAMES.subList(0, 24)));
    assertThatThrownBy(() -> Ranker.open(registry, "v1"))
        .isInstanceOf(ModelArtifactException.class)
        .hasMessageContaining("the manifest lists 24 features, RankerFeatures has 25")
        .hasMessageContaining("missing [cross_in_recent_items]");
  }

  @Test
  void anEmbeddingDimThatIsNotTheOutputsIsNamed() {
    ModelRegistry registry = TestModels.copy(root, ITEM, "v1");
    Path manifest = TestModels.editManifest(registry, ITEM, "v1", m -> TestModels.withEmbeddingDim(m, 64));
    assertThatThrownBy(() -> ItemTower.open(registry, "v1"))
        .isInstanceOf(ModelArtifactException.class)
        .hasMessageContaining(manifest + " does not declare what the item tower feeds and reads")
        .hasMessageContaining("output 'item_vector' has shape [-1, 64] in the item tower but [-1, 32] in the "
            + "manifest");
  }

  @Test
  void aMissingEmbeddingDimIsNamed() {
    ModelRegistry registry = TestModels.copy(root, USER, "v1");
    TestModels.editManifest(registry, USER, "v1", m -> TestModels.withEmbeddingDim(m, null));
    assertThatThrownBy(() -> UserTower.open(registry, "v1"))
        .isInstanceOf(ModelArtifactException.class)
        .hasMessageContaining("has no valid embedding_dim (null)");
  }

  @Test
  void aManifestOfAnotherModelIsNamed() throws Exception {
    ModelRegistry registry = TestModels.copy(root, USER, "v1");
    Path manifest = registry.versionDir(USER, "v1").resolve(ModelManifest.MANIFEST_FILE);
    Files.copy(TestModels.committed().versionDir(ITEM, "v1").resolve(ModelManifest.MANIFEST_FILE), manifest,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> UserTower.open(registry, "v1"))
        .isInstanceOf(ModelArtifactException.class)
        .hasMessageContaining(manifest + " does not describe two-tower-user v1: name is 'two-tower-item', "
            + "expected 'two-tower-user'");
  }

  @Test
  void aMissingModelFileIsNamed() throws Exception {
    ModelRegistry registry = TestModels.copy(root, RANKER, "v1");
    Path model = registry.versionDir(RANKER, "v1").resolve(ModelManifest.MODEL_FILE);
    Files.delete(model);
    assertThatThrownBy(() -> Ranker.open(registry, "v1"))
        .isInstanceOf(ModelArtifactException.class)
        .hasMessageContaining("has no model file: " + model + " does not exist");
  }

  @Test
  void anUnreadableManifestIsNamed() throws Exception {
    ModelRegistry registry = TestModels.copy(root, ITEM, "v1");
    Path manifest = registry.versionDir(ITEM, "v1").resolve(ModelManifest.MANIFEST_FILE);
    Files.writeString(manifest, "{ \"name\": ");
    assertThatThrownBy(() -> ItemTower.open(registry, "v1"))
        .isInstanceOf(ModelArtifactException.class)
        .hasMessageContaining("cannot read model manifest " + manifest);
  }
}
