package io.streamrec.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.ItemOp;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.RecRequest;
import io.streamrec.core.contract.RecResponse;
import io.streamrec.core.contract.Topics;
import io.streamrec.jobs.feature.FeatureJob;
import io.streamrec.jobs.index.IndexJob;
import io.streamrec.jobs.serving.ServingJob;
import io.streamrec.jobs.traininglog.TrainingLogJob;
import io.streamrec.runtime.FlinkRestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The path a user takes with their own cluster: a standalone session cluster (JobManager and TaskManager
 * processes), the shaded job jars uploaded and run over REST, and a request answered through Kafka.
 */
class StandaloneSubmissionITCase {

  @TempDir Path workDir;

  @Test
  void shadedJobJarsUploadedOverRestRunAndAnswerARequest() throws Exception {
    try (LocalStack stack = LocalStack.start(BuildInfo.load(),
            new LocalStack.Settings(LocalStack.Mode.STANDALONE, workDir, 0, 0, "", Duration.ofMinutes(3)),
            Progress.silent());
        RecClient client = new RecClient(stack.bootstrapServers(), "")) {

      FlinkRestClient rest = new FlinkRestClient(stack.webUrl());
      assertThat(rest.jobsOverview()).extracting(FlinkRestClient.JobSummary::name)
          .containsExactlyInAnyOrder(FeatureJob.NAME, IndexJob.NAME, ServingJob.NAME, TrainingLogJob.NAME);
      assertThat(rest.jobsOverview()).extracting(FlinkRestClient.JobSummary::state).containsOnly("RUNNING");

      RecRequest request = RecRequest.of("standalone-1", "user-1", System.currentTimeMillis(), 5);
      request.deadlineMs = 2_000;
      RecResponse response = client.request(request).get(90, TimeUnit.SECONDS).response();
      assertThat(response.requestId()).isEqualTo("standalone-1");
      assertThat(response.userId()).isEqualTo("user-1");
      assertThat(response.error()).isNull();
      // Nothing was bought yet, so the pipeline answers honestly that it has nothing to recommend.
      assertThat(response.degraded()).isTrue();
      assertThat(response.reason()).startsWith("nothing to recommend yet");

      // The two jobs run in separate user-code class loaders; they share the embedded store only because the
      // cluster loads udfs-core itself (flink-conf.yaml: classloader.parent-first-patterns.additional).
      long now = System.currentTimeMillis();
      Item item7 = new Item();
      item7.itemId = "item-7";
      item7.op = ItemOp.UPSERT;
      item7.title = "enamel mug";
      item7.category = "mugs";
      item7.tags = new String[0];
      item7.price = 4.5;
      item7.inStock = true;
      item7.regions = new String[0];
      item7.ts = now;
      client.send(Topics.ITEMS, "item-7", item7);
      client.send(Topics.INTERACTIONS, "buyer",
          Interaction.of("e-1", "buyer", "item-7", InteractionType.PURCHASE, now).withRegion("UK"));
      client.flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      RecResponse served;
      int attempt = 0;
      do {
        RecRequest r = RecRequest.of("standalone-2-" + attempt++, "user-1", now, 5);
        r.deadlineMs = 2_000;
        r.region = "UK";
        served = client.request(r).get(30, TimeUnit.SECONDS).response();
        if (!served.items().isEmpty()) {
          break;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
      } while (System.nanoTime() < deadline);
      assertThat(served.items()).extracting(RecResponse.RecItem::itemId).containsExactly("item-7");
      assertThat(served.degraded()).isFalse();
    }
  }
}
