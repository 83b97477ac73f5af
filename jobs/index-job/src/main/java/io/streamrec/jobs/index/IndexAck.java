package io.streamrec.jobs.index;

/** The outcome of one {@link IndexCommand} after the writing stage. A Flink POJO. */
public final class IndexAck {
  public enum Kind {
    APPLIED,
    STALE,
    NOT_FOUND,
    RETIRED,
    FAILED,
    MARKER
  }

  public Kind kind;
  public IndexCommand.Kind command;
  public long generation;
  public String itemId;
  public long eventTs;
  /** Wall-clock time at which the write became searchable. */
  public long searchableAtMs;
  public boolean rebuild;
  public int subtask;
  public int parallelism;
  public String error;

  public IndexAck() {}

  static IndexAck of(Kind kind, IndexCommand c) {
    IndexAck a = new IndexAck();
    a.kind = kind;
    a.command = c.kind;
    a.generation = c.generation;
    a.itemId = c.itemId;
    a.eventTs = c.eventTs;
    a.rebuild = c.rebuild;
    a.subtask = c.subtask;
    a.parallelism = c.parallelism;
    a.error = c.error;
    a.searchableAtMs = System.currentTimeMillis();
    return a;
  }

  @Override
  public String toString() {
    return "IndexAck{" + kind + " " + command + " g" + generation + " " + itemId
        + (error != null ? " error=" + error : "") + "}";
  }
}
