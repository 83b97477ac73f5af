package io.streamrec.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.streamrec.core.model.ModelManifest;
import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.model.RankerFeatures;
import io.streamrec.datasets.OnlineRetailDataset;
import io.streamrec.onnx.OnnxModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The models committed under model-artifacts/ are what a fresh clone serves: each must be the file its manifest
 * describes (sha256), and ONNX Runtime must read exactly the tensors the manifest promises (names, types, shapes).
 */
class CommittedArtifactsTest {

  private static final ModelRegistry REGISTRY =
      new ModelRegistry(OnlineRetailDataset.defaultDir().getParent().getParent());

  @ParameterizedTest
  @ValueSource(strings = {ModelRegistry.TWO_TOWER_ITEM, ModelRegistry.TWO_TOWER_USER, ModelRegistry.RANKER,
      ModelRegistry.FIRST_STAGE})
  void theCurrentModelMatchesItsManifest(String model) throws Exception {
    Path dir = REGISTRY.currentDir(model);
    ModelManifest manifest = REGISTRY.currentManifest(model);
    byte[] onnx = Files.readAllBytes(dir.resolve(ModelManifest.MODEL_FILE));

    assertThat(manifest.name()).isEqualTo(model);
    assertThat(manifest.version()).isEqualTo(REGISTRY.currentVersion(model));
    assertThat(ArtifactWriter.sha256(onnx)).as("sha256 of %s/model.onnx", dir).isEqualTo(manifest.sha256());
    assertThat(dir.resolve("MODEL_CARD.md")).exists();

    try (OrtSession session = OnnxModels.load(onnx)) {
      assertThat(describe(session.getInputInfo())).isEqualTo(describe(manifest.inputs()));
      assertThat(describe(session.getOutputInfo())).isEqualTo(describe(manifest.outputs()));
    }
    if (model.equals(ModelRegistry.RANKER) || model.equals(ModelRegistry.FIRST_STAGE)) {
      assertThat(manifest.features()).isEqualTo(RankerFeatures.NAMES);
    } else {
      assertThat(manifest.embeddingDim()).isEqualTo(manifest.outputs().get(0).shape().get(1).intValue());
    }
  }

  private static List<String> describe(Map<String, NodeInfo> tensors) {
    List<String> out = new ArrayList<>();
    tensors.forEach((name, info) -> {
      TensorInfo t = (TensorInfo) info.getInfo();
      List<Long> shape = new ArrayList<>();
      for (long d : t.getShape()) {
        shape.add(d);
      }
      out.add(name + ":" + dtype(t) + ":" + shape);
    });
    out.sort(null);
    return out;
  }

  private static List<String> describe(List<ModelManifest.Tensor> tensors) {
    List<String> out = new ArrayList<>();
    tensors.forEach(t -> out.add(t.name() + ":" + t.dtype() + ":" + t.shape()));
    out.sort(null);
    return out;
  }

  private static String dtype(TensorInfo t) {
    return switch (t.type) {
      case FLOAT -> "float32";
      case INT64 -> "int64";
      default -> t.type.toString().toLowerCase();
    };
  }
}
