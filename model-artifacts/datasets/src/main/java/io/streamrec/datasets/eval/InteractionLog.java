package io.streamrec.datasets.eval;

import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.datasets.OnlineRetailDataset;
import io.streamrec.datasets.Purchase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An interaction log in event-time order with its catalog and user regions: what every model is trained and
 * evaluated on. Built from the bundled Online Retail II derivative (every purchase line is an event), or from our
 * own training logs later.
 */
public record InteractionLog(List<Event> events, Map<String, TwoTowerInputs.ItemInput> catalog,
    Map<String, String> userRegions) {

  /** One interaction: who, what, when, where. */
  public record Event(String userId, String itemId, long ts, String region) {}

  public InteractionLog {
    events = List.copyOf(events);
    catalog = Map.copyOf(catalog);
    userRegions = Map.copyOf(userRegions);
  }

  public static InteractionLog of(OnlineRetailDataset data) {
    List<Event> events = new ArrayList<>(data.purchases().size());
    for (Purchase p : data.purchases()) {
      events.add(new Event(p.userId(), p.itemId(), p.ts(), p.country()));
    }
    events.sort(Comparator.comparingLong(Event::ts));
    Map<String, TwoTowerInputs.ItemInput> catalog = new HashMap<>();
    for (var item : data.items()) {
      catalog.put(item.itemId(), new TwoTowerInputs.ItemInput(item.itemId(), item.title(), item.category(),
          item.price()));
    }
    Map<String, String> regions = new HashMap<>();
    for (var user : data.users()) {
      regions.put(user.userId(), user.country());
    }
    return new InteractionLog(events, catalog, regions);
  }

  public long firstTs() {
    return events.get(0).ts();
  }

  public long lastTs() {
    return events.get(events.size() - 1).ts();
  }

  /** The events with {@code from <= ts < to}. */
  public List<Event> between(long from, long to) {
    List<Event> out = new ArrayList<>();
    for (Event e : events) {
      if (e.ts() >= from && e.ts() < to) {
        out.add(e);
      }
    }
    return out;
  }

  /** The first {@code n} events: a small log for quick runs. */
  public InteractionLog head(int n) {
    return new InteractionLog(events.subList(0, Math.min(n, events.size())), catalog, userRegions);
  }

  /** A stable fingerprint of the events (count, time range, and a hash of ids), recorded in model manifests. */
  public String fingerprint() {
    long h = 0xcbf29ce484222325L;
    for (Event e : events) {
      h = (h ^ e.userId().hashCode()) * 0x100000001b3L;
      h = (h ^ e.itemId().hashCode()) * 0x100000001b3L;
      h = (h ^ Long.hashCode(e.ts())) * 0x100000001b3L;
    }
    return String.format("events=%d first=%d last=%d hash=%016x", events.size(), firstTs(), lastTs(), h);
  }
}
