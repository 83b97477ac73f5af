package io.streamrec.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.core.contract.RecResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The serving benchmark's book-keeping: latency from the intended send time, unanswered requests, the BENCH step. */
class RequestLedgerTest {

  private static final long MS = 1_000_000L;

  private static RecResponse response(String id, boolean degraded, String reason, double totalMs, double rankMs) {
    Map<String, Double> timings = new LinkedHashMap<>();
    timings.put("queue", 0.1);
    timings.put("rank", rankMs);
    timings.put("total", totalMs);
    return new RecResponse(id, "u", List.of(new RecResponse.RecItem("i", 1.0, 1, List.of("ann"))), null, degraded,
        reason, null, timings);
  }

  @Test
  void latencyRunsFromTheIntendedSendTimeSoASenderThatFellBehindIsChargedForIt() {
    RequestLedger ledger = new RequestLedger("100/s", 100, 0);
    ledger.sent();
    ledger.sent();
    // request 0 intended at 0 but (say) sent at 20 ms; its response arrives at 30 ms: 30 ms, not 10 ms
    ledger.answered(0, 30 * MS, response("a", false, null, 4.0, 3.0));
    ledger.answered(10 * MS, 15 * MS, response("b", false, null, 2.0, 1.0));
    RequestLedger.Step s = ledger.finish(100 * MS, List.of(), 0.02, 20);

    assertThat(s.answered()).isEqualTo(2);
    assertThat(s.unanswered()).isZero();
    assertThat(s.lowerBound()).isFalse();
    assertThat(s.endToEnd().max()).isCloseTo(30.0, within(0.05));
    assertThat(s.endToEnd().p50()).isCloseTo(5.0, within(0.01));
    assertThat(s.pipeline().max()).isCloseTo(4.0, within(0.01));
    assertThat(s.outside().max()).isCloseTo(26.0, within(0.05)); // 30 − 4
    assertThat(s.stages()).containsOnlyKeys("queue", "rank");
    assertThat(s.stages().get("rank").max()).isCloseTo(3.0, within(0.01));
    assertThat(s.degradedShare()).isZero();
    // two answers between the first intended send (0) and the last response (30 ms)
    assertThat(s.achievedRps()).isCloseTo(2 / 0.030, within(0.5));
  }

  @Test
  void unansweredRequestsEnterTheHistogramWithTheirAgeAndMakeItALowerBound() {
    RequestLedger ledger = new RequestLedger("10/s", 10, 0);
    for (int i = 0; i < 3; i++) {
      ledger.sent();
    }
    assertThat(ledger.outstanding()).isEqualTo(3);
    ledger.answered(0, 5 * MS, response("a", false, null, 1.0, 0.5));
    assertThat(ledger.outstanding()).isEqualTo(2);
    RequestLedger.Step s = ledger.finish(1_000 * MS, List.of(100 * MS, 200 * MS), 0.3, 0);

    assertThat(s.sent()).isEqualTo(3);
    assertThat(s.unanswered()).isEqualTo(2);
    assertThat(s.lowerBound()).isTrue();
    assertThat(s.endToEnd().count()).isEqualTo(3);
    assertThat(s.endToEnd().max()).isCloseTo(900.0, within(1.0));
    assertThat(s.pipeline().count()).isEqualTo(1);
    assertThat(s.unansweredShare()).isCloseTo(2 / 3.0, within(1e-9));
    assertThat(s.holds(25, 0.01)).isFalse();
    assertThat(s.overloaded()).isTrue();
  }

  @Test
  void theBookIsClosedOnceLaterAnswersAndLogsAreIgnoredAndFinishReturnsTheSameResult() {
    RequestLedger ledger = new RequestLedger("10/s", 10, 0);
    ledger.sent();
    RequestLedger.Step first = ledger.finish(10 * MS, List.of(0L), 0.1, 0);
    ledger.answered(0, 20 * MS, response("a", false, null, 1.0, 0.5));
    ledger.logged(300, Map.of("ann", 200), true);
    assertThat(ledger.finish(30 * MS, List.of(), 0.1, 0)).isSameAs(first);
    assertThat(first.answered()).isZero();
    assertThat(first.logSamples()).isZero();
  }

  @Test
  void degradedReasonsAreCountedPerPartWithoutTheirVariableParts() {
    RequestLedger ledger = new RequestLedger("10/s", 10, 0);
    for (int i = 0; i < 3; i++) {
      ledger.sent();
    }
    ledger.answered(0, MS, response("a", true,
        "serving overloaded: Task java.util.concurrent.CompletableFuture$AsyncSupply@1f2e3d rejected from pool size = 2",
        1, 0));
    ledger.answered(0, MS, response("b", true,
        "serving overloaded: Task java.util.concurrent.CompletableFuture$AsyncSupply@99aa rejected from pool size = 2; "
            + "deadline exceeded before ranking: served in retrieval order", 1, 0));
    ledger.answered(0, MS, response("c", false, null, 1, 0));
    RequestLedger.Step s = ledger.finish(10 * MS, List.of(), 0.1, 0);

    assertThat(s.degraded()).isEqualTo(2);
    assertThat(s.degradedShare()).isCloseTo(2 / 3.0, within(1e-9));
    assertThat(s.degradedReasons()).containsExactly(
        Map.entry("serving overloaded: Task java.util.concurrent.CompletableFuture$AsyncSupply# rejected from pool "
            + "size = #", 2L),
        Map.entry("deadline exceeded before ranking: served in retrieval order", 1L));
    assertThat(RequestLedger.normalizeReason("x".repeat(200))).hasSize(120).endsWith("…");
  }

  @Test
  void fallbackAnswersStayOutOfTheStagesAndATimedOutPipelineCountsAtDeadlinePlusGrace() {
    RequestLedger ledger = new RequestLedger("10/s", 10, 0);
    for (int i = 0; i < 3; i++) {
      ledger.sent();
    }
    ledger.answered(0, 100 * MS, response("a", true, "pipeline did not finish within the deadline", 0.8, 0));
    ledger.answered(0, 10 * MS, response("b", true, "serving overloaded: Task x rejected", 0.5, 0));
    ledger.answered(0, 10 * MS, response("c", true, "deadline exceeded before ranking: served in retrieval order",
        6.0, 0));
    RequestLedger.Step s = ledger.finish(200 * MS, List.of(), 0.1, 0);

    assertThat(s.degraded()).isEqualTo(3);
    assertThat(s.fallbacks()).isEqualTo(2);
    assertThat(s.timedOut()).isEqualTo(1);
    assertThat(s.fallbackShare()).isCloseTo(2 / 3.0, within(1e-9));
    // the pipeline's own answer (6 ms) and the timed-out one at deadline + grace; the rejected one never ran
    assertThat(s.pipeline().count()).isEqualTo(2);
    assertThat(s.pipeline().max()).isCloseTo(70.0, within(0.1));
    assertThat(s.outside().max()).isCloseTo(30.0, within(0.1)); // 100 − 70
    assertThat(s.stages().get("queue").count()).isEqualTo(1);
    assertThat(RequestLedger.fallbackReason(response("d", false, null, 1, 0))).isNull();
  }

  @Test
  void rankedIsSummarisedForAllSampledRequestsAndForKnownUsersAlone() {
    RequestLedger ledger = new RequestLedger("10/s", 10, 0);
    ledger.logged(300, Map.of("ann", 200, "trending", 100), true);
    ledger.logged(320, Map.of("ann", 200, "trending", 100), true);
    ledger.logged(100, Map.of("trending", 100), false); // a new user: trending only
    ledger.logged(0, Map.of("ann", 200), true); // degraded: not ranked
    RequestLedger.Step s = ledger.finish(0, List.of(), 0, 0);

    assertThat(s.logSamples()).isEqualTo(4);
    assertThat(s.rankedMean()).isCloseTo(180.0, within(1e-9));
    assertThat(s.rankedAtGoalShare()).isCloseTo(0.5, within(1e-9));
    assertThat(s.knownLogSamples()).isEqualTo(3);
    assertThat(s.knownRankedMean()).isCloseTo(620 / 3.0, within(1e-9));
    assertThat(s.knownRankedAtGoalShare()).isCloseTo(2 / 3.0, within(1e-9));
    assertThat(s.rankerRan()).isEqualTo(3);
    assertThat(s.rankerRanMean()).isCloseTo(240.0, within(1e-9));
    assertThat(s.rankerRanAtGoalShare()).isCloseTo(2 / 3.0, within(1e-9));
    assertThat(s.candidatesMean()).containsEntry("ann", 150.0).containsEntry("trending", 75.0);
  }

  private static RequestLedger.Step step(double rate, double p99Ms, int degraded, int unanswered) {
    RequestLedger ledger = new RequestLedger(rate + "/s", rate, 0);
    List<Long> open = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ledger.sent();
      if (i < unanswered) {
        open.add(0L);
        continue;
      }
      // 98 fast answers and 2 at the wanted p99; requests spread over one second
      long intended = i * 10 * MS;
      long e2e = i >= 98 ? Math.round(p99Ms * MS) : MS;
      ledger.answered(intended, intended + e2e, response("r" + i, i < degraded, i < degraded
          ? "deadline exceeded before ranking: served in retrieval order" : null, 1, 0.5));
    }
    return ledger.finish(1_000 * MS, open, 1, 0);
  }

  @Test
  void theBenchStepIsTheHighestRateThatHoldsAndOtherwiseTheLowest() {
    RequestLedger.Step slow = step(250, 10, 0, 0);
    RequestLedger.Step ok = step(500, 20, 0, 0);
    RequestLedger.Step tooSlow = step(1000, 40, 0, 0);
    RequestLedger.Step degraded = step(1500, 10, 50, 0);
    RequestLedger.Step lost = step(2000, 10, 0, 5);
    assertThat(ok.holds(25, 0.01)).isTrue();
    assertThat(tooSlow.holds(25, 0.01)).isFalse();
    assertThat(degraded.holds(25, 0.01)).isFalse();
    assertThat(degraded.holds(25, 0.6)).isTrue();
    assertThat(lost.holds(25, 0.01)).isFalse();

    assertThat(RequestLedger.benchStep(List.of(slow, ok, tooSlow, degraded, lost), 25, 0.01)).isSameAs(ok);
    assertThat(RequestLedger.benchStep(List.of(slow, ok, tooSlow, degraded, lost), 25, 0.6)).isSameAs(degraded);
    assertThat(RequestLedger.benchStep(List.of(tooSlow, lost), 25, 0.01)).isSameAs(tooSlow);
    assertThat(RequestLedger.benchStep(List.of(), 25, 0.01)).isNull();
  }

  @Test
  void theBenchLineHasTheRateAndMillisecondsWithDecimals() {
    assertThat(ServingBenchmark.line(1499.6, 4.04, 21.96, 3.456))
        .isEqualTo("BENCH serving rps=1500 p50_ms=4.0 p99_ms=22.0 pipeline_p99_ms=3.46");
  }
}
