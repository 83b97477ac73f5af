package io.streamrec.trainer.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.streamrec.onnx.OnnxModels;
import io.streamrec.trainer.onnx.OnnxModelInfo;
import io.streamrec.trainer.onnx.XgboostOnnx;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * How long does the ranker take per request on one core? Trains an XGBoost model of the size DESIGN §6 talks
 * about (300 trees, depth 6, 40 features, binary:logistic), converts it with {@link XgboostOnnx}, checks that both
 * give the same margins, then scores the same {@code rows × 40} matrix (10 % missing) again and again on one thread
 * with
 *
 * <ul>
 *   <li>ONNX Runtime 1.28 on the converted model, in several honest configurations (session options, how the input
 *       reaches ORT), and
 *   <li>xgboost4j 3.0.4's own prediction with {@code nthread=1} ({@code DMatrix} + {@code predict}, and
 *       {@code inplace_predict}),
 * </ul>
 *
 * each warmed up, then timed per call with {@code System.nanoTime} (sorted latencies; HdrHistogram is not on the
 * trainer's classpath). Every configuration starts from the same row-major {@code float[]} and ends with the
 * margins in a {@code float[]}, so copies and allocations count. The fastest configuration of each side (by p50)
 * goes on the last line:
 *
 * <pre>BENCH ranker rows=300 ort_p50_ms=… ort_p99_ms=… xgb_p50_ms=… ratio=…</pre>
 *
 * Run from the repository root, after {@code mvn -o -q -pl model-artifacts/trainer install -DskipTests}, either
 * inside Maven's JVM:
 *
 * <pre>
 * mvn -o -q -pl model-artifacts/trainer exec:java -Dexec.mainClass=io.streamrec.trainer.bench.RankerBenchmark \
 *     -Dexec.classpathScope=compile [-Dexec.args="--iterations 3000"]
 * </pre>
 *
 * or in a JVM of its own (cleaner numbers, and the output really ends with the BENCH line: Debian's Maven 3.8
 * prints an ANSI reset {@code ESC[0m} without a newline after the program's output, even with {@code -B}):
 *
 * <pre>
 * mvn -o -q -pl model-artifacts/trainer dependency:build-classpath -Dmdep.includeScope=runtime \
 *     -Dmdep.outputFile=target/bench.classpath
 * java -cp model-artifacts/trainer/target/classes:$(cat model-artifacts/trainer/target/bench.classpath) \
 *     io.streamrec.trainer.bench.RankerBenchmark
 * </pre>
 *
 * xgboost4j needs the Debian package {@code libgomp1} (installed here). DJL is not used, so
 * {@code -Dai.djl.offline} does not matter. About 1.5 minutes on a quiet 2-core machine.
 */
@Command(name = "ranker-benchmark", mixinStandardHelpOptions = true,
    description = "Single-thread latency of the XGBoost ranker: ONNX Runtime vs xgboost4j.")
public final class RankerBenchmark implements Callable<Integer> {
  @Option(names = "--rows", description = "candidates scored per call (default ${DEFAULT-VALUE})")
  int rows = 300;

  @Option(names = "--features", description = "features per candidate (default ${DEFAULT-VALUE})")
  int features = 40;

  @Option(names = "--trees", description = "boosting rounds (default ${DEFAULT-VALUE})")
  int trees = 300;

  @Option(names = "--depth", description = "max tree depth (default ${DEFAULT-VALUE})")
  int depth = 6;

  @Option(names = "--train-rows", description = "training rows (default ${DEFAULT-VALUE})")
  int trainRows = 20_000;

  @Option(names = "--warmup", description = "untimed calls per configuration (default ${DEFAULT-VALUE})")
  int warmup = 500;

  @Option(names = "--iterations", description = "timed calls per configuration (default ${DEFAULT-VALUE})")
  int iterations = 2_000;

  @Option(names = "--save-model", description = "write the converted ONNX model here (optional)")
  Path saveModel;

  /** Keeps the JIT from discarding results. */
  private double sink;

  public static void main(String[] args) {
    int code = new CommandLine(new RankerBenchmark()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** One timed configuration: scores {@code x} into {@code out}. */
  private interface Scorer {
    void score(float[] x, float[] out) throws Exception;
  }

  private record Timing(String side, String name, boolean eligible, double p50, double p99, double mean) {}

  @Override
  public Integer call() throws Exception {
    printMachine();
    Random rnd = new Random(20261123L);

    // ---- train
    float[] trainX = features(rnd, trainRows, features, 0.1);
    float[] labels = labels(rnd, trainX, trainRows, features);
    long t0 = System.nanoTime();
    Booster booster;
    DMatrix train = new DMatrix(trainX, trainRows, features, Float.NaN);
    try {
      train.setLabel(labels);
      Map<String, Object> params = new HashMap<>();
      params.put("objective", "binary:logistic");
      params.put("max_depth", depth);
      params.put("eta", 0.1);
      params.put("min_child_weight", 1);
      params.put("subsample", 0.8);
      params.put("colsample_bytree", 0.8);
      params.put("nthread", 2);
      params.put("seed", 11);
      params.put("verbosity", 0);
      booster = XGBoost.train(train, params, trees, new HashMap<>(), null, null);
    } finally {
      train.dispose();
    }
    booster.setParam("nthread", 1);
    String json = new String(booster.toByteArray("json"), StandardCharsets.UTF_8);
    XgboostOnnx.XgboostModel parsed = XgboostOnnx.parse(json);
    int nodes = parsed.trees().stream().mapToInt(XgboostOnnx.Tree::numNodes).sum();
    System.out.printf(Locale.ROOT, "model: %d trees, depth <= %d, %d nodes (%.1f leaves/tree), %d features, "
            + "trained on %d rows in %.1f s%n", parsed.trees().size(), depth, nodes,
        (nodes + parsed.trees().size()) / 2.0 / parsed.trees().size(), features, trainRows,
        (System.nanoTime() - t0) / 1e9);
    byte[] onnx = XgboostOnnx.convert(json, features, "features", "margin",
        OnnxModelInfo.of("bench").withModel("ranker-bench", "bench"));
    if (saveModel != null) {
      Files.write(saveModel, onnx);
    }
    System.out.printf(Locale.ROOT, "onnx model: %.2f MB, xgboost json: %.2f MB%n", onnx.length / 1e6,
        json.length() / 1e6);

    // ---- the request: `rows` candidates, 10 % missing
    float[] x = features(rnd, rows, features, 0.1);
    for (int j = 0; j < features; j++) {
      x[j] = Float.NaN; // one candidate with no features at all
    }

    OrtEnvironment env = OnnxModels.env();
    List<Timing> timings = new ArrayList<>();
    float[] reference = new float[rows];
    Scorer xgbDmatrix = (in, out) -> {
      DMatrix d = new DMatrix(in, rows, features, Float.NaN);
      try {
        float[][] p = booster.predict(d, true);
        for (int r = 0; r < rows; r++) {
          out[r] = p[r][0];
        }
      } finally {
        d.dispose();
      }
    };
    xgbDmatrix.score(x, reference);

    List<OrtSession> sessions = new ArrayList<>();
    try {
      // ---- ONNX Runtime
      for (OrtSession.SessionOptions.OptLevel level : List.of(OrtSession.SessionOptions.OptLevel.ALL_OPT,
          OrtSession.SessionOptions.OptLevel.BASIC_OPT, OrtSession.SessionOptions.OptLevel.NO_OPT)) {
        OrtSession s = OnnxModels.load(onnx, new OnnxModels.Options(1, 1, level));
        sessions.add(s);
        String lv = level.name().toLowerCase(Locale.ROOT);
        FloatBuffer direct = directFloats(rows * features);
        timings.add(measure("ort", "direct-buffer input, opt=" + lv, true, x, reference,
            (in, out) -> {
              direct.clear();
              direct.put(in).flip();
              try (OnnxTensor t = OnnxTensor.createTensor(env, direct, new long[] {rows, features});
                  OrtSession.Result res = s.run(Map.of("features", t))) {
                ((OnnxTensor) res.get(0)).getFloatBuffer().get(out);
              }
            }));
        if (level != OrtSession.SessionOptions.OptLevel.ALL_OPT) {
          continue;
        }
        timings.add(measure("ort", "heap FloatBuffer.wrap input (ORT copies), opt=" + lv, true, x, reference,
            (in, out) -> {
              try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(in), new long[] {rows, features});
                  OrtSession.Result res = s.run(Map.of("features", t))) {
                ((OnnxTensor) res.get(0)).getFloatBuffer().get(out);
              }
            }));
        timings.add(measure("ort", "float[][] input, opt=" + lv, true, x, reference,
            (in, out) -> {
              float[][] m = new float[rows][features];
              for (int r = 0; r < rows; r++) {
                System.arraycopy(in, r * features, m[r], 0, features);
              }
              try (OnnxTensor t = OnnxTensor.createTensor(env, m);
                  OrtSession.Result res = s.run(Map.of("features", t))) {
                float[][] o = (float[][]) res.get(0).getValue();
                for (int r = 0; r < rows; r++) {
                  out[r] = o[r][0];
                }
              }
            }));
        FloatBuffer pinnedOut = directFloats(rows);
        timings.add(measure("ort", "direct-buffer input + pinned direct output, opt=" + lv, true, x, reference,
            (in, out) -> {
              direct.clear();
              direct.put(in).flip();
              pinnedOut.clear();
              try (OnnxTensor t = OnnxTensor.createTensor(env, direct, new long[] {rows, features});
                  OnnxTensor o = OnnxTensor.createTensor(env, pinnedOut, new long[] {rows, 1});
                  OrtSession.Result res = s.run(Map.of("features", t), Map.of("margin", o))) {
                pinnedOut.rewind();
                pinnedOut.get(out);
              }
            }));
        // Not eligible for the BENCH line: one tensor of a fixed row count, reused across calls, only fits a
        // server that always pads to the same batch size. Printed to show what tensor creation costs.
        FloatBuffer fixed = directFloats(rows * features);
        OnnxTensor reused = OnnxTensor.createTensor(env, fixed, new long[] {rows, features});
        try {
          timings.add(measure("ort", "one reused input tensor (fixed N; not eligible), opt=" + lv, false, x,
              reference, (in, out) -> {
                fixed.clear();
                fixed.put(in);
                try (OrtSession.Result res = s.run(Map.of("features", reused))) {
                  ((OnnxTensor) res.get(0)).getFloatBuffer().get(out);
                }
              }));
        } finally {
          reused.close();
        }
      }

      // ---- xgboost4j, nthread=1
      timings.add(measure("xgb", "DMatrix + predict(outputMargin), nthread=1", true, x, reference, xgbDmatrix));
      timings.add(measure("xgb", "inplace_predict(kMargin), nthread=1", true, x, reference,
          (in, out) -> {
            float[][] p = booster.inplace_predict(in, rows, features, Float.NaN, new int[] {0, 0},
                Booster.PredictionType.kMargin, null); // iteration range {0, 0} = all trees
            for (int r = 0; r < rows; r++) {
              out[r] = p[r][0];
            }
          }));
    } finally {
      for (OrtSession s : sessions) {
        s.close();
      }
      booster.dispose();
    }

    System.out.printf(Locale.ROOT, "%n%-4s %-70s %9s %9s %9s%n", "side", "configuration", "p50_ms", "p99_ms",
        "mean_ms");
    for (Timing t : timings) {
      System.out.printf(Locale.ROOT, "%-4s %-70s %9.3f %9.3f %9.3f%n", t.side, t.name, t.p50, t.p99, t.mean);
    }
    Timing ort = best(timings, "ort");
    Timing xgb = best(timings, "xgb");
    System.out.printf(Locale.ROOT, "best ort: %s; best xgb: %s; load average now %.2f (sink %.1f)%n", ort.name,
        xgb.name, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), sink);
    System.out.printf(Locale.ROOT, "BENCH ranker rows=%d ort_p50_ms=%.3f ort_p99_ms=%.3f xgb_p50_ms=%.3f ratio=%.3f%n",
        rows, ort.p50, ort.p99, xgb.p50, ort.p50 / xgb.p50);
    return 0;
  }

  private static Timing best(List<Timing> timings, String side) {
    return timings.stream().filter(t -> t.side.equals(side) && t.eligible)
        .min((a, b) -> Double.compare(a.p50, b.p50)).orElseThrow();
  }

  private Timing measure(String side, String name, boolean eligible, float[] x, float[] reference, Scorer scorer)
      throws Exception {
    float[] out = new float[rows];
    scorer.score(x, out);
    for (int r = 0; r < rows; r++) {
      if (Math.abs(out[r] - reference[r]) > 1e-4f) {
        throw new IllegalStateException(String.format(Locale.ROOT,
            "%s/%s: row %d scores %s, xgboost %s: the two sides disagree", side, name, r, out[r], reference[r]));
      }
    }
    for (int i = 0; i < warmup; i++) {
      scorer.score(x, out);
      sink += out[i % rows];
    }
    long[] nanos = new long[iterations];
    for (int i = 0; i < iterations; i++) {
      long start = System.nanoTime();
      scorer.score(x, out);
      nanos[i] = System.nanoTime() - start;
      sink += out[i % rows];
    }
    Arrays.sort(nanos);
    double mean = Arrays.stream(nanos).average().orElse(0) / 1e6;
    Timing t = new Timing(side, name, eligible, percentile(nanos, 0.50), percentile(nanos, 0.99), mean);
    System.out.printf(Locale.ROOT, "  %s %-70s p50 %.3f ms  p99 %.3f ms%n", side, name, t.p50, t.p99);
    return t;
  }

  /** Nearest-rank percentile of sorted nanoseconds, in milliseconds. */
  static double percentile(long[] sortedNanos, double q) {
    int idx = (int) Math.ceil(q * sortedNanos.length) - 1;
    return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, idx))] / 1e6;
  }

  private static FloatBuffer directFloats(int n) {
    return ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /** Ranking-like features: counts, rates, similarities, prices on different scales; {@code missing} NaNs. */
  static float[] features(Random r, int n, int f, double missing) {
    float[] x = new float[n * f];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < f; j++) {
        float v = switch (j % 4) {
          case 0 -> (float) r.nextGaussian();
          case 1 -> r.nextInt(20);
          case 2 -> r.nextFloat();
          default -> (float) Math.exp(r.nextGaussian());
        };
        x[i * f + j] = r.nextDouble() < missing ? Float.NaN : v;
      }
    }
    return x;
  }

  private static float v(float[] x, int f, int i, int j) {
    float v = x[i * f + (j % f)];
    return Float.isNaN(v) ? 0f : v;
  }

  /** Click labels from a nonlinear function of many features plus noise, so trees grow to full depth. */
  static float[] labels(Random r, float[] x, int n, int f) {
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < f; j += 4) {
        s += 0.3 * v(x, f, i, j) * v(x, f, i, j + 2) + 0.05 * v(x, f, i, j + 1) - 0.2 * Math.log1p(v(x, f, i, j + 3));
      }
      s += Math.sin(3 * v(x, f, i, 0)) + r.nextGaussian();
      y[i] = s > 0 ? 1f : 0f;
    }
    return y;
  }

  private static void printMachine() {
    String cpu = "unknown";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
    } catch (Exception ignored) {
      // not Linux
    }
    System.out.printf(Locale.ROOT, "machine: %s, %d cores visible, %s %s, JDK %s, load average %.2f%n", cpu,
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
        System.getProperty("java.version"), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }
}
