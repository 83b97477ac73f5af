package io.streamrec.serving;

import io.streamrec.core.features.ItemFeatureState;
import io.streamrec.core.features.ItemFeatureView;
import io.streamrec.core.model.RankerFeatures;
import io.streamrec.core.store.FeatureRecord;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decoded item records, kept per item and record version, shared by every request of a serving JVM: a request
 * reads a few hundred item records, most of which did not change since the last request that read them, so
 * decoding each (bins map → windowed counts, lists, attributes) once per version instead of once per read takes
 * the decode off the request path. A record with a newer version replaces the cached one.
 *
 * <p>Views are shared too, per {@value #VIEW_GRANULARITY_MS} ms: a request at instant {@code t} gets the item as of
 * {@code t} rounded down to that granularity (the store's records are themselves written a flush interval after
 * the events), and with it the item's part of the ranker's row ({@link RankerFeatures#writeItem}), computed once
 * for every request of that instant instead of once per request.
 *
 * <p>The decode is also left on the record ({@link FeatureRecord#decoded}): the embedded store hands out the same
 * record instance until it is rewritten, so a request finds the decode there without a lookup in this cache's map
 * (one random read of a large map less per candidate); a backend that builds new records per read (Aerospike)
 * finds it in the map.
 *
 * <p>Bounded: past {@code maxItems} entries the cache starts again from empty (a catalog larger than the bound
 * then decodes more often, nothing else changes).
 */
final class DecodedItems {
  /** Requests within this many milliseconds share an item's view and its ranker features. */
  static final long VIEW_GRANULARITY_MS = 1_000;

  /** The item as of one instant, and its part of the ranker's row (written on first use). */
  private static final class Snapshot {
    final long asOf;
    final ItemFeatureView view;
    volatile float[] row;

    Snapshot(long asOf, ItemFeatureView view) {
      this.asOf = asOf;
      this.view = view;
    }
  }

  private static final class Entry {
    final long version;
    final long expiresAtMillis;
    final ItemFeatureState state;
    volatile Snapshot latest;

    Entry(long version, long expiresAtMillis, ItemFeatureState state) {
      this.version = version;
      this.expiresAtMillis = expiresAtMillis;
      this.state = state;
    }

    boolean matches(String itemId, FeatureRecord record) {
      return version == record.version() && expiresAtMillis == record.expiresAtMillis()
          && state.itemId.equals(itemId);
    }
  }

  private final ConcurrentHashMap<String, Entry> byItem = new ConcurrentHashMap<>();
  private final int maxItems;

  DecodedItems(int maxItems) {
    this.maxItems = maxItems;
  }

  /** {@code asOf} rounded down to the views' granularity. */
  static long instant(long asOf) {
    return asOf - Math.floorMod(asOf, VIEW_GRANULARITY_MS);
  }

  /** The view of {@code record} (item {@code itemId}) as of {@link #instant}{@code (asOf)}. */
  ItemFeatureView view(String itemId, FeatureRecord record, long asOf) {
    Entry e = entry(itemId, record);
    long at = instant(asOf);
    Snapshot s = e.latest;
    if (s == null || s.asOf != at) {
      s = new Snapshot(at, e.state.view(at));
      e.latest = s;
    }
    return s.view;
  }

  private Entry entry(String itemId, FeatureRecord record) {
    if (record.decoded() instanceof Entry own && own.matches(itemId, record)) {
      return own;
    }
    Entry e = byItem.get(itemId);
    if (e == null || !e.matches(itemId, record)) {
      e = new Entry(record.version(), record.expiresAtMillis(), ItemFeatureState.decode(itemId, record));
      if (byItem.size() >= maxItems) {
        byItem.clear();
      }
      byItem.put(itemId, e);
    }
    record.decoded(e);
    return e;
  }

  /**
   * The item part of the ranker's row ({@link RankerFeatures#ITEM_SIZE} values) for a view this cache returned
   * from {@code record}: shared by the requests that got the same view, computed by the first. Read-only for the
   * caller.
   */
  float[] itemFeatures(FeatureRecord record, ItemFeatureView view) {
    Entry e = record != null && record.decoded() instanceof Entry own && own.matches(view.itemId(), record) ? own
        : byItem.get(view.itemId());
    Snapshot s = e == null ? null : e.latest;
    if (s == null || s.view != view) {
      float[] own = new float[RankerFeatures.ITEM_SIZE]; // the cache moved on: computed for this view alone
      RankerFeatures.writeItem(view, own, 0);
      return own;
    }
    float[] row = s.row;
    if (row == null) {
      row = new float[RankerFeatures.ITEM_SIZE];
      RankerFeatures.writeItem(view, row, 0);
      s.row = row;
    }
    return row;
  }

  int size() {
    return byItem.size();
  }
}
