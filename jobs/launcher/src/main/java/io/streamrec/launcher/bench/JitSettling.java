package io.streamrec.launcher.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * When the serving benchmark's warm-up may stop: it goes on in steps of {@code stepSeconds} after the seconds already
 * spent until the JIT compiler threads took less than {@code belowPct} % of the machine in the last step, or until
 * another step would pass {@code maxSeconds}. A young JVM running three jobs, the Kafka clients and the load
 * generator keeps its two compiler threads busy for minutes, and CPU per request measured before they are done says
 * more about the compiler than about the pipeline (docs/benchmarks.md, 2026-12-03).
 */
final class JitSettling {
  private final int maxSeconds;
  private final int stepSeconds;
  private final double belowPct;
  private final int initialSeconds;
  private int spentSeconds;
  private final List<Double> shares = new ArrayList<>();

  JitSettling(int spentSeconds, int maxSeconds, int stepSeconds, double belowPct) {
    if (stepSeconds < 1) {
      throw new IllegalArgumentException("a step must last at least a second, got " + stepSeconds);
    }
    this.initialSeconds = spentSeconds;
    this.spentSeconds = spentSeconds;
    this.maxSeconds = maxSeconds;
    this.stepSeconds = stepSeconds;
    this.belowPct = belowPct;
  }

  /** Whether to run another step: the JIT has not settled yet, and a whole step still fits under the cap. */
  boolean another() {
    return !settled() && spentSeconds + stepSeconds <= maxSeconds;
  }

  /** Records a step: the compiler threads' CPU seconds over the step's wall seconds on {@code cores} cores. */
  void record(double jitCpuSeconds, double wallSeconds, int cores) {
    if (!(wallSeconds > 0) || cores < 1) {
      throw new IllegalArgumentException("wall seconds and cores must be positive: " + wallSeconds + ", " + cores);
    }
    spentSeconds += stepSeconds;
    shares.add(100 * jitCpuSeconds / (wallSeconds * cores));
  }

  /** Whether the last step's share was below the bound. */
  boolean settled() {
    return !shares.isEmpty() && shares.get(shares.size() - 1) < belowPct;
  }

  int spentSeconds() {
    return spentSeconds;
  }

  List<Double> shares() {
    return List.copyOf(shares);
  }

  /** The report's line. */
  String summary() {
    if (shares.isEmpty()) {
      return String.format(Locale.ROOT, "warm-up not extended: --warmup-max-seconds %d leaves no %d s step after "
          + "--warmup-seconds %d", maxSeconds, stepSeconds, initialSeconds);
    }
    List<String> formatted = shares.stream().map(s -> String.format(Locale.ROOT, "%.1f", s)).toList();
    return String.format(Locale.ROOT, "warm-up extended to %d s until the JIT settled: JIT compiler threads per %d s "
            + "step %s %% of the machine (%s %.1f %%)", spentSeconds, stepSeconds, String.join(", ", formatted),
        settled() ? "settled below" : "cap reached, still above", belowPct);
  }
}
