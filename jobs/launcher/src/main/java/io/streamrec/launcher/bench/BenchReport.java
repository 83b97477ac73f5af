package io.streamrec.launcher.bench;

import io.streamrec.launcher.BuildInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * What the Flink job benchmarks share besides their measurements: the machine header, waiting for a job to run, and
 * the report's tables (checkpoints, CPU by thread, vertex activity, JFR profile), so that every benchmark reports
 * the same way.
 */
final class BenchReport {

  private BenchReport() {}

  /** Prints timed steps: "• what … result (1.2 s)". */
  static final class Steps {
    private final PrintStream out;
    private long start;

    Steps(PrintStream out) {
      this.out = out;
    }

    void step(String what) {
      out.print("• " + what + " … ");
      out.flush();
      start = System.nanoTime();
    }

    void done(String result) {
      out.printf(Locale.ROOT, "%s (%.1f s)%n", result, (System.nanoTime() - start) / 1e9);
    }
  }

  /** The machine, JVM and code lines of a report's header. */
  static void printMachine(PrintStream out, BuildInfo build, Path work) {
    Runtime rt = Runtime.getRuntime();
    long totalMemory =
        ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
            ? os.getTotalMemorySize() : -1;
    out.printf(Locale.ROOT, "machine: %d cores (%s), %.1f GiB RAM, load average %.2f at start%n",
        rt.availableProcessors(), cpuModel(), totalMemory / (double) (1L << 30),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    out.printf(Locale.ROOT, "JVM: %s %s, max heap %.1f GiB, GC %s%n", System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"), rt.maxMemory() / (double) (1L << 30),
        ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList());
    out.printf(Locale.ROOT, "code: %s; Flink %s, Kafka broker %s; work dir %s%n", gitDescribe(build.projectRoot()),
        build.flinkVersion(), build.kafkaBrokerVersion(), work);
  }

  /** Waits until the job and all its vertices are RUNNING; fails if it ends or takes longer than {@code timeout}. */
  static RestMetrics.JobView awaitRunning(RestMetrics rest, String jobId, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "unknown";
    while (System.nanoTime() - deadline < 0) {
      try {
        RestMetrics.JobView view = rest.job(jobId);
        if (view.allRunning()) {
          return view;
        }
        if (List.of("FAILED", "CANCELED", "FINISHED").contains(view.state())) {
          throw new IllegalStateException("job " + jobId + " is " + view.state());
        }
        last = view.state();
      } catch (IOException notYetKnown) {
        last = notYetKnown.getMessage();
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("job " + jobId + " not RUNNING within " + timeout + "; last seen " + last);
  }

  /** The checkpoints triggered in a window: how many, how long, how big, and how much of the window they ran. */
  static void printCheckpoints(PrintStream out, List<RestMetrics.Checkpoint> all, long fromWallMs, long toWallMs) {
    List<RestMetrics.Checkpoint> in = all.stream()
        .filter(c -> c.triggerMs() >= fromWallMs && c.triggerMs() < toWallMs).toList();
    if (in.isEmpty()) {
      out.println("  checkpoints: none triggered in this phase");
      return;
    }
    long completed = in.stream().filter(c -> "COMPLETED".equals(c.status())).count();
    long running = 0;
    for (RestMetrics.Checkpoint c : in) {
      running += Math.max(0, Math.min(c.triggerMs() + c.durationMs(), toWallMs) - c.triggerMs());
    }
    out.printf(Locale.ROOT, "  checkpoints: %d triggered, %d completed; duration avg %.1f s, max %.1f s; state "
            + "size max %.0f MB; a checkpoint was running %.0f %% of the phase%n", in.size(), completed,
        in.stream().mapToLong(RestMetrics.Checkpoint::durationMs).average().orElse(0) / 1000.0,
        in.stream().mapToLong(RestMetrics.Checkpoint::durationMs).max().orElse(0) / 1000.0,
        in.stream().mapToLong(RestMetrics.Checkpoint::stateSizeBytes).max().orElse(0) / 1e6,
        100.0 * running / Math.max(1, toWallMs - fromWallMs));
  }

  static void printCpu(PrintStream out, CpuAccounting.Window w) {
    int cores = Runtime.getRuntime().availableProcessors();
    double capacity = w.wallSeconds() * cores;
    out.printf(Locale.ROOT, "  CPU over %.1f s (%.1f core-s available on %d cores):%n", w.wallSeconds(), capacity,
        cores);
    out.printf(Locale.ROOT, "    %-66s %7.1f core-s %5.1f %%%n", "benchmark JVM (MiniCluster + load generator)",
        w.processCpu(), 100 * w.processCpu() / capacity);
    List<Map.Entry<String, Double>> groups = new ArrayList<>(w.threadGroups().entrySet());
    groups.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()));
    double shown = 0;
    for (Map.Entry<String, Double> g : groups) {
      if (g.getValue() < 0.01 * capacity) {
        continue;
      }
      shown += g.getValue();
      out.printf(Locale.ROOT, "      %-64s %7.1f core-s %5.1f %%%n", abbreviate(g.getKey(), 64), g.getValue(),
          100 * g.getValue() / capacity);
    }
    double rest = Math.max(0, w.processCpu() - w.jvmInternal() - shown);
    out.printf(Locale.ROOT, "      %-64s %7.1f core-s %5.1f %%%n", "other Java threads (each < 1 %)", rest,
        100 * rest / capacity);
    out.printf(Locale.ROOT, "      %-64s %7.1f core-s %5.1f %%%n",
        String.format(Locale.ROOT, "JVM internal: GC, JIT (GC pauses %.1f s in %d collections)", w.gcSeconds(),
            w.gcCount()), w.jvmInternal(), 100 * w.jvmInternal() / capacity);
    out.printf(Locale.ROOT, "    %-66s %7.1f core-s %5.1f %%%n", "Kafka broker JVM", w.brokerCpu(),
        100 * w.brokerCpu() / capacity);
    if (w.machineKnown()) {
      out.printf(Locale.ROOT, "    %-66s %7.1f core-s %5.1f %%%n", "other processes on the machine", w.others(),
          100 * w.others() / capacity);
      double idle = Math.max(0, capacity - w.machineBusy());
      out.printf(Locale.ROOT, "    %-66s %7.1f core-s %5.1f %%%n", "idle", idle, 100 * idle / capacity);
    }
  }

  static void printActivity(PrintStream out, List<VertexActivity.Row> rows) {
    out.println("  per vertex (share of its subtasks' time; Flink accumulated task metrics):");
    out.printf(Locale.ROOT, "    %-40s %4s %7s %9s %7s %14s%n", "vertex (first operator of the chain)", "par",
        "busy", "backpres.", "idle", "records/s");
    for (VertexActivity.Row r : rows) {
      boolean source = r.recordsIn() == 0 && r.recordsOutPerSecond() > 0;
      out.printf(Locale.ROOT, "    %-40s %4d %6.1f%% %8.1f%% %6.1f%% %,10.0f %-4s%n", abbreviate(r.name(), 40),
          r.parallelism(), 100 * r.busy(), 100 * r.backPressured(), 100 * r.idle(),
          source ? r.recordsOutPerSecond() : r.recordsInPerSecond(), source ? "out" : "in");
    }
  }

  /**
   * The profile's shares, and what they cost per unit of work ({@code unit}, e.g. "interaction"): JFR samples Java
   * threads only, so a share of the samples is a share of the JVM's CPU minus its internal threads (GC, JIT), which
   * are listed on their own.
   */
  static void printProfile(PrintStream out, String title, JfrProfile.Profile p, CpuAccounting.Window cpu,
      long units, String unit) {
    out.printf(Locale.ROOT, "  %s by kind of work (JFR execution samples: %,d; recording %s):%n", title,
        p.samples(), p.recording());
    if (p.samples() == 0 || units <= 0) {
      return;
    }
    double javaUs = 1e6 * Math.max(0, cpu.processCpu() - cpu.jvmInternal()) / units;
    String perUnit = "µs/" + unit;
    out.printf(Locale.ROOT, "    %-58s %6s %14s%n", "kind of work", "share", perUnit);
    p.byCategory().forEach((category, n) ->
        out.printf(Locale.ROOT, "    %-58s %5.1f%% %14.1f%n", category, 100.0 * n / p.samples(),
            javaUs * n / p.samples()));
    out.printf(Locale.ROOT, "    %-58s %6s %14.1f%n", "(not sampled) JVM internal: GC, JIT", "",
        1e6 * cpu.jvmInternal() / units);
    out.println("  … by thread (share of all samples; top kinds of work in it):");
    List<Map.Entry<String, Map<String, Long>>> threads = new ArrayList<>(p.byThreadGroup().entrySet());
    threads.sort(Comparator.comparingLong((Map.Entry<String, Map<String, Long>> e) ->
        e.getValue().values().stream().mapToLong(Long::longValue).sum()).reversed());
    for (Map.Entry<String, Map<String, Long>> t : threads) {
      long total = t.getValue().values().stream().mapToLong(Long::longValue).sum();
      if (total < 0.01 * p.samples()) {
        continue;
      }
      String kinds = JfrProfile.sortedByValue(t.getValue()).entrySet().stream().limit(4)
          .map(e -> String.format(Locale.ROOT, "%s %.0f%%", e.getKey(), 100.0 * e.getValue() / total))
          .collect(Collectors.joining(", "));
      out.printf(Locale.ROOT, "    %5.1f %%  %s%n             %s%n", 100.0 * total / p.samples(),
          abbreviate(t.getKey(), 90), kinds);
    }
    out.println("  … hottest leaf methods:");
    p.topLeafFrames().forEach((frame, n) ->
        out.printf(Locale.ROOT, "    %5.1f %%  %s%n", 100.0 * n / p.samples(), frame));
    JfrProfile.Allocations a = p.allocations();
    if (a.samples() > 0) {
      out.printf(Locale.ROOT, "  heap allocation by kind of work (JFR allocation samples: %,d; %,.0f bytes per %s "
          + "in all):%n", a.samples(), (double) a.bytes() / units, unit);
      a.bytesByCategory().forEach((category, bytes) -> {
        if (bytes >= 0.005 * a.bytes()) {
          out.printf(Locale.ROOT, "    %-58s %5.1f%% %,11.0f B/%s%n", category, 100.0 * bytes / a.bytes(),
              (double) bytes / units, unit);
        }
      });
      out.println("  … by class allocated:");
      a.topClasses().forEach((cls, bytes) ->
          out.printf(Locale.ROOT, "    %5.1f %%  %s%n", 100.0 * bytes / a.bytes(), cls));
    }
  }

  static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst().orElse("unknown CPU");
    } catch (IOException | RuntimeException e) {
      return "unknown CPU";
    }
  }

  static String gitDescribe(Path root) {
    try {
      Process p = new ProcessBuilder("git", "-C", root.toString(), "describe", "--always", "--dirty")
          .redirectErrorStream(true).start();
      String s = new String(p.getInputStream().readAllBytes()).trim();
      return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 ? "commit " + s : "commit unknown";
    } catch (IOException | InterruptedException | RuntimeException e) {
      return "commit unknown";
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
