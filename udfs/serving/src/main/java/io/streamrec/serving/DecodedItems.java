package io.streamrec.serving;

import io.streamrec.core.features.ItemFeatureState;
import io.streamrec.core.features.ItemFeatureView;
import io.streamrec.core.store.FeatureRecord;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decoded item records, kept per item and record version, shared by every request of a serving JVM: a request
 * reads a few hundred item records, most of which did not change since the last request that read them, so
 * decoding each (bins map → windowed counts, lists, attributes) once per version instead of once per read takes
 * the decode off the request path. A record with a newer version replaces the cached one; a view is made per
 * request for the request's instant (views only read the shared state).
 *
 * <p>Bounded: past {@code maxItems} entries the cache starts again from empty (a catalog larger than the bound
 * then decodes more often, nothing else changes).
 */
final class DecodedItems {
  private record Entry(long version, long expiresAtMillis, ItemFeatureState state) {}

  private final ConcurrentHashMap<String, Entry> byItem = new ConcurrentHashMap<>();
  private final int maxItems;

  DecodedItems(int maxItems) {
    this.maxItems = maxItems;
  }

  /** The view of {@code record} (item {@code itemId}) as of {@code asOf}. */
  ItemFeatureView view(String itemId, FeatureRecord record, long asOf) {
    Entry e = byItem.get(itemId);
    if (e == null || e.version() != record.version() || e.expiresAtMillis() != record.expiresAtMillis()) {
      e = new Entry(record.version(), record.expiresAtMillis(), ItemFeatureState.decode(itemId, record));
      if (byItem.size() >= maxItems) {
        byItem.clear();
      }
      byItem.put(itemId, e);
    }
    return e.state().view(asOf);
  }

  int size() {
    return byItem.size();
  }
}
