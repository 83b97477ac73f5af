package io.streamrec.trainer.twotower;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Training throughput of the default configuration (batch 512, embedding 32, hidden 64, output 32) on a synthetic
 * set of 100,000 examples over 5,000 items. Off by default; run with
 * {@code mvn -o -q -pl model-artifacts/trainer test -Dtest=TwoTowerThroughputBench -Dstreamrec.bench=true}.
 * Prints {@code BENCH two-tower-train examples_per_s=… rss_peak_mb=… heap_peak_mb=…} last (RSS includes the
 * touched pages of the ≈ 440 MB {@code libtorch_cpu.so}; the heap peak, summed over the heap pools, is mostly the
 * synthetic examples themselves).
 */
@EnabledIfSystemProperty(named = "streamrec.bench", matches = "true")
class TwoTowerThroughputBench {

  @Test
  void defaultConfigThroughput() throws Exception {
    long e0 = System.nanoTime();
    DjlPyTorch.engine();
    double engineSeconds = (System.nanoTime() - e0) / 1e9;
    SyntheticTwoTowerData data = new SyntheticTwoTowerData(50, 5_000, 10_000, 11, 1);
    TwoTowerConfig config = TwoTowerConfig.defaults().withEpochs(Integer.getInteger("bench.epochs", 3));
    long t0 = System.nanoTime();
    TwoTowerTrainer.Result r = new TwoTowerTrainer().train(data.train, data.validation, config);
    double total = (System.nanoTime() - t0) / 1e9;
    long heapMb = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heapMb += pool.getPeakUsage().getUsed() >> 20;
      }
    }
    String status = Files.readString(Path.of("/proc/self/status"));
    System.out.printf("two-tower bench: %d train examples, %d validation, %d epochs, %d steps, train %.1f s, total %.1f"
            + " s, losses %s, recall@10 %.4f (popularity %.4f) over %d items, threads %s, engine init %.1f s%n",
        data.train.size(), data.validation.size(), r.epochsCompleted(), r.steps(), r.trainSeconds(), total,
        r.epochLosses(), r.recallAt10(), r.popularityRecallAt10(), r.catalogSize(),
        System.getProperty("ai.djl.pytorch.num_threads"), engineSeconds);
    System.out.printf("BENCH two-tower-train examples_per_s=%.0f rss_peak_mb=%d heap_peak_mb=%d%n",
        r.examplesPerSecond(), kb(status, "VmHWM") >> 10, heapMb);
  }

  private static long kb(String status, String key) {
    for (String line : status.split("\n")) {
      if (line.startsWith(key + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
