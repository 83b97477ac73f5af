package io.streamrec.jobs.feature;

import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;

/** State descriptors the feature operators share. */
final class States {
  private States() {}

  /** The state that remembers a pending flush timer. */
  static ValueStateDescriptor<Long> pendingFlushState() {
    return new ValueStateDescriptor<>(
        "pending-flush", Types.LONG);
  }
}
