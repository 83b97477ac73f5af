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
import io.streamrec.core.codec.StringPool;
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

  /**
   * {@link UserFeatureState}, format 4 (1: duplicate-detection ids as strings; 2: as hashes; 3: counters per range
   * as a slot mask and bucket offsets, see {@link #writeCounts}; 4: the recent events as id hashes). Formats 1–3
   * read as format 4, the recent event ids hashed; with recent events tied on their time, the order of the tie can
   * differ from the one format 3 kept (it was by id, it is by hash), as a replay from the events would give.
   */
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
      return 4;
    }

    @Override
    public void write(UserFeatureState s, DataOutput out) throws IOException {
      writeString(out, s.userId);
      writeCounts(out, s.counts);
      writeVarInt(out, s.recentEventHashes.length);
      for (long h : s.recentEventHashes) {
        out.writeLong(h);
      }
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
      s.counts = readCounts(in, version);
      s.recentEventHashes = readRecentEventHashes(in, version);
      s.recentItems = readStrings(in, StringPool.IDS);
      s.recentTypes = CompactIO.readInteractionTypes(in);
      s.recentTs = readLongDeltas(in);
      s.boughtItems = readStrings(in, StringPool.IDS);
      s.boughtTs = readLongDeltas(in);
      s.categories = readStrings(in, StringPool.TERMS);
      s.categoryLogScores = readDoubles(in);
      s.priceLogSum = in.readDouble();
      s.priceLogWeight = in.readDouble();
      s.lastActiveTs = readVarLong(in);
      int age = readVarInt(in);
      s.age = age == 0 ? null : age - 1;
      s.profileRegion = readString(in, StringPool.TERMS);
      s.eventRegion = readString(in, StringPool.TERMS);
      s.eventRegionTs = readVarLong(in);
      s.profileTs = readVarLong(in);
      s.version = readVarLong(in);
      s.sequence = readVarLong(in);
      s.seenEvents = readRecentIds(in, version);
      if (version < 4) {
        s.sortRecent(); // ties on time were ordered by id, now by id hash
      }
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
      return 3;
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
      s.category = readString(in, StringPool.TERMS);
      s.price = in.readBoolean() ? in.readDouble() : null;
      s.inStock = in.readBoolean();
      s.regions = readStrings(in, StringPool.TERMS);
      s.minAge = (int) readVarLong(in);
      s.deleted = in.readBoolean();
      s.catalogTs = readVarLong(in);
      s.counts = readCounts(in, version);
      s.popularityLog = in.readDouble();
      s.firstSeenTs = readVarLong(in);
      s.lastEventTs = readVarLong(in);
      s.version = readVarLong(in);
      s.sequence = readVarLong(in);
      s.seenEvents = readRecentIds(in, version);
      return s;
    }
  }

  /**
   * Counters by type ordinal: for each type a presence byte, then per {@link WindowRange} the mask of its non-empty
   * slots; when any, the newest bucket held, then per slot (in slot order) how many buckets older than the newest
   * it is, and its count. Offsets are small, so a used slot takes two or three bytes (format 1–2: slot, full
   * bucket number and count, six or seven).
   */
  static void writeCounts(DataOutput out, WindowedCounts[] byType) throws IOException {
    writeVarInt(out, byType.length);
    for (WindowedCounts c : byType) {
      if (c == null) {
        out.writeByte(0);
        continue;
      }
      out.writeByte(1);
      long[] buckets = c.buckets;
      for (WindowRange r : WindowRange.ALL) {
        int from = r.offset();
        int to = from + r.buckets();
        long mask = 0;
        long newest = -1;
        for (int i = from; i < to; i++) {
          long b = buckets[i];
          if (b >= 0) {
            mask |= 1L << (i - from);
            newest = Math.max(newest, b);
          }
        }
        writeVarLong(out, mask);
        if (mask == 0) {
          continue;
        }
        writeVarLong(out, newest);
        for (long m = mask; m != 0; m &= m - 1) {
          int i = from + Long.numberOfTrailingZeros(m);
          writeVarLong(out, newest - buckets[i]);
          writeVarInt(out, c.counts[i]);
        }
      }
    }
  }

  static WindowedCounts[] readCounts(DataInput in, int version) throws IOException {
    if (version < 3) {
      return readCountsV1(in);
    }
    int n = readVarInt(in);
    WindowedCounts[] out = new WindowedCounts[Math.max(n, TYPES)];
    for (int t = 0; t < n; t++) {
      if (in.readUnsignedByte() == 0) {
        continue;
      }
      WindowedCounts c = new WindowedCounts();
      for (WindowRange r : WindowRange.ALL) {
        long mask = readVarLong(in);
        if (mask == 0) {
          continue;
        }
        if ((mask >>> r.buckets()) != 0) {
          throw new IOException("windowed counts: slot mask " + Long.toHexString(mask) + " wider than the "
              + r.label() + " ring (" + r.buckets() + " slots)");
        }
        long newest = readVarLong(in);
        for (int k = 0; k < r.buckets(); k++) {
          if ((mask & (1L << k)) != 0) {
            c.buckets[r.offset() + k] = newest - readVarLong(in);
            c.counts[r.offset() + k] = readVarInt(in);
          }
        }
      }
      out[t] = c;
    }
    return out;
  }

  /** Formats 1 and 2: per type, the used slots + 1 (0 = none), then slot, bucket and count of each. */
  private static WindowedCounts[] readCountsV1(DataInput in) throws IOException {
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

  /** The {@link RecentIds#hash} of each id: how formats that kept ids are read into the forms that keep hashes. */
  private static long[] hashes(String[] ids) {
    long[] out = new long[ids.length];
    for (int k = 0; k < ids.length; k++) {
      out[k] = RecentIds.hash(ids[k]);
    }
    return out;
  }

  /** Format 4: the recent events' id hashes; formats 1–3 held the ids, hashed here as the state now does. */
  private static long[] readRecentEventHashes(DataInput in, int version) throws IOException {
    if (version < 4) {
      return hashes(readStrings(in));
    }
    long[] hashes = new long[readVarInt(in)];
    for (int k = 0; k < hashes.length; k++) {
      hashes[k] = in.readLong();
    }
    return hashes;
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
      r.hashes = hashes(readStrings(in));
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
