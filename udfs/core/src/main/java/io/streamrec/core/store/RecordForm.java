package io.streamrec.core.store;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * A compact binary form of one kind of store record, for writers that hold the record as an object (the feature
 * job's user and item states) and readers that want that object back (serving). A write in this form
 * ({@link FeatureWrite#encoded}) carries the bytes; a backend that can keep them (the embedded store) keeps them as
 * they are, and anything that needs bins gets exactly {@link #bins} and {@link #mapMerges} of the decoded value, so
 * a record reads the same from every backend.
 *
 * <p>Implementations are stateless singletons: records refer to their form, and readers compare forms by identity.
 *
 * @param <T> what the bytes decode to
 */
public interface RecordForm<T> extends Serializable {

  /** Writes the value's record. */
  void write(T value, DataOutput out) throws IOException;

  /** Reads what {@link #write} wrote. */
  T read(DataInput in) throws IOException;

  /** The bins the value's record upserts; every bin any record of this form has (so a record is complete alone). */
  Map<String, Object> bins(T value);

  /** The bounded map bins the record merges (see {@link FeatureWrite.NewestEntries}); none by default. */
  default List<FeatureWrite.NewestEntries> mapMerges(T value) {
    return List.of();
  }
}
