package io.streamrec.datasets.eval;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A split by time: train on everything before {@code validationStart}, tune on the validation window, and test on
 * the last window — never the other way round, and the test window is never looked at while training or tuning.
 */
public record TemporalSplit(long validationStart, long testStart, long end) {

  public static final long DAY = 86_400_000L;

  /** The last {@code testDays} for testing, the {@code validationDays} before them for validation. */
  public static TemporalSplit lastDays(InteractionLog log, int validationDays, int testDays) {
    long end = log.lastTs() + 1;
    long testStart = end - testDays * DAY;
    return new TemporalSplit(testStart - validationDays * DAY, testStart, end);
  }

  public List<InteractionLog.Event> train(InteractionLog log) {
    return log.between(Long.MIN_VALUE, validationStart);
  }

  public List<InteractionLog.Event> validation(InteractionLog log) {
    return log.between(validationStart, testStart);
  }

  public List<InteractionLog.Event> trainAndValidation(InteractionLog log) {
    return log.between(Long.MIN_VALUE, testStart);
  }

  public List<InteractionLog.Event> test(InteractionLog log) {
    return log.between(testStart, end);
  }

  /** Each user's distinct items in {@code events}, in order of first occurrence. */
  public static Map<String, Set<String>> itemsByUser(List<InteractionLog.Event> events) {
    Map<String, Set<String>> out = new HashMap<>();
    for (InteractionLog.Event e : events) {
      out.computeIfAbsent(e.userId(), u -> new LinkedHashSet<>()).add(e.itemId());
    }
    return out;
  }
}
