package io.streamrec.trainer;

import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.datasets.eval.InteractionLog;
import io.streamrec.trainer.twotower.TwoTowerExample;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Two-tower training examples from a log, point-in-time: each event becomes (the user as they were just before it,
 * the item they chose). The user side is what serving has at request time: the recent distinct items, newest
 * first, the region, the age (unknown in Online Retail II).
 */
public final class TwoTowerData {
  private TwoTowerData() {}

  /** Recent distinct items per user, newest first, updated as events are replayed. */
  public static final class Histories {
    private final Map<String, Deque<String>> recent = new HashMap<>();

    public List<String> recentItems(String user) {
      Deque<String> d = recent.get(user);
      return d == null ? List.of() : new ArrayList<>(d);
    }

    public void add(String user, String item) {
      Deque<String> d = recent.computeIfAbsent(user, u -> new ArrayDeque<>());
      d.remove(item);
      d.addFirst(item);
      while (d.size() > TwoTowerInputs.MAX_RECENT) {
        d.removeLast();
      }
    }

    public static Histories of(List<InteractionLog.Event> events) {
      Histories h = new Histories();
      events.forEach(e -> h.add(e.userId(), e.itemId()));
      return h;
    }
  }

  /** Examples from {@code events}, with histories built from {@code before} and then from the events themselves. */
  public static List<TwoTowerExample> examples(InteractionLog log, List<InteractionLog.Event> before,
      List<InteractionLog.Event> events) {
    Histories histories = Histories.of(before);
    List<TwoTowerExample> out = new ArrayList<>(events.size());
    for (InteractionLog.Event e : events) {
      TwoTowerInputs.ItemInput item = log.catalog().get(e.itemId());
      if (item != null) {
        out.add(new TwoTowerExample(new TwoTowerInputs.UserInput(histories.recentItems(e.userId()),
            log.userRegions().get(e.userId()), null), item));
      }
      histories.add(e.userId(), e.itemId());
    }
    return out;
  }
}
