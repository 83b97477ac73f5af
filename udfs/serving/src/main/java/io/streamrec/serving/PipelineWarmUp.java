package io.streamrec.serving;

import io.streamrec.core.contract.RecRequest;
import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.features.TrendingFeatures;
import io.streamrec.core.index.VectorIndex;
import io.streamrec.core.serving.Deadline;
import io.streamrec.core.store.FeatureRecord;
import io.streamrec.core.store.FeatureStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Synthetic requests through the whole pipeline before real ones arrive, so that the first real requests do not
 * pay for the JIT compiling the request path, the index's first searches and the first feature reads (a cold JVM
 * ran the first requests 10–50× slower than warm ones and missed their deadlines). Run on its own thread, once the
 * index has an active generation and the store a global trending list to take items from; the answers are
 * discarded and nothing is written anywhere.
 */
public final class PipelineWarmUp {
  private PipelineWarmUp() {}

  /**
   * Runs up to {@code requests} synthetic requests within {@code budget}, for users whose sessions hold trending
   * items (so ANN, item-to-item, filters and both ranking stages run). Returns how many ran: 0 when the index has
   * no active generation or the store no trending list yet.
   */
  public static int run(RecommendationPipeline pipeline, VectorIndex index, FeatureStore store, int requests,
      Duration budget) throws Exception {
    if (index.active().isEmpty()) {
      return 0;
    }
    Map<?, FeatureRecord> boards = store.readAll(List.of(TrendingFeatures.key(StoreLayout.GLOBAL_REGION)))
        .get(budget.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    FeatureRecord board = boards.get(TrendingFeatures.key(StoreLayout.GLOBAL_REGION));
    if (board == null) {
      return 0;
    }
    List<String> items = TrendingFeatures.TrendingList.fromRecord(StoreLayout.GLOBAL_REGION, board).items();
    if (items.isEmpty()) {
      return 0;
    }
    Random random = new Random(7);
    long end = System.nanoTime() + budget.toNanos();
    int done = 0;
    while (done < requests && System.nanoTime() < end) {
      RecRequest r = RecRequest.of("warm-up-" + done, "streamrec-warm-up-" + (done % 50), System.currentTimeMillis(),
          20);
      List<String> recent = List.of(items.get(random.nextInt(items.size())), items.get(random.nextInt(items.size())));
      pipeline.run(r, new RecommendationPipeline.Session(recent, Set.of(), Set.of(), null),
          Deadline.startingNow(1_000));
      done++;
    }
    return done;
  }
}
