package io.streamrec.launcher.bench;

import io.streamrec.core.index.Generation;
import io.streamrec.core.index.Hit;
import io.streamrec.core.index.IndexWrite;
import io.streamrec.core.index.IndexWriteOutcome;
import io.streamrec.core.index.ItemAttributes;
import io.streamrec.core.index.SearchFilter;
import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.core.synthetic.SyntheticEvents;
import io.streamrec.index.lucene.LuceneIndexSettings;
import io.streamrec.index.lucene.LuceneVectorIndex;
import io.streamrec.launcher.BuildInfo;
import io.streamrec.onnx.ItemTower;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The ANN benchmark of the embedded index: recall@k against an exact search and queries per second on one core,
 * without a filter and with a filter that keeps 10 % of the items.
 *
 * <p><b>Data.</b> {@code --source clustered} (default): {@code --vectors} unit vectors of {@code --dim} (100,000 ×
 * 64) drawn from a mixture of {@code --clusters} Gaussian clusters (centres N(0,1) per dimension, spread
 * {@code --noise}), the queries from the same mixture but not in the index. With noise 1.0 a Lucene graph of the
 * default shape reaches recall 0.92 at ef = k: the difficulty DESIGN §5 measured. {@code --source tower}: the
 * committed item tower run over a synthetic catalog (its dimension, 32), queries = item vectors with noise.
 *
 * <p><b>Index.</b> {@link LuceneVectorIndex} with the shipped {@link LuceneIndexSettings#defaults()} (or
 * {@code --m}/{@code --beam}), loaded through its normal write path and then compacted to one segment — the state
 * the compactor keeps a streaming index in. Every item is sold in one of 10 regions, so a region filter keeps 10 %.
 *
 * <p><b>Measurement.</b> One thread; each configuration runs the query set once to warm up, then once timed.
 * {@code qps_per_core} = queries / wall time of that thread (CPU time is printed beside it). Recall@k = |result ∩
 * exact top-k| / k, averaged over queries; the exact top-k is a brute-force scan over the same vectors and the same
 * filter. The BENCH line reports the shipped exploration factor; the table shows the trade-off.
 */
@Command(name = "ann", mixinStandardHelpOptions = true,
    description = "ANN recall and queries/s of the embedded Lucene index (see docs/benchmarks.md).")
public final class AnnBenchmark implements Callable<Integer> {

  @Option(names = "--source", description = "clustered | tower (default: ${DEFAULT-VALUE})")
  String source = "clustered";

  @Option(names = "--vectors", description = "indexed vectors (default: ${DEFAULT-VALUE})")
  int vectors = 100_000;

  @Option(names = "--dim", description = "dimension of clustered vectors (default: ${DEFAULT-VALUE})")
  int dim = 64;

  @Option(names = "--clusters", description = "mixture components (default: ${DEFAULT-VALUE})")
  int clusters = 1_000;

  @Option(names = "--noise", description = "spread of each cluster (default: ${DEFAULT-VALUE})")
  double noise = 1.0;

  @Option(names = "--queries", description = "timed queries per configuration (default: ${DEFAULT-VALUE})")
  int queries = 1_000;

  @Option(names = "--k", description = "results per query (default: ${DEFAULT-VALUE})")
  int k = 100;

  @Option(names = "--m", description = "HNSW links per node (default: the shipped setting)")
  Integer m;

  @Option(names = "--beam", description = "HNSW beam width at insert (default: the shipped setting)")
  Integer beam;

  @Option(names = "--ef-factors", split = ",",
      description = "graph exploration factors to tabulate (default: ${DEFAULT-VALUE})")
  List<Double> efFactors = List.of(1.0, 1.5, 2.0, 3.0);

  @Option(names = "--search", description = "how the compacted segment is searched: ivf (inverted-file lists) | "
      + "graph (HNSW) (default: the shipped setting)")
  String search;

  @Option(names = "--list-docs", description = "mean inverted-file list length (default: the shipped setting)")
  Integer listDocs;

  @Option(names = "--scan-factors", split = ",",
      description = "inverted-file scan factors to tabulate: documents scanned per result (default: ${DEFAULT-VALUE})")
  List<Double> scanFactors = List.of(10.0, 20.0, 40.0, 80.0);

  @Option(names = "--exact-filter-docs", description = "a filter leaving at most this many documents is answered "
      + "by an exact scan (default: the shipped setting)")
  Integer exactFilterDocs;

  @Option(names = "--seed", description = "random seed (default: ${DEFAULT-VALUE})")
  long seed = 42;

  @Option(names = "--work-dir", description = "where bin/streamrec-bench writes its log (default: ${DEFAULT-VALUE})")
  String workDir = ".streamrec-bench";

  private static final int REGIONS = 10;

  @Override
  public Integer call() throws Exception {
    LuceneIndexSettings settings = LuceneIndexSettings.defaults();
    if (m != null || beam != null) {
      settings = settings.withGraph(m != null ? m : settings.maxConn(), beam != null ? beam : settings.beamWidth(),
          settings.efFactor());
    }
    if (search != null && !search.equals("ivf") && !search.equals("graph")) {
      throw new IllegalArgumentException("--search must be ivf or graph, got " + search);
    }
    if ("graph".equals(search)) {
      settings = settings.withGraphSearch();
    } else if ("ivf".equals(search) || listDocs != null) {
      settings = settings.withIvf(listDocs != null ? listDocs : Math.max(1,
          LuceneIndexSettings.defaults().ivfListDocs()), settings.ivfScanFactor());
    }
    if (exactFilterDocs != null) {
      settings = settings.withExactThresholds(settings.exactLeafDocs(), exactFilterDocs);
    }
    boolean ivf = settings.ivfListDocs() > 0;
    System.out.printf(Locale.ROOT, "ANN benchmark: %s, %,d vectors, %,d queries, k=%d, M=%d, beam=%d, search %s%n",
        source, vectors, queries, k, settings.maxConn(), settings.beamWidth(),
        ivf ? "ivf (lists of ~" + settings.ivfListDocs() + ")" : "graph");
    System.out.printf(Locale.ROOT, "machine: %d cores (%s), java %s, heap %d MiB%n",
        Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20);

    float[][] data;
    float[][] qs;
    if (source.equals("clustered")) {
      Random r = new Random(seed);
      float[][] centres = new float[clusters][dim];
      for (float[] c : centres) {
        for (int i = 0; i < dim; i++) {
          c[i] = (float) r.nextGaussian();
        }
      }
      data = new float[vectors][];
      for (int i = 0; i < vectors; i++) {
        data[i] = sample(centres, r);
      }
      qs = new float[queries][];
      for (int i = 0; i < queries; i++) {
        qs[i] = sample(centres, r);
      }
    } else if (source.equals("tower")) {
      data = towerVectors();
      Random r = new Random(seed);
      qs = new float[queries][];
      for (int i = 0; i < queries; i++) {
        float[] v = data[r.nextInt(data.length)].clone();
        for (int d = 0; d < v.length; d++) {
          v[d] += (float) (0.1 * r.nextGaussian());
        }
        qs[i] = normalise(v);
      }
    } else {
      throw new IllegalArgumentException("--source must be clustered or tower, got " + source);
    }
    int dimension = data[0].length;

    SearchFilter tenPercent = new SearchFilter(false, "R3", Integer.MAX_VALUE, Set.of(), Set.of());
    System.out.printf(Locale.ROOT, "exact top-%d for %d queries (brute force) …%n", k, queries);
    List<Set<Integer>> truth = new ArrayList<>();
    List<Set<Integer>> filteredTruth = new ArrayList<>();
    for (float[] q : qs) {
      truth.add(exactTopK(data, q, k, -1));
      filteredTruth.add(exactTopK(data, q, k, 3));
    }

    try (LuceneVectorIndex index = LuceneVectorIndex.create(settings)) {
      index.create(new Generation(1, "bench", dimension));
      index.publish(1);
      long t0 = System.nanoTime();
      List<CompletableFuture<IndexWriteOutcome>> writes = new ArrayList<>();
      for (int i = 0; i < data.length; i++) {
        writes.add(index.write(new IndexWrite.Upsert(1, Integer.toString(i), data[i],
            new ItemAttributes(true, List.of("R" + (i % REGIONS)), 0, "c", 1.0), 1)));
        if (writes.size() == 10_000) {
          writes.forEach(CompletableFuture::join);
          writes.clear();
        }
      }
      writes.forEach(CompletableFuture::join);
      double loadS = (System.nanoTime() - t0) / 1e9;
      long t1 = System.nanoTime();
      index.compactNow();
      double compactS = (System.nanoTime() - t1) / 1e9;
      System.out.printf(Locale.ROOT, "indexed %,d vectors in %.1f s (%,.0f/s), compacted to %d segment(s) in %.1f s%n",
          data.length, loadS, data.length / loadS, index.stats().segments(), compactS);

      String effortName = ivf ? "scan" : "ef";
      System.out.printf(Locale.ROOT, "%n%-10s %-8s %10s %12s %12s%n", "filter", effortName, "recall@" + k,
          "queries/s", "cpu q/s");
      double shipped = ivf ? settings.ivfScanFactor() : settings.efFactor();
      Result shippedAll = null;
      Result shippedFiltered = null;
      for (double effort : ivf ? scanFactors : efFactors) {
        LuceneIndexSettings tuned = ivf ? settings.withIvf(settings.ivfListDocs(), effort)
            : settings.withEfFactor(effort);
        Result all = measure(index, qs, truth, SearchFilter.none(), tuned);
        Result filtered = measure(index, qs, filteredTruth, tenPercent, tuned);
        print("none", effort, all);
        print("10%", effort, filtered);
        if (effort == shipped) {
          shippedAll = all;
          shippedFiltered = filtered;
        }
      }
      if (shippedAll == null) {
        shippedAll = measure(index, qs, truth, SearchFilter.none(), settings);
        shippedFiltered = measure(index, qs, filteredTruth, tenPercent, settings);
        print("none", shipped, shippedAll);
        print("10%", shipped, shippedFiltered);
      }
      String how = ivf
          ? String.format(Locale.ROOT, "ivfScanFactor=%.0f (lists of ~%d documents scanned, best centroid first, "
              + "until they hold %d documents that pass the filter, for k=%d)", settings.ivfScanFactor(),
              settings.ivfListDocs(), (int) Math.ceil(k * settings.ivfScanFactor()), k)
          : String.format(Locale.ROOT, "efFactor=%.1f (graph search explores %d candidates for k=%d)",
              settings.efFactor(), (int) Math.ceil(k * settings.efFactor()), k);
      System.out.printf(Locale.ROOT, "%nshipped settings: %s; the 10%% filter is answered by %s%n", how,
          vectors / REGIONS <= settings.exactFilterDocs()
              ? "an exact scan of the region's documents (their vectors in blocks)"
              : ivf ? "an inverted-file search" : "a filtered graph search");
      System.out.println(BenchLine.named("ann")
          .withDecimals("recall_at_100", shippedAll.recall, 3)
          .withRounded("qps_per_core", shippedAll.qps)
          .withDecimals("filtered_recall_at_100", shippedFiltered.recall, 3)
          .withRounded("filtered_qps_per_core", shippedFiltered.qps));
    }
    return 0;
  }

  private record Result(double recall, double qps, double cpuQps) {}

  private static void print(String filter, double effort, Result r) {
    System.out.printf(Locale.ROOT, "%-10s %-8.1f %10.4f %12.0f %12.0f%n", filter, effort, r.recall, r.qps, r.cpuQps);
  }

  private Result measure(LuceneVectorIndex index, float[][] qs, List<Set<Integer>> truth, SearchFilter f,
      LuceneIndexSettings effort) {
    for (float[] q : qs) {
      index.search(q, k, f, effort.efFactor(), effort.ivfScanFactor()); // warm-up
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu0 = threads.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    List<List<Hit>> results = new ArrayList<>(qs.length);
    for (float[] q : qs) {
      results.add(index.search(q, k, f, effort.efFactor(), effort.ivfScanFactor()));
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
    double recall = 0;
    for (int i = 0; i < qs.length; i++) {
      Set<Integer> expected = truth.get(i);
      int hit = 0;
      for (Hit h : results.get(i)) {
        if (expected.contains(Integer.parseInt(h.itemId()))) {
          hit++;
        }
      }
      recall += expected.isEmpty() ? 1.0 : hit / (double) expected.size();
    }
    return new Result(recall / qs.length, qs.length / wall, qs.length / cpu);
  }

  /** Brute force: the ids of the k vectors with the largest inner product (only region {@code region} if ≥ 0). */
  private Set<Integer> exactTopK(float[][] data, float[] q, int k, int region) {
    float[] scores = new float[k];
    int[] ids = new int[k];
    int size = 0;
    for (int i = 0; i < data.length; i++) {
      if (region >= 0 && i % REGIONS != region) {
        continue;
      }
      float s = 0;
      float[] v = data[i];
      for (int d = 0; d < v.length; d++) {
        s += v[d] * q[d];
      }
      if (size < k) {
        scores[size] = s;
        ids[size++] = i;
      } else {
        int min = 0;
        for (int j = 1; j < k; j++) {
          if (scores[j] < scores[min]) {
            min = j;
          }
        }
        if (s > scores[min]) {
          scores[min] = s;
          ids[min] = i;
        }
      }
    }
    Set<Integer> out = new HashSet<>();
    for (int i = 0; i < size; i++) {
      out.add(ids[i]);
    }
    return out;
  }

  private float[] sample(float[][] centres, Random r) {
    float[] c = centres[r.nextInt(centres.length)];
    float[] x = new float[dim];
    for (int i = 0; i < dim; i++) {
      x[i] = c[i] + (float) (noise * r.nextGaussian());
    }
    return normalise(x);
  }

  private static float[] normalise(float[] x) {
    double n = 0;
    for (float v : x) {
      n += v * v;
    }
    float inv = (float) (1 / Math.sqrt(n));
    for (int i = 0; i < x.length; i++) {
      x[i] *= inv;
    }
    return x;
  }

  private float[][] towerVectors() {
    SyntheticEvents events = new SyntheticEvents(new SyntheticEvents.Spec(seed, 1, vectors, 0,
        System.currentTimeMillis(), 1, 0, 0, 200, List.of("UK", "DE", "FR"), ""));
    List<TwoTowerInputs.ItemInput> inputs = new ArrayList<>();
    events.items().forEach(i -> inputs.add(new TwoTowerInputs.ItemInput(i.itemId, i.title, i.category,
        i.price)));
    try (ItemTower tower = ItemTower.openCurrent(new ModelRegistry(BuildInfo.load().modelDir()))) {
      float[][] out = new float[inputs.size()][];
      for (int from = 0; from < inputs.size(); from += 512) {
        float[][] batch = tower.embed(inputs.subList(from, Math.min(inputs.size(), from + 512)));
        System.arraycopy(batch, 0, out, from, batch.length);
      }
      return out;
    }
  }

  private static String cpuModel() {
    try {
      return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim())
          .orElse("unknown CPU");
    } catch (java.io.IOException e) {
      return "unknown CPU";
    }
  }
}
