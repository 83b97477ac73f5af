package io.streamrec.core.features;

import static io.streamrec.core.codec.CompactIO.readString;
import static io.streamrec.core.codec.CompactIO.readVarInt;
import static io.streamrec.core.codec.CompactIO.readVarLong;
import static io.streamrec.core.codec.CompactIO.writeString;
import static io.streamrec.core.codec.CompactIO.writeVarInt;
import static io.streamrec.core.codec.CompactIO.writeVarLong;

import io.streamrec.core.codec.StateCodec;
import io.streamrec.core.codec.StringPool;
import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Compact forms of the events that cross the feature job's keyed exchanges ({@link Interaction},
 * {@link EnrichedInteraction}): Flink's POJO serializer sets each field by reflection and was 8.5 µs of the ~100 µs
 * an interaction cost (docs/benchmarks.md). Strings as UTF-8, the type as one byte, optional numbers behind a
 * presence bit.
 */
public final class EventCodecs {
  private EventCodecs() {}

  private static final InteractionType[] TYPES = InteractionType.values();
  private static final int HAS_POSITION = 1;
  private static final int HAS_DWELL = 2;
  private static final int HAS_PRICE = 4;

  /** {@link Interaction}, format 1. */
  public static final class Interactions implements StateCodec<Interaction> {
    private static final long serialVersionUID = 1L;

    @Override
    public int version() {
      return 1;
    }

    @Override
    public void write(Interaction i, DataOutput out) throws IOException {
      writeInteraction(i, 0, out);
    }

    @Override
    public Interaction read(DataInput in, int version) throws IOException {
      Interaction i = new Interaction();
      readInteraction(i, in);
      return i;
    }
  }

  /** {@link EnrichedInteraction}, format 1: the interaction, then the item's category and price. */
  public static final class Enriched implements StateCodec<EnrichedInteraction> {
    private static final long serialVersionUID = 1L;

    @Override
    public int version() {
      return 1;
    }

    @Override
    public void write(EnrichedInteraction e, DataOutput out) throws IOException {
      writeInteraction(e.interaction, e.price != null ? HAS_PRICE : 0, out);
      writeString(out, e.category);
      if (e.price != null) {
        out.writeDouble(e.price);
      }
    }

    @Override
    public EnrichedInteraction read(DataInput in, int version) throws IOException {
      EnrichedInteraction e = new EnrichedInteraction();
      e.interaction = new Interaction();
      int flags = readInteraction(e.interaction, in);
      e.category = readString(in, StringPool.TERMS);
      e.price = (flags & HAS_PRICE) != 0 ? in.readDouble() : null;
      return e;
    }
  }

  private static void writeInteraction(Interaction i, int extraFlags, DataOutput out) throws IOException {
    int flags = extraFlags | (i.position != null ? HAS_POSITION : 0) | (i.dwellMs != null ? HAS_DWELL : 0);
    out.writeByte(flags);
    out.writeByte(i.type.ordinal());
    writeString(out, i.eventId);
    writeString(out, i.userId);
    writeString(out, i.itemId);
    writeVarLong(out, i.ts);
    writeString(out, i.requestId);
    writeString(out, i.region);
    if (i.position != null) {
      writeVarInt(out, i.position);
    }
    if (i.dwellMs != null) {
      writeVarLong(out, i.dwellMs);
    }
  }

  /** Reads into {@code i}; returns the flags byte. */
  private static int readInteraction(Interaction i, DataInput in) throws IOException {
    int flags = in.readUnsignedByte();
    int type = in.readUnsignedByte();
    if (type >= TYPES.length) {
      throw new IOException("interaction type " + type + " out of range");
    }
    i.type = TYPES[type];
    i.eventId = readString(in);
    i.userId = readString(in);
    i.itemId = readString(in, StringPool.IDS);
    i.ts = readVarLong(in);
    i.requestId = readString(in);
    i.region = readString(in, StringPool.TERMS);
    i.position = (flags & HAS_POSITION) != 0 ? readVarInt(in) : null;
    i.dwellMs = (flags & HAS_DWELL) != 0 ? readVarLong(in) : null;
    return flags;
  }
}
