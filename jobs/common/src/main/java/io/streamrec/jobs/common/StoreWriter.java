package io.streamrec.jobs.common;

import io.streamrec.core.store.FeatureKey;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/** Turns a job's output element into one feature-store write. */
public interface StoreWriter<T> extends Serializable {

  FeatureKey key(T element);

  Map<String, Object> bins(T element);

  /** Event-time version of the write; the store refuses writes older than what it holds. */
  long version(T element);

  /** Time to live of the record; {@link Duration#ZERO} = never expires. */
  Duration ttl(T element);
}
