package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.model.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new current ranker is picked up without a restart; a broken one leaves the old one serving. */
class ServingModelsTest {

  private static void copyRanker(Path registry, String version) throws IOException {
    Path src = RecommendationPipelineTest.repoModels().resolve("ranker").resolve("v1");
    Path dst = Files.createDirectories(registry.resolve("ranker").resolve(version));
    Files.copy(src.resolve("model.onnx"), dst.resolve("model.onnx"));
    Files.writeString(dst.resolve("manifest.json"), Files.readString(src.resolve("manifest.json"))
        .replace("\"version\" : \"v1\"", "\"version\" : \"" + version + "\""));
  }

  private static void awaitVersion(ServingModels models, String version) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (models.ranker() == null || !models.ranker().version().equals(version)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("ranker " + version + " not loaded; have "
            + (models.ranker() == null ? "none" : models.ranker().version()));
      }
      Thread.sleep(10);
    }
  }

  @Test
  void aNewCurrentRankerIsLoadedWhileServingAndABrokenOneIsRefused(@TempDir Path root) throws Exception {
    copyRanker(root, "v1");
    Files.writeString(root.resolve("ranker").resolve("CURRENT"), "v1\n");
    try (ServingModels models = new ServingModels(new ModelRegistry(root), Duration.ofMillis(20))) {
      assertThat(models.ranker().version()).isEqualTo("v1");

      copyRanker(root, "v2");
      Files.writeString(root.resolve("ranker").resolve("CURRENT"), "v2\n");
      awaitVersion(models, "v2");

      // A version whose model does not match its manifest is not loaded: v2 keeps serving.
      copyRanker(root, "v3");
      Files.write(root.resolve("ranker").resolve("v3").resolve("model.onnx"), new byte[] {1, 2, 3});
      Files.writeString(root.resolve("ranker").resolve("CURRENT"), "v3\n");
      long failuresBefore = models.failedLoads();
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (models.failedLoads() <= failuresBefore && System.nanoTime() < end) {
        Thread.sleep(10);
      }
      assertThat(models.failedLoads()).isGreaterThan(failuresBefore);
      assertThat(models.ranker().version()).isEqualTo("v2");
    }
  }
}
