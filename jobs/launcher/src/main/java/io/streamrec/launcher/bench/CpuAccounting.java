package io.streamrec.launcher.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the CPU went between two instants: this JVM (the MiniCluster and the benchmark), per thread group (Flink
 * task threads are named after their operator chain), the JVM's own threads (GC, JIT: process CPU minus all Java
 * threads), the Kafka broker's JVM, and everything else on the machine ({@code /proc/stat}; other builds and tests
 * share these hosts, so a noisy machine shows up here instead of silently lowering the result).
 */
public final class CpuAccounting {

  /** Machine-wide CPU ticks from the first line of {@code /proc/stat}. */
  public record MachineTicks(long busy, long total) {
    static final MachineTicks NONE = new MachineTicks(0, 0);
  }

  /** Everything measured at one instant. */
  public record Snapshot(
      long wallNanos,
      long processCpuNanos,
      long brokerCpuNanos,
      MachineTicks machine,
      Map<Long, ThreadCpu> threads,
      long gcMillis,
      long gcCount) {}

  record ThreadCpu(String name, long cpuNanos) {}

  /** The difference of two snapshots, in core-seconds. */
  public record Window(
      double wallSeconds,
      double processCpu,
      double brokerCpu,
      double machineBusy,
      boolean machineKnown,
      Map<String, Double> threadGroups,
      double jvmInternal,
      double gcSeconds,
      long gcCount) {

    /** CPU of the machine used by neither this JVM nor the broker; NaN without /proc/stat. */
    public double others() {
      return machineKnown ? Math.max(0, machineBusy - processCpu - brokerCpu) : Double.NaN;
    }
  }

  private static final Pattern SUBTASK_SUFFIX = Pattern.compile(" \\(\\d+/\\d+\\)(#\\d+)?$");
  private static final Pattern NUMBER_SUFFIX = Pattern.compile("[-# ]?\\d+$");

  private final long brokerPid;
  private final Path procStat;

  public CpuAccounting(long brokerPid) {
    this(brokerPid, Path.of("/proc/stat"));
  }

  CpuAccounting(long brokerPid, Path procStat) {
    this.brokerPid = brokerPid;
    this.procStat = procStat;
  }

  public Snapshot snapshot() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<Long, ThreadCpu> threads = new HashMap<>();
    long[] ids = mx.getAllThreadIds();
    ThreadInfo[] infos = mx.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long cpu = mx.isThreadCpuTimeSupported() ? mx.getThreadCpuTime(ids[i]) : -1;
      if (infos[i] != null && cpu >= 0) {
        threads.put(ids[i], new ThreadCpu(infos[i].getThreadName(), cpu));
      }
    }
    long gcMillis = 0;
    long gcCount = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcMillis += Math.max(0, gc.getCollectionTime());
      gcCount += Math.max(0, gc.getCollectionCount());
    }
    return new Snapshot(System.nanoTime(), processCpuNanos(), brokerCpuNanos(), machineTicks(), threads, gcMillis,
        gcCount);
  }

  public static Window between(Snapshot a, Snapshot b) {
    Map<String, Double> groups = new LinkedHashMap<>();
    long threadsTotal = 0;
    for (Map.Entry<Long, ThreadCpu> e : b.threads().entrySet()) {
      ThreadCpu before = a.threads().get(e.getKey());
      long delta = e.getValue().cpuNanos() - (before == null ? 0 : before.cpuNanos());
      if (delta > 0) {
        threadsTotal += delta;
        groups.merge(threadGroup(e.getValue().name()), delta / 1e9, Double::sum);
      }
    }
    double process = (b.processCpuNanos() - a.processCpuNanos()) / 1e9;
    boolean machineKnown = a.machine().total() > 0 && b.machine().total() > a.machine().total();
    double wall = (b.wallNanos() - a.wallNanos()) / 1e9;
    double machineBusy = 0;
    if (machineKnown) {
      // Ticks are USER_HZ (100 on Linux); converting through the share of busy ticks avoids assuming the rate.
      double busyShare = (double) (b.machine().busy() - a.machine().busy()) / (b.machine().total() - a.machine().total());
      machineBusy = busyShare * wall * Runtime.getRuntime().availableProcessors();
    }
    return new Window(wall, process, (b.brokerCpuNanos() - a.brokerCpuNanos()) / 1e9, machineBusy, machineKnown,
        groups, Math.max(0, process - threadsTotal / 1e9), (b.gcMillis() - a.gcMillis()) / 1e3,
        b.gcCount() - a.gcCount());
  }

  /**
   * Threads of one kind share a group: "item features (1/2)#0" → "item features"; "kafka-producer-network-thread |
   * producer-1" → "kafka-producer-network-thread | producer"; "Flink-MetricRegistry-thread-1" →
   * "Flink-MetricRegistry-thread".
   */
  static String threadGroup(String threadName) {
    String s = SUBTASK_SUFFIX.matcher(threadName).replaceFirst("");
    if (!s.equals(threadName)) {
      return s;
    }
    String prev;
    do {
      prev = s;
      s = NUMBER_SUFFIX.matcher(s).replaceFirst("");
    } while (!s.equals(prev) && !s.isEmpty());
    return s.isEmpty() ? threadName : s;
  }

  static MachineTicks parseProcStat(List<String> lines) {
    for (String line : lines) {
      if (line.startsWith("cpu ")) {
        String[] f = line.trim().split("\\s+");
        long total = 0;
        long idle = 0;
        // user nice system idle iowait irq softirq steal [guest guest_nice: already counted in user/nice]
        for (int i = 1; i < f.length && i <= 8; i++) {
          long v = Long.parseLong(f[i]);
          total += v;
          if (i == 4 || i == 5) {
            idle += v;
          }
        }
        return new MachineTicks(total - idle, total);
      }
    }
    return MachineTicks.NONE;
  }

  private MachineTicks machineTicks() {
    try {
      return Files.isReadable(procStat) ? parseProcStat(Files.readAllLines(procStat)) : MachineTicks.NONE;
    } catch (IOException | RuntimeException e) {
      return MachineTicks.NONE;
    }
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }

  private long brokerCpuNanos() {
    if (brokerPid <= 0) {
      return 0;
    }
    Optional<Duration> cpu = ProcessHandle.of(brokerPid).flatMap(h -> h.info().totalCpuDuration());
    return cpu.map(Duration::toNanos).orElse(0L);
  }
}
