package io.streamrec.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtSession;
import io.streamrec.core.model.ModelManifest;
import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.model.RankerFeatures;
import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.datasets.OnlineRetailDataset;
import io.streamrec.datasets.eval.InteractionLog;
import io.streamrec.onnx.OnnxModels;
import io.streamrec.trainer.ranker.RankerTrainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole training run on a slice of the bundled data, small enough for CI: train, export, reload, evaluate. */
class TrainingRunTest {

  @TempDir Path models;

  @Test
  void trainsExportsAndEvaluatesOnASliceOfTheData() throws Exception {
    InteractionLog log = InteractionLog.of(OnlineRetailDataset.load(OnlineRetailDataset.defaultDir())).head(40_000);
    TrainingRun.Settings defaults = TrainingRun.Settings.defaults("vtest");
    TrainingRun.Settings settings = new TrainingRun.Settings("vtest",
        defaults.towers().withEpochs(1).withMaxSeconds(15), new RankerTrainer.Config(20, 3, 0.1, 0.8, 0.8, 1, 7, 2),
        new RankerTrainer.Config(5, 2, 0.3, 0.8, 0.8, 1, 7, 2), 30, 14, 14);
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    ModelRegistry registry = new ModelRegistry(models);
    TrainingRun.Outcome outcome =
        new TrainingRun(log, settings, new PrintStream(progress, true, StandardCharsets.UTF_8)).run(registry);

    for (String model : List.of(ModelRegistry.TWO_TOWER_ITEM, ModelRegistry.TWO_TOWER_USER, ModelRegistry.RANKER,
        ModelRegistry.FIRST_STAGE)) {
      assertThat(registry.currentVersion(model)).isEqualTo("vtest");
      ModelManifest manifest = registry.currentManifest(model);
      assertThat(manifest.trainingData()).contains("events=40000");
      assertThat(registry.currentDir(model).resolve("MODEL_CARD.md")).exists();
    }
    assertThat(registry.currentManifest(ModelRegistry.RANKER).features()).isEqualTo(RankerFeatures.NAMES);
    assertThat(registry.currentManifest(ModelRegistry.FIRST_STAGE).features()).isEqualTo(RankerFeatures.NAMES);
    assertThat(registry.currentManifest(ModelRegistry.FIRST_STAGE).sha256())
        .isNotEqualTo(registry.currentManifest(ModelRegistry.RANKER).sha256());

    // The exported item tower computes what the trained weights compute.
    List<TwoTowerInputs.ItemInput> items = new ArrayList<>(log.catalog().values()).subList(0, 50);
    float[][] expected = TwoTowerReference.itemVectors(outcome.towersB().weights(), TwoTowerInputs.itemBatch(items));
    try (OrtSession tower = OnnxModels.load(registry.currentDir(ModelRegistry.TWO_TOWER_ITEM)
        .resolve(ModelManifest.MODEL_FILE))) {
      float[][] actual = OnnxModels.itemVectors(tower, TwoTowerInputs.itemBatch(items));
      for (int r = 0; r < items.size(); r++) {
        for (int j = 0; j < expected[r].length; j++) {
          assertThat(actual[r][j]).isCloseTo(expected[r][j], within(1e-5f));
        }
      }
    }

    ByteArrayOutputStream report = new ByteArrayOutputStream();
    TrainerMain.evaluate(log, registry, 20, new PrintStream(report, true, StandardCharsets.UTF_8));
    List<String> evalLines = report.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("EVAL ")).toList();
    assertThat(evalLines).extracting(l -> l.split(" ")[2])
        .containsExactly("popularity", "region-popularity", "item-knn", "two-tower", "two-tower+ranker");
    assertThat(evalLines).allMatch(l -> l.matches(
        "EVAL online-retail \\S+ recall@20=[0-9.]+ ndcg@20=[0-9.]+ hit@20=[0-9.]+ coverage=[0-9.]+"));
  }
}
