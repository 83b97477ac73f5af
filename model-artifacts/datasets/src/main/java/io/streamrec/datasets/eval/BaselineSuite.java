package io.streamrec.datasets.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Every baseline, tuned and scored the one way (docs/evaluation.md): settings are chosen on the validation window
 * (fit on what precedes it), then the chosen settings are refit on everything before the test window and scored on
 * it with the same {@link Evaluator}. The test window is never looked at while choosing.
 *
 * <ul>
 *   <li>{@value #DISCOVERY} (the main protocol, items new to the user): popularity, popularity-30d,
 *       region-popularity, item-knn, ease.
 *   <li>{@value #REPEAT} (every purchase counts, nothing excluded): buy-again, popularity-30d, ease.
 * </ul>
 *
 * <p>EASE's λ is chosen per protocol, and buy-again's τ on the repeat protocol, each by Recall@k on the validation
 * window (the first of the grid wins a tie). EASE and buy-again fall back to (and are topped up by) popularity-30d.
 */
public final class BaselineSuite {

  public static final String DISCOVERY = "online-retail";
  public static final String REPEAT = "online-retail-repeat";

  /** What the suite tries. */
  public record Settings(int k, int popularityDays, int easeMaxItems, int easeMinBuyers, List<Double> lambdas,
      List<Double> tauDays) {
    public Settings {
      lambdas = List.copyOf(lambdas);
      tauDays = List.copyOf(tauDays);
      if (lambdas.isEmpty() || tauDays.isEmpty()) {
        throw new IllegalArgumentException("the λ and τ grids must not be empty");
      }
    }

    /** The settings docs/evaluation.md reports. */
    public static Settings defaults(int k) {
      return new Settings(k, 30, 2000, 5, List.of(50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0),
          List.of(7.0, 14.0, 30.0, 60.0, 120.0, 240.0, 480.0));
    }
  }

  /**
   * The scores on the test window, and the discovery models (for per-segment reports).
   *
   * @param chosen what was chosen on the validation window, and the EASE fit's size and time, for the docs
   */
  public record Outcome(List<Recommender> discoveryModels, List<Evaluator.Result> discovery,
      List<Evaluator.Result> repeat, String chosen) {
    /** The EVAL lines: the discovery protocol's, then the repeat protocol's. */
    public List<String> lines() {
      List<String> out = new ArrayList<>();
      discovery.forEach(r -> out.add(r.line()));
      repeat.forEach(r -> out.add(r.line()));
      return out;
    }
  }

  private BaselineSuite() {}

  /**
   * Tunes on the validation window, scores on the test window. {@code out} receives one line per setting tried and
   * one per choice (not EVAL lines).
   */
  public static Outcome run(InteractionLog log, TemporalSplit split, Settings s, Consumer<String> out) {
    int catalog = log.catalog().size();
    int k = s.k();

    // ---- choose on the validation window: fit on what precedes it
    List<InteractionLog.Event> train = split.train(log);
    Map<String, Set<String>> trainItems = TemporalSplit.itemsByUser(train);
    Map<String, Set<String>> validationItems = TemporalSplit.itemsByUser(split.validation(log));
    Evaluator discoveryVal = new Evaluator(DISCOVERY, trainItems, validationItems, catalog);
    Evaluator repeatVal = Evaluator.repeat(REPEAT, trainItems, validationItems, catalog);
    out.accept(String.format("validation window: %d users (discovery), %d users (repeat)", discoveryVal.users(),
        repeatVal.users()));
    Recommender popVal = Baselines.popularityLastDays(train, split.validationStart(), s.popularityDays());

    long gramStart = System.nanoTime();
    Ease.Gram gramVal = Ease.Gram.of(train, s.easeMaxItems(), s.easeMinBuyers());
    out.accept(String.format(Locale.ROOT, "ease (validation fit): %d items (≥ %d buyers, at most %d), %d users; "
            + "XᵀX in %d ms", gramVal.size(), s.easeMinBuyers(), s.easeMaxItems(), gramVal.users(),
        (System.nanoTime() - gramStart) / 1_000_000));
    double bestDiscoveryLambda = Double.NaN;
    double bestDiscovery = -1;
    double bestRepeatLambda = Double.NaN;
    double bestRepeat = -1;
    for (double lambda : s.lambdas()) {
      Ease ease = Ease.fit(gramVal, lambda, popVal);
      Evaluator.Result d = discoveryVal.evaluate(ease, k);
      Evaluator.Result r = repeatVal.evaluate(ease, k);
      out.accept(String.format(Locale.ROOT, "  ease λ=%s: fit %d ms; validation %s recall@%d=%.4f ndcg@%d=%.4f | "
              + "%s recall@%d=%.4f ndcg@%d=%.4f", fmt(lambda), ease.fitMillis(), DISCOVERY, k, d.recall(), k,
          d.ndcg(), REPEAT, k, r.recall(), k, r.ndcg()));
      if (d.recall() > bestDiscovery) {
        bestDiscovery = d.recall();
        bestDiscoveryLambda = lambda;
      }
      if (r.recall() > bestRepeat) {
        bestRepeat = r.recall();
        bestRepeatLambda = lambda;
      }
    }
    double bestTau = Double.NaN;
    double bestTauRecall = -1;
    for (double tau : s.tauDays()) {
      Evaluator.Result r = repeatVal.evaluate(new BuyAgain(train, split.validationStart(), tau, popVal), k);
      out.accept(String.format(Locale.ROOT, "  buy-again τ=%s d: validation %s recall@%d=%.4f ndcg@%d=%.4f",
          fmt(tau), REPEAT, k, r.recall(), k, r.ndcg()));
      if (r.recall() > bestTauRecall) {
        bestTauRecall = r.recall();
        bestTau = tau;
      }
    }

    // ---- score on the test window: refit on everything before it
    List<InteractionLog.Event> before = split.trainAndValidation(log);
    Map<String, Set<String>> history = TemporalSplit.itemsByUser(before);
    Map<String, Set<String>> testItems = TemporalSplit.itemsByUser(split.test(log));
    Evaluator discovery = new Evaluator(DISCOVERY, history, testItems, catalog);
    Evaluator repeat = Evaluator.repeat(REPEAT, history, testItems, catalog);

    Recommender popularity = Baselines.popularity(before);
    Recommender recent = Baselines.popularityLastDays(before, split.testStart(), s.popularityDays());
    Recommender region = Baselines.regionPopularity(before, log.userRegions());
    Recommender knn = Baselines.itemKnn(before);
    gramStart = System.nanoTime();
    Ease.Gram gram = Ease.Gram.of(before, s.easeMaxItems(), s.easeMinBuyers());
    long gramMillis = (System.nanoTime() - gramStart) / 1_000_000;
    Ease easeDiscovery = Ease.fit(gram, bestDiscoveryLambda, recent);
    Ease easeRepeat = bestRepeatLambda == bestDiscoveryLambda ? easeDiscovery
        : Ease.fit(gram, bestRepeatLambda, recent);
    BuyAgain buyAgain = new BuyAgain(before, split.testStart(), bestTau, recent);
    String chosen = String.format(Locale.ROOT, "chosen on the validation window by recall@%d: ease λ=%s (%s), "
            + "λ=%s (%s); buy-again τ=%s d (half-life %.0f d). Test fit: ease over %d items (≥ %d buyers, at most "
            + "%d) and %d users, XᵀX %d ms, inverse + B %d ms", k, fmt(bestDiscoveryLambda), DISCOVERY,
        fmt(bestRepeatLambda), REPEAT, fmt(bestTau), bestTau * Math.log(2), gram.size(), s.easeMinBuyers(),
        s.easeMaxItems(), gram.users(), gramMillis, easeDiscovery.fitMillis());
    out.accept(chosen);

    List<Recommender> discoveryModels = List.of(popularity, recent, region, knn, easeDiscovery);
    List<Evaluator.Result> discoveryResults = new ArrayList<>();
    discoveryModels.forEach(m -> discoveryResults.add(discovery.evaluate(m, k)));
    List<Evaluator.Result> repeatResults = new ArrayList<>();
    for (Recommender m : List.<Recommender>of(buyAgain, recent, easeRepeat)) {
      repeatResults.add(repeat.evaluate(m, k));
    }
    out.accept(String.format("test window: %d users (discovery), %d users (repeat)", discovery.users(),
        repeat.users()));
    return new Outcome(discoveryModels, discoveryResults, repeatResults, chosen);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
