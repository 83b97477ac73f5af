package io.streamrec.jobs.index;

import io.streamrec.core.contract.Item;
import io.streamrec.core.index.IndexWrite;
import io.streamrec.core.index.ItemAttributes;

/**
 * What flows from the item tasks through the embedding and writing stages: one change to one generation, or a
 * roll-out marker. A Flink POJO (a union by {@link #kind}).
 */
public final class IndexCommand {
  public enum Kind {
    /** Run the item tower, then upsert. */
    EMBED,
    /** Upsert with {@link #vector} (EMBED after the tower). */
    UPSERT,
    /** Attributes only: the vector stays. */
    UPDATE_ATTRIBUTES,
    DELETE,
    /** This subtask has emitted every item of {@link #generation}'s rebuild. */
    MARKER,
    /** A stage could not process the command; {@link #error} says why (becomes a dead letter). */
    FAILED
  }

  public Kind kind;
  public long generation;
  public String modelVersion;
  public String itemId;
  public long version;
  /** The item change's event time, for the freshness metric. */
  public long eventTs;
  /** Part of a roll-out rebuild (not a live change): excluded from the freshness metric. */
  public boolean rebuild;
  public Item item;
  public float[] vector;
  public int subtask;
  public int parallelism;
  public String error;

  public IndexCommand() {}

  static IndexCommand forItem(Kind kind, long generation, String model, Item item, long version, boolean rebuild) {
    IndexCommand c = new IndexCommand();
    c.kind = kind;
    c.generation = generation;
    c.modelVersion = model;
    c.itemId = item.itemId;
    c.version = version;
    c.eventTs = item.ts;
    c.rebuild = rebuild;
    c.item = item;
    return c;
  }

  static IndexCommand marker(long generation, int subtask, int parallelism) {
    IndexCommand c = new IndexCommand();
    c.kind = Kind.MARKER;
    c.generation = generation;
    c.subtask = subtask;
    c.parallelism = parallelism;
    return c;
  }

  IndexCommand failed(String reason) {
    kind = Kind.FAILED;
    error = reason;
    return this;
  }

  /** The index write this command stands for (UPSERT, UPDATE_ATTRIBUTES, DELETE). */
  IndexWrite toWrite() {
    return switch (kind) {
      case UPSERT -> new IndexWrite.Upsert(generation, itemId, vector, ItemAttributes.of(item), version);
      case UPDATE_ATTRIBUTES -> new IndexWrite.UpdateAttributes(generation, itemId, ItemAttributes.of(item), version);
      case DELETE -> new IndexWrite.Delete(generation, itemId, version);
      default -> throw new IllegalStateException(kind + " is not an index write");
    };
  }

  @Override
  public String toString() {
    return "IndexCommand{" + kind + " g" + generation + " " + itemId + " v" + version
        + (error != null ? " error=" + error : "") + "}";
  }
}
