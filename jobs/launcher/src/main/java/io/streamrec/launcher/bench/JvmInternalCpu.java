package io.streamrec.launcher.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link CpuAccounting}'s "JVM internal" (process CPU minus every Java thread's) is made of: the JVM's own
 * threads are no Java threads, so {@code ThreadMXBean} does not list them, but Linux does: {@code
 * /proc/self/task/<tid>/stat} gives each OS thread's name and CPU ticks. Threads are grouped by their name: the JIT
 * compilers ({@code C1/C2 CompilerThread}), the garbage collector ({@code GC Thread}, {@code G1 ...}), the VM
 * thread (safepoint operations) with the code cache sweeper and monitor deflation. The rest of "JVM internal" is
 * CPU of threads that ended within the window (their time stays in the process's total but leaves every per-thread
 * count; Lucene runs each merge on a new thread) and of native threads of libraries, if any.
 *
 * <p>Limits: ticks are 1/100 s; a thread that ends between two snapshots takes its CPU with it (the JVM stops idle
 * compiler threads), so the JIT figure is a lower bound.
 */
final class JvmInternalCpu {
  static final String JIT = "JIT compiler threads";
  static final String GC = "GC threads";
  static final String VM = "VM thread and other VM threads";
  private static final double TICKS_PER_SECOND = 100; // USER_HZ on Linux

  /** CPU ticks per group at one instant; empty where {@code /proc} is not readable. */
  record Snapshot(Map<String, Long> ticks) {}

  private JvmInternalCpu() {}

  static Snapshot snapshot() {
    return snapshot(Path.of("/proc/self/task"));
  }

  static Snapshot snapshot(Path tasks) {
    Map<String, Long> ticks = new LinkedHashMap<>();
    ticks.put(JIT, 0L);
    ticks.put(GC, 0L);
    ticks.put(VM, 0L);
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
      for (Path task : dir) {
        try {
          Stat s = parseStat(Files.readString(task.resolve("stat")));
          String group = groupOf(s.name());
          if (group != null) {
            ticks.merge(group, s.ticks(), Long::sum);
          }
        } catch (IOException | RuntimeException gone) {
          // the thread ended while we listed them
        }
      }
    } catch (IOException | RuntimeException e) {
      return new Snapshot(Map.of());
    }
    return new Snapshot(ticks);
  }

  /** Seconds of CPU per group between two snapshots. */
  static Map<String, Double> between(Snapshot a, Snapshot b) {
    Map<String, Double> out = new LinkedHashMap<>();
    b.ticks().forEach((group, t) ->
        out.put(group, Math.max(0, t - a.ticks().getOrDefault(group, 0L)) / TICKS_PER_SECOND));
    return out;
  }

  /** One line under the CPU table's "JVM internal" row. */
  static void print(PrintStream out, Map<String, Double> seconds, CpuAccounting.Window w) {
    if (seconds.isEmpty()) {
      return;
    }
    double capacity = w.wallSeconds() * Runtime.getRuntime().availableProcessors();
    double known = seconds.values().stream().mapToDouble(Double::doubleValue).sum();
    StringBuilder line = new StringBuilder("        JVM internal by OS thread (/proc):");
    seconds.forEach((group, s) -> line.append(String.format(Locale.ROOT, " %s %.1f core-s (%.1f %%);", group, s,
        100 * s / capacity)));
    line.append(String.format(Locale.ROOT, " the rest %.1f core-s", Math.max(0, w.jvmInternal() - known)));
    out.println(line);
    out.println("        (the rest: Java threads that ended within the window, e.g. Lucene's merge threads, and "
        + "native threads)");
  }

  record Stat(String name, long ticks) {}

  /** Name and user + system ticks from a {@code /proc/<pid>/task/<tid>/stat} line (the name may hold spaces). */
  static Stat parseStat(String line) {
    int open = line.indexOf('(');
    int close = line.lastIndexOf(')');
    String name = line.substring(open + 1, close);
    String[] f = line.substring(close + 2).trim().split("\\s+");
    // f[0] is field 3 (state); utime is field 14 and stime field 15
    return new Stat(name, Long.parseLong(f[11]) + Long.parseLong(f[12]));
  }

  /** The group of a JVM-internal thread by its OS name (at most 15 characters), or null for any other thread. */
  static String groupOf(String name) {
    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
      return JIT;
    }
    if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("GC ")) {
      return GC;
    }
    if (name.startsWith("VM Thread") || name.startsWith("VM Periodic") || name.startsWith("Sweeper thread")
        || name.startsWith("Monitor Deflati")) {
      return VM;
    }
    return null;
  }
}
