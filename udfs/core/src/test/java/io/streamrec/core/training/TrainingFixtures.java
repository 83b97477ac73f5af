package io.streamrec.core.training;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.PredictionLog;
import io.streamrec.core.contract.RecResponse;
import io.streamrec.core.model.RankerFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Prediction logs and interactions for the training-log tests (public: the job module's tests use them too). */
public final class TrainingFixtures {
  private TrainingFixtures() {}

  public static final long T0 = 1_700_000_000_000L;
  public static final long MINUTE = 60_000L;
  public static final long HOUR = 60 * MINUTE;
  public static final long DAY = 24 * HOUR;

  /** A feature row whose first value is {@code first} (then first+1, ...), with user_age missing. */
  public static float[] features(float first) {
    float[] f = new float[RankerFeatures.SIZE];
    for (int i = 0; i < f.length; i++) {
      f[i] = first + i;
    }
    f[RankerFeatures.NAMES.indexOf("user_age")] = Float.NaN;
    return f;
  }

  public static PredictionLog.Entry entry(String item, int rank, float first) {
    return new PredictionLog.Entry(item, rank, -first, List.of("ann"), features(first), RecResponse.RecItem.RANKER,
        -first - 1.0);
  }

  /** A log of {@code user} at {@code ts}: {@code served} at ranks 1.., then {@code negatives}. */
  public static PredictionLog log(String requestId, String user, long ts, List<String> served,
      List<String> negatives) {
    List<PredictionLog.Entry> s = new ArrayList<>();
    for (int i = 0; i < served.size(); i++) {
      s.add(entry(served.get(i), i + 1, i + 1));
    }
    List<PredictionLog.Entry> n = new ArrayList<>();
    for (int i = 0; i < negatives.size(); i++) {
      n.add(entry(negatives.get(i), 0, 100 + i));
    }
    return new PredictionLog(requestId, user, ts, new RecResponse.Models("two-tower-v3", "ranker-v3",
        "first-stage-v3"), false, null, RankerFeatures.NAMES, s, n, s.size() + n.size(), s.size() + n.size(),
        Map.of("ann", 10), Map.of("seen", 1), Map.of("total", 3.5));
  }

  public static Interaction event(String user, String item, InteractionType type, long ts, String requestId) {
    Interaction i = Interaction.of("e-" + user + "-" + item + "-" + type.wireName() + "-" + ts, user, item, type, ts);
    i.requestId = requestId;
    return i;
  }

  public static Positive positive(String item, InteractionType type, long ts, String requestId) {
    return Positive.of(event("u", item, type, ts, requestId));
  }
}
