package io.streamrec.jobs.serving;

import io.streamrec.jobs.common.OutRecord;
import org.apache.flink.statefun.sdk.FunctionType;
import org.apache.flink.statefun.sdk.io.EgressIdentifier;

/** The StateFun function types and egresses of the serving pipeline, declared once. */
public final class Identifiers {
  public static final String NAMESPACE = "streamrec";

  /** One instance per user id: holds the session and answers that user's requests. */
  public static final FunctionType USER_SESSION = new FunctionType(NAMESPACE, "user-session");

  /** Everything the functions send to Kafka, already in wire form. */
  public static final EgressIdentifier<OutRecord> KAFKA_OUT =
      new EgressIdentifier<>(NAMESPACE, "kafka-out", OutRecord.class);

  /** Per-request numbers for the "serving metrics" operator. */
  public static final EgressIdentifier<ServingStats> STATS_OUT =
      new EgressIdentifier<>(NAMESPACE, "stats", ServingStats.class);

  private Identifiers() {}
}
