package io.streamrec.jobs.feature;

import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.time.Time;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/** State descriptors the feature operators share. */
final class States {
  private States() {}

  /** A value state that expires {@code ttl} after its last write (readers never see an expired value). */
  static <T> ValueStateDescriptor<T> expiringState(String name, TypeInformation<T> type, Time ttl) {
    var descriptor = new ValueStateDescriptor<>(name, type);
    descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
        .neverReturnExpired()
        .build());
    return descriptor;
  }

  /** The state that remembers a pending flush timer. */
  static ValueStateDescriptor<Long> pendingFlushState() {
    return new ValueStateDescriptor<>(
        "pending-flush", Types.LONG);
  }
}
