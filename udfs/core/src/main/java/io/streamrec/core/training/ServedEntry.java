package io.streamrec.core.training;

import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.PredictionLog;
import io.streamrec.core.contract.RecResponse;
import io.streamrec.core.model.RankerFeatures;
import java.util.ArrayList;
import java.util.List;

/**
 * One served (or sampled, unserved) item of a prediction log, waiting for its label: what the ranking stages saw
 * then, and the strongest positive event matched so far. Mutable, kept in the training-log job's keyed state.
 */
public final class ServedEntry {
  /** The ranker's current feature names, shared by every entry that logged them (most do). */
  static final String[] CURRENT_FEATURE_NAMES = RankerFeatures.NAMES.toArray(String[]::new);

  public String requestId;
  public String itemId;
  /** Event time of the request the item was served for. */
  public long servedAt;
  /** True for an item of the response, false for a sampled unserved candidate. */
  public boolean served;
  public int rank;
  public double score;
  public String scoredBy;
  /** NaN when the first stage did not score the item. */
  public double firstStageScore = Double.NaN;
  public String[] sources;
  public String retrievalModel;
  public String rankingModel;
  public String firstStageModel;
  public String[] featureNames;
  public float[] features;

  /** The strongest positive type matched so far (its ordinal), or -1. */
  public int labelType = -1;
  /** The earliest event time of a matched event of {@link #labelType}. */
  public long labelTs;
  /** Whether a matched event of {@link #labelType} named this entry's request (else matched by user and item). */
  public boolean labelByRequest;

  public ServedEntry() {}

  /**
   * The entries of a log that the ranker scored (with features), served first, each item once (the first time it
   * appears); entries without features (ranking skipped or degraded) cannot train a ranker and are left out.
   */
  public static List<ServedEntry> of(PredictionLog log) {
    List<ServedEntry> out = new ArrayList<>(log.served().size() + log.negatives().size());
    String[] names = names(log.featureNames());
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int pass = 0; pass < 2; pass++) {
      for (PredictionLog.Entry e : pass == 0 ? log.served() : log.negatives()) {
        if (e.features() == null || e.features().length == 0 || !seen.add(e.itemId())) {
          continue;
        }
        ServedEntry s = new ServedEntry();
        s.requestId = log.requestId();
        s.itemId = e.itemId();
        s.servedAt = log.ts();
        s.served = pass == 0;
        s.rank = e.rank();
        s.score = e.score();
        s.scoredBy = e.scoredBy();
        s.firstStageScore = e.firstStageScore() == null ? Double.NaN : e.firstStageScore();
        s.sources = e.sources().toArray(String[]::new);
        RecResponse.Models m = log.models();
        if (m != null) {
          s.retrievalModel = m.retrieval();
          s.rankingModel = m.ranking();
          s.firstStageModel = m.firstStage();
        }
        s.featureNames = names;
        s.features = e.features();
        out.add(s);
      }
    }
    return out;
  }

  /** How many entries of a log {@link #of} leaves out for having no features. */
  public static int withoutFeatures(PredictionLog log) {
    int n = 0;
    for (List<PredictionLog.Entry> list : List.of(log.served(), log.negatives())) {
      for (PredictionLog.Entry e : list) {
        n += e.features() == null || e.features().length == 0 ? 1 : 0;
      }
    }
    return n;
  }

  static String[] names(List<String> names) {
    return names.equals(RankerFeatures.NAMES) ? CURRENT_FEATURE_NAMES : names.toArray(String[]::new);
  }

  public boolean isPositive() {
    return labelType >= 0;
  }

  /** The label's positive type, or null. */
  public InteractionType positiveType() {
    return labelType < 0 ? null : InteractionType.ofOrdinal(labelType);
  }

  /**
   * Whether {@code p} labels this entry: the same item, within the label window of its type after the item was
   * served, and either naming this entry's request or, when it names none, happening after it was served. An
   * event naming another request never labels this one.
   */
  boolean matches(Positive p, TrainingLogSettings settings) {
    if (!p.itemId.equals(itemId)) {
      return false;
    }
    long window = settings.windowMs(InteractionType.ofOrdinal(p.type));
    if (window <= 0 || p.ts > servedAt + window) {
      return false;
    }
    // With a request id the event says where it came from (its clock may lag serving's by a little);
    // without one, only an event after the item was shown can be its outcome.
    return p.requestId != null ? p.requestId.equals(requestId) : p.ts >= servedAt;
  }

  /**
   * Records a matching event; the outcome does not depend on the order events arrive in: the strongest type wins,
   * then the earliest event of it, and "by request" once any event of that type named the request.
   */
  void label(Positive p, TrainingLogSettings settings) {
    InteractionType type = InteractionType.ofOrdinal(p.type);
    boolean byRequest = p.requestId != null;
    if (labelType < 0 || settings.priority(type) < settings.priority(InteractionType.ofOrdinal(labelType))) {
      labelType = p.type;
      labelTs = p.ts;
      labelByRequest = byRequest;
    } else if (labelType == p.type) {
      labelTs = Math.min(labelTs, p.ts);
      labelByRequest |= byRequest;
    }
  }
}
