package io.streamrec.core.features;

import static io.streamrec.core.codec.CompactIO.readDoubles;
import static io.streamrec.core.codec.CompactIO.readLongDeltas;
import static io.streamrec.core.codec.CompactIO.readString;
import static io.streamrec.core.codec.CompactIO.readStrings;
import static io.streamrec.core.codec.CompactIO.readVarInt;
import static io.streamrec.core.codec.CompactIO.readVarLong;
import static io.streamrec.core.codec.CompactIO.writeDoubles;
import static io.streamrec.core.codec.CompactIO.writeLongDeltas;
import static io.streamrec.core.codec.CompactIO.writeString;
import static io.streamrec.core.codec.CompactIO.writeStrings;
import static io.streamrec.core.codec.CompactIO.writeVarInt;
import static io.streamrec.core.codec.CompactIO.writeVarLong;

import io.streamrec.core.codec.CompactIO;
import io.streamrec.core.codec.StateCodec;
import io.streamrec.core.contract.InteractionType;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The compact state forms of the feature job's keyed state ({@link UserFeatureState}, {@link ItemFeatureState}).
 * A windowed counter keeps only its non-empty slots, timestamps in order are written as differences, interaction
 * types as one byte: a user with ten recent events takes a few hundred bytes where the field-by-field POJO form
 * took kilobytes, and a value goes to the checkpoint stream in one bulk write.
 */
public final class FeatureStateCodecs {
  private FeatureStateCodecs() {}

  private static final int TYPES = InteractionType.values().length;

  /** {@link UserFeatureState}, format 2 (1: duplicate-detection ids as strings; 2: as hashes). */
  public static final class Users implements StateCodec<UserFeatureState> {
    private final boolean seenEvents;

    public Users() {
      this(true);
    }

    /** @param seenEvents false: leave the duplicate-detection ids out (the store form, which needs none) */
    Users(boolean seenEvents) {
      this.seenEvents = seenEvents;
    }

    @Override
    public int version() {
      return 2;
    }

    @Override
    public void write(UserFeatureState s, DataOutput out) throws IOException {
      writeString(out, s.userId);
      writeCounts(out, s.counts);
      writeStrings(out, s.recentEventIds);
      writeStrings(out, s.recentItems);
      CompactIO.writeInteractionTypes(out, s.recentTypes);
      writeLongDeltas(out, s.recentTs);
      writeStrings(out, s.boughtItems);
      writeLongDeltas(out, s.boughtTs);
      writeStrings(out, s.categories);
      writeDoubles(out, s.categoryLogScores);
      out.writeDouble(s.priceLogSum);
      out.writeDouble(s.priceLogWeight);
      writeVarLong(out, s.lastActiveTs);
      writeVarInt(out, s.age == null ? 0 : s.age + 1);
      writeString(out, s.profileRegion);
      writeString(out, s.eventRegion);
      writeVarLong(out, s.eventRegionTs);
      writeVarLong(out, s.profileTs);
      writeVarLong(out, s.version);
      writeVarLong(out, s.sequence);
      writeRecentIds(out, s.seenEvents, seenEvents);
    }

    @Override
    public UserFeatureState read(DataInput in, int version) throws IOException {
      UserFeatureState s = new UserFeatureState();
      s.userId = readString(in);
      s.counts = readCounts(in);
      s.recentEventIds = readStrings(in);
      s.recentItems = readStrings(in);
      s.recentTypes = CompactIO.readInteractionTypes(in);
      s.recentTs = readLongDeltas(in);
      s.boughtItems = readStrings(in);
      s.boughtTs = readLongDeltas(in);
      s.categories = readStrings(in);
      s.categoryLogScores = readDoubles(in);
      s.priceLogSum = in.readDouble();
      s.priceLogWeight = in.readDouble();
      s.lastActiveTs = readVarLong(in);
      int age = readVarInt(in);
      s.age = age == 0 ? null : age - 1;
      s.profileRegion = readString(in);
      s.eventRegion = readString(in);
      s.eventRegionTs = readVarLong(in);
      s.profileTs = readVarLong(in);
      s.version = readVarLong(in);
      s.sequence = readVarLong(in);
      s.seenEvents = readRecentIds(in, version);
      return s;
    }
  }

  /** {@link ItemFeatureState}, format 2 (as {@link Users}). */
  public static final class Items implements StateCodec<ItemFeatureState> {
    private final boolean seenEvents;

    public Items() {
      this(true);
    }

    /** @param seenEvents false: leave the duplicate-detection ids out (the store form, which needs none) */
    Items(boolean seenEvents) {
      this.seenEvents = seenEvents;
    }

    @Override
    public int version() {
      return 2;
    }

    @Override
    public void write(ItemFeatureState s, DataOutput out) throws IOException {
      writeString(out, s.itemId);
      writeString(out, s.title);
      writeString(out, s.category);
      out.writeBoolean(s.price != null);
      if (s.price != null) {
        out.writeDouble(s.price);
      }
      out.writeBoolean(s.inStock);
      writeStrings(out, s.regions);
      writeVarLong(out, s.minAge);
      out.writeBoolean(s.deleted);
      writeVarLong(out, s.catalogTs);
      writeCounts(out, s.counts);
      out.writeDouble(s.popularityLog);
      writeVarLong(out, s.firstSeenTs);
      writeVarLong(out, s.lastEventTs);
      writeVarLong(out, s.version);
      writeVarLong(out, s.sequence);
      writeRecentIds(out, s.seenEvents, seenEvents);
    }

    @Override
    public ItemFeatureState read(DataInput in, int version) throws IOException {
      ItemFeatureState s = new ItemFeatureState();
      s.itemId = readString(in);
      s.title = readString(in);
      s.category = readString(in);
      s.price = in.readBoolean() ? in.readDouble() : null;
      s.inStock = in.readBoolean();
      s.regions = readStrings(in);
      s.minAge = (int) readVarLong(in);
      s.deleted = in.readBoolean();
      s.catalogTs = readVarLong(in);
      s.counts = readCounts(in);
      s.popularityLog = in.readDouble();
      s.firstSeenTs = readVarLong(in);
      s.lastEventTs = readVarLong(in);
      s.version = readVarLong(in);
      s.sequence = readVarLong(in);
      s.seenEvents = readRecentIds(in, version);
      return s;
    }
  }

  /** Counters by type ordinal: a bit per type present, then each counter's non-empty slots. */
  static void writeCounts(DataOutput out, WindowedCounts[] byType) throws IOException {
    writeVarInt(out, byType.length);
    for (WindowedCounts c : byType) {
      if (c == null) {
        out.writeByte(0);
        continue;
      }
      int used = 0;
      for (long b : c.buckets) {
        if (b >= 0) {
          used++;
        }
      }
      writeVarInt(out, used + 1);
      for (int slot = 0; slot < c.buckets.length; slot++) {
        if (c.buckets[slot] >= 0) {
          writeVarInt(out, slot);
          writeVarLong(out, c.buckets[slot]);
          writeVarInt(out, c.counts[slot]);
        }
      }
    }
  }

  static WindowedCounts[] readCounts(DataInput in) throws IOException {
    int n = readVarInt(in);
    WindowedCounts[] out = new WindowedCounts[Math.max(n, TYPES)];
    for (int t = 0; t < n; t++) {
      int used = readVarInt(in);
      if (used == 0) {
        continue;
      }
      WindowedCounts c = new WindowedCounts();
      for (int k = 0; k < used - 1; k++) {
        int slot = readVarInt(in);
        if (slot >= c.buckets.length) {
          throw new IOException("windowed counts: slot " + slot + " out of range (" + c.buckets.length + " slots)");
        }
        c.buckets[slot] = readVarLong(in);
        c.counts[slot] = readVarInt(in);
      }
      out[t] = c;
    }
    return out;
  }

  /** Format 2: capacity, next, count, the hashes; {@code withIds} false: the capacity only, as an empty window. */
  static void writeRecentIds(DataOutput out, RecentIds ids, boolean withIds) throws IOException {
    writeVarInt(out, ids.capacity);
    if (!withIds) {
      writeVarInt(out, 0);
      writeVarInt(out, 0);
      return;
    }
    writeVarInt(out, ids.next);
    writeVarInt(out, ids.hashes.length);
    for (long h : ids.hashes) {
      out.writeLong(h);
    }
  }

  static RecentIds readRecentIds(DataInput in, int version) throws IOException {
    RecentIds r = new RecentIds();
    r.capacity = readVarInt(in);
    r.next = readVarInt(in);
    if (version == 1) {
      String[] ids = readStrings(in);
      r.hashes = new long[ids.length];
      for (int i = 0; i < ids.length; i++) {
        r.hashes[i] = RecentIds.hash(ids[i]);
      }
      return r;
    }
    int n = readVarInt(in);
    r.hashes = new long[n];
    for (int i = 0; i < n; i++) {
      r.hashes[i] = in.readLong();
    }
    return r;
  }
}
