package io.streamrec.core.serving;

import io.streamrec.core.features.ItemFeatureView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The serving filters, each counted by reason so the web UI shows what was removed. Two passes: what the request
 * and the session decide ({@link #byViewer}: excludes, bought, seen/served) before the batched item-feature
 * lookup, and what the catalog decides ({@link #byCatalog}: unknown or deleted items, sold out, region, age) after
 * it. The ANN source already pushes the catalog filters into the index query; the other sources need them here.
 */
public final class CandidateFilters {
  private CandidateFilters() {}

  /** Why a candidate was dropped; the wire name is the metric's suffix. */
  public enum Reason {
    EXCLUDED("excluded"),
    BOUGHT("bought"),
    SEEN("seen"),
    UNKNOWN_ITEM("unknown_item"),
    SOLD_OUT("sold_out"),
    REGION("region"),
    AGE("age");

    private final String wireName;

    Reason(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  /**
   * Who is asking.
   *
   * @param region the viewer's region, null when unknown (no region filter)
   * @param age the viewer's age, null when unknown: then only unrestricted items ({@code min_age} 0) pass
   * @param bought items the user bought (never recommended again)
   * @param seen items served recently or interacted with in this session
   * @param excluded the request's {@code exclude} list
   */
  public record Viewer(String region, Integer age, Set<String> bought, Set<String> seen, Set<String> excluded) {
    public Viewer {
      bought = Set.copyOf(Objects.requireNonNull(bought));
      seen = Set.copyOf(Objects.requireNonNull(seen));
      excluded = Set.copyOf(Objects.requireNonNull(excluded));
    }

    /** The largest {@code min_age} this viewer may see. */
    public int maxMinAge() {
      return age == null ? 0 : Math.max(0, age);
    }
  }

  /** Drop counts by reason for one request. */
  public static final class Counts {
    private final int[] counts = new int[Reason.values().length];

    public void add(Reason r) {
      counts[r.ordinal()]++;
    }

    public int get(Reason r) {
      return counts[r.ordinal()];
    }

    public int total() {
      int t = 0;
      for (int c : counts) {
        t += c;
      }
      return t;
    }
  }

  public static List<Candidate> byViewer(List<Candidate> in, Viewer v, Counts counts) {
    List<Candidate> out = new ArrayList<>(in.size());
    for (Candidate c : in) {
      String id = c.itemId();
      if (v.excluded().contains(id)) {
        counts.add(Reason.EXCLUDED);
      } else if (v.bought().contains(id)) {
        counts.add(Reason.BOUGHT);
      } else if (v.seen().contains(id)) {
        counts.add(Reason.SEEN);
      } else {
        out.add(c);
      }
    }
    return out;
  }

  /** Keeps candidates whose catalog record allows showing them to the viewer; a missing record drops the item. */
  public static List<Candidate> byCatalog(List<Candidate> in, Map<String, ItemFeatureView> items, Viewer v,
      Counts counts) {
    List<Candidate> out = new ArrayList<>(in.size());
    for (Candidate c : in) {
      Reason r = catalogReason(items.get(c.itemId()), v);
      if (r == null) {
        out.add(c);
      } else {
        counts.add(r);
      }
    }
    return out;
  }

  /** Why the catalog forbids showing the item to the viewer, or null if it may be shown. */
  public static Reason catalogReason(ItemFeatureView item, Viewer v) {
    if (item == null || !item.inCatalog() || item.deleted()) {
      return Reason.UNKNOWN_ITEM; // unknown: its stock and age limit cannot be checked, so it is not shown
    }
    if (!item.inStock()) {
      return Reason.SOLD_OUT;
    }
    if (v.region() != null && !item.regions().isEmpty() && !item.regions().contains(v.region())) {
      return Reason.REGION;
    }
    if (item.minAge() > v.maxMinAge()) {
      return Reason.AGE;
    }
    return null;
  }
}
