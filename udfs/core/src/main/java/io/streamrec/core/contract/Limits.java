package io.streamrec.core.contract;

/** Bounds every parser enforces. A value outside them is a contract violation, not something to clamp. */
public final class Limits {
  /** Larger records are dead-lettered before parsing: nothing legitimate on our topics comes close. */
  public static final int MAX_RECORD_BYTES = 64 * 1024;
  /**
   * A prediction log carries a feature row per served and sampled item (k up to {@link #MAX_K}, plus the sampled
   * negatives, times the ranker's features): at k = 200 it passes 64 KiB. Kafka's default record limit is 1 MB.
   */
  public static final int MAX_PREDICTION_LOG_BYTES = 1024 * 1024;
  public static final int MAX_ID_LENGTH = 256;
  public static final int MAX_TEXT_LENGTH = 4096;
  public static final int MAX_LIST_SIZE = 1000;
  public static final int DEFAULT_K = 20;
  public static final int MAX_K = 200;
  /** Entries of one prediction log (served plus sampled): {@link #MAX_K} served and as many negatives. */
  public static final int MAX_LOGGED_ENTRIES = 2 * MAX_K;
  public static final int DEFAULT_DEADLINE_MS = 50;
  public static final int MAX_DEADLINE_MS = 10_000;
  /** 2000-01-01T00:00:00Z: anything earlier is a unit mix-up (seconds instead of millis) or garbage. */
  public static final long MIN_TS = 946_684_800_000L;
  /** 2100-01-01T00:00:00Z. */
  public static final long MAX_TS = 4_102_444_800_000L;
  public static final int MAX_AGE = 130;
  public static final double MAX_PRICE = 1e9;
  public static final long MAX_DWELL_MS = 24L * 3600 * 1000;
  public static final int MAX_POSITION = 10_000;
  /** Dead letters keep at most this much of the offending record. */
  public static final int MAX_DEAD_LETTER_RAW_CHARS = 4096;

  private Limits() {}
}
