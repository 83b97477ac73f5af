package io.streamrec.jobs.feature;

/** State descriptors the feature operators share. */
final class States {
  private States() {}

  /** A value state that expires {@code ttl} after its last write (readers never see an expired value). */
  static <T> org.apache.flink.api.common.state.ValueStateDescriptor<T> expiringState(String name, Class<T> type,
      org.apache.flink.api.common.time.Time ttl) {
    var descriptor = new org.apache.flink.api.common.state.ValueStateDescriptor<>(name, type);
    descriptor.enableTimeToLive(org.apache.flink.api.common.state.StateTtlConfig.newBuilder(ttl)
        .setUpdateType(org.apache.flink.api.common.state.StateTtlConfig.UpdateType.OnCreateAndWrite)
        .neverReturnExpired()
        .build());
    return descriptor;
  }

  /** The state that remembers a pending flush timer. */
  static org.apache.flink.api.common.state.ValueStateDescriptor<Long> pendingFlushState() {
    return new org.apache.flink.api.common.state.ValueStateDescriptor<>(
        "pending-flush", org.apache.flink.api.common.typeinfo.Types.LONG);
  }
}
