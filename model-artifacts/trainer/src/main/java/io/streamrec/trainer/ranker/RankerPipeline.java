package io.streamrec.trainer.ranker;

import io.streamrec.core.features.FeatureReplay;
import io.streamrec.datasets.eval.CandidateSource;
import io.streamrec.datasets.eval.InteractionLog;
import io.streamrec.datasets.eval.Replays;
import io.streamrec.datasets.eval.TemporalSplit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * How the ranker is trained without looking at the test window: retrieval trained on the training events proposes
 * candidates for the users of the validation window, features are replayed as of the window's start, and the labels
 * are what those users bought in the window (new to them). A fifth of those users is held out for the ranker's own
 * validation AUC.
 */
public final class RankerPipeline {
  private RankerPipeline() {}

  /** The ranking examples: rows to fit on, and the held-out users' rows to validate on. */
  public record Data(RankerData fit, RankerData validation) {}

  public static RankerTrainer.Result train(InteractionLog log, TemporalSplit split,
      Function<List<InteractionLog.Event>, CandidateSource> retrieval, int candidatesPerUser,
      RankerTrainer.Config config) throws XGBoostError {
    Data data = data(log, split, retrieval, candidatesPerUser);
    return RankerTrainer.train(data.fit(), data.validation(), config);
  }

  /** Builds the examples both ranking stages train on. */
  public static Data data(InteractionLog log, TemporalSplit split,
      Function<List<InteractionLog.Event>, CandidateSource> retrieval, int candidatesPerUser) {
    List<InteractionLog.Event> train = split.train(log);
    Map<String, Set<String>> history = TemporalSplit.itemsByUser(train);
    Map<String, Set<String>> window = TemporalSplit.itemsByUser(split.validation(log));
    FeatureReplay features = Replays.asOf(log, log.events(), split.validationStart());
    CandidateSource source = retrieval.apply(train);

    List<String> fitUsers = new ArrayList<>();
    List<String> heldOut = new ArrayList<>();
    for (String user : new java.util.TreeSet<>(window.keySet())) {
      Set<String> fresh = new HashSet<>(window.get(user));
      fresh.removeAll(history.getOrDefault(user, Set.of()));
      if (fresh.isEmpty()) {
        continue;
      }
      (Math.floorMod(user.hashCode(), 5) == 0 ? heldOut : fitUsers).add(user);
    }
    RankerData fit = RankerData.build(features, split.validationStart(), fitUsers, history, window, source,
        candidatesPerUser);
    RankerData val = RankerData.build(features, split.validationStart(), heldOut, history, window, source,
        candidatesPerUser);
    return new Data(fit, val);
  }
}
