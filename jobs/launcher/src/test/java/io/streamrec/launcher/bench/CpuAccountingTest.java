package io.streamrec.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuAccountingTest {

  @Test
  void threadsOfOneKindShareAGroup() {
    assertThat(CpuAccounting.threadGroup("item features -> (feature store: items: Writer) (1/2)#0"))
        .isEqualTo("item features -> (feature store: items: Writer)");
    assertThat(CpuAccounting.threadGroup("Source Data Fetcher for Source: kafka: users (2/2)#0"))
        .isEqualTo("Source Data Fetcher for Source: kafka: users");
    assertThat(CpuAccounting.threadGroup("Flink-MetricRegistry-thread-1")).isEqualTo("Flink-MetricRegistry-thread");
    assertThat(CpuAccounting.threadGroup("kafka-producer-network-thread | producer-12"))
        .isEqualTo("kafka-producer-network-thread | producer");
    assertThat(CpuAccounting.threadGroup("flink-akka.actor.default-dispatcher-5"))
        .isEqualTo("flink-akka.actor.default-dispatcher");
    assertThat(CpuAccounting.threadGroup("main")).isEqualTo("main");
    assertThat(CpuAccounting.threadGroup("42")).isEqualTo("42");
  }

  @Test
  void readsBusyAndTotalTicksFromProcStat() {
    CpuAccounting.MachineTicks t = CpuAccounting.parseProcStat(List.of(
        "cpu  100 5 50 800 40 1 2 3 7 0",
        "cpu0 50 2 25 400 20 0 1 1 3 0"));
    // busy = user + nice + system + irq + softirq + steal; idle and iowait are not busy; guest is inside user
    assertThat(t.total()).isEqualTo(100 + 5 + 50 + 800 + 40 + 1 + 2 + 3);
    assertThat(t.busy()).isEqualTo(100 + 5 + 50 + 1 + 2 + 3);
    assertThat(CpuAccounting.parseProcStat(List.of("intr 1 2"))).isEqualTo(CpuAccounting.MachineTicks.NONE);
  }

  @Test
  void aWindowSplitsCpuByThreadGroupAndLeavesTheRestToTheJvm() {
    var a = new CpuAccounting.Snapshot(0, 1_000_000_000L, 100_000_000L, new CpuAccounting.MachineTicks(100, 1000),
        Map.of(1L, new CpuAccounting.ThreadCpu("user features (1/2)#0", 500_000_000L),
            2L, new CpuAccounting.ThreadCpu("user features (2/2)#0", 0L)),
        100, 1);
    var b = new CpuAccounting.Snapshot(2_000_000_000L, 4_000_000_000L, 600_000_000L,
        new CpuAccounting.MachineTicks(400, 1400),
        Map.of(1L, new CpuAccounting.ThreadCpu("user features (1/2)#0", 1_500_000_000L),
            2L, new CpuAccounting.ThreadCpu("user features (2/2)#0", 1_000_000_000L),
            3L, new CpuAccounting.ThreadCpu("main", 200_000_000L)),
        400, 3);
    CpuAccounting.Window w = CpuAccounting.between(a, b);
    assertThat(w.wallSeconds()).isEqualTo(2.0);
    assertThat(w.processCpu()).isEqualTo(3.0);
    assertThat(w.brokerCpu()).isCloseTo(0.5, within(1e-9));
    assertThat(w.threadGroups()).containsEntry("user features", 2.0).containsEntry("main", 0.2);
    assertThat(w.jvmInternal()).isCloseTo(0.8, within(1e-9));
    assertThat(w.gcSeconds()).isCloseTo(0.3, within(1e-9));
    assertThat(w.gcCount()).isEqualTo(2);
    // 300 of 400 ticks busy = 75 % of 2 s × the cores of this machine
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(w.machineBusy()).isCloseTo(0.75 * 2 * cores, within(1e-9));
    assertThat(w.others()).isCloseTo(Math.max(0, 1.5 * cores - 3.5), within(1e-9));
  }
}
