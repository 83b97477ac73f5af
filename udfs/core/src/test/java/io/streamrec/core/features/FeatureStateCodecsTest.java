package io.streamrec.core.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.core.codec.StateCodec;
import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.ItemOp;
import io.streamrec.core.contract.User;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FeatureStateCodecsTest {
  static final long T0 = 1_700_000_000_000L;
  static final InteractionType[] TYPES = InteractionType.values();

  static <T> byte[] encode(StateCodec<T> codec, T value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    codec.write(value, new DataOutputStream(bytes));
    return bytes.toByteArray();
  }

  static <T> T decode(StateCodec<T> codec, byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    T value = codec.read(in, codec.version());
    assertThat(in.available()).as("bytes left after the value").isZero();
    return value;
  }

  static Interaction event(Random r, int n, String user) {
    Interaction i = Interaction.of("ev-" + n + "-" + r.nextInt(1000), user, "item-" + r.nextInt(40),
        TYPES[r.nextInt(TYPES.length)], T0 + r.nextInt(10 * 24 * 3600) * 1000L);
    return r.nextBoolean() ? i.withRegion("region-" + r.nextInt(3)) : i;
  }

  static UserFeatureState user(Random r, int events) {
    UserFeatureState s = UserFeatureState.empty("user-ü-1");
    for (int n = 0; n < events; n++) {
      Interaction i = event(r, n, s.userId);
      s.apply(EnrichedInteraction.of(i, r.nextInt(4) == 0 ? null : "cat-" + r.nextInt(60),
          r.nextInt(3) == 0 ? null : 1 + r.nextInt(100) / 7.0));
      if (n % 17 == 0) {
        s.applyProfile(User.of(s.userId, r.nextBoolean() ? null : r.nextInt(90), r.nextBoolean() ? null : "eu",
            i.ts));
      }
    }
    return s;
  }

  static ItemFeatureState item(Random r, int events) {
    ItemFeatureState s = ItemFeatureState.empty("item-7");
    for (int n = 0; n < events; n++) {
      if (n % 11 == 0) {
        Item c = new Item();
        c.itemId = s.itemId;
        c.op = n % 33 == 22 ? ItemOp.DELETE : ItemOp.UPSERT;
        c.title = "Title «" + n + "»";
        c.category = "cat-" + r.nextInt(5);
        c.price = r.nextInt(10_000) / 100.0;
        c.inStock = r.nextBoolean();
        c.regions = r.nextBoolean() ? new String[0] : new String[] {"eu", "us"};
        c.minAge = r.nextBoolean() ? 0 : 18;
        c.ts = T0 + n * 60_000L;
        s.applyCatalog(c);
      }
      s.apply(event(r, n, "u" + r.nextInt(9)));
    }
    return s;
  }

  @Test
  void usersRoundTripExactlyAndKeepEvolvingTheSame() throws IOException {
    FeatureStateCodecs.Users codec = new FeatureStateCodecs.Users();
    for (int seed = 0; seed < 30; seed++) {
      Random r = new Random(seed);
      UserFeatureState original = user(r, seed * 20);
      UserFeatureState copy = decode(codec, encode(codec, original));
      assertThat(copy).usingRecursiveComparison().isEqualTo(original);
      assertThat(encode(codec, copy)).isEqualTo(encode(codec, original));
      // The copy must behave like the original from here on (duplicate window, ring positions, versions).
      Random more = new Random(1000 + seed);
      Interaction last = null;
      for (int n = 0; n < 300; n++) {
        // Every fifth event re-sends the one before it: both states must drop it as a duplicate.
        Interaction i = n % 5 == 0 && last != null
            ? Interaction.of(last.eventId, original.userId, "item-1", InteractionType.VIEW, T0)
            : event(more, 10_000 + n, original.userId);
        last = i;
        EnrichedInteraction e = EnrichedInteraction.of(i, "cat-" + (n % 70), 3.0);
        assertThat(copy.apply(e)).isEqualTo(original.apply(e));
      }
      assertThat(copy).usingRecursiveComparison().isEqualTo(original);
      assertThat(copy.toBins()).isEqualTo(original.toBins());
    }
  }

  @Test
  void itemsRoundTripExactly() throws IOException {
    FeatureStateCodecs.Items codec = new FeatureStateCodecs.Items();
    for (int seed = 0; seed < 30; seed++) {
      ItemFeatureState original = item(new Random(seed), seed * 30);
      ItemFeatureState copy = decode(codec, encode(codec, original));
      assertThat(copy).usingRecursiveComparison().isEqualTo(original);
      assertThat(copy.toBins()).isEqualTo(original.toBins());
    }
  }

  @Test
  void theCompactFormIsSmall() throws IOException {
    UserFeatureState s = user(new Random(3), 10);
    // Ten events: ids, items, types and times, plus the counters' non-empty slots; the POJO form took kilobytes.
    assertThat(encode(new FeatureStateCodecs.Users(), s).length).isLessThan(900);
  }

  @Test
  void rejectsATruncatedValue() throws IOException {
    FeatureStateCodecs.Users codec = new FeatureStateCodecs.Users();
    byte[] bytes = encode(codec, user(new Random(1), 40));
    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length / 2);
    assertThatThrownBy(() -> decode(codec, truncated)).isInstanceOf(IOException.class);
  }

  @Test
  void format1DuplicateIdsAreReadAsTheirHashes() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    io.streamrec.core.codec.CompactIO.writeVarInt(out, 4); // capacity
    io.streamrec.core.codec.CompactIO.writeVarInt(out, 1); // next
    io.streamrec.core.codec.CompactIO.writeStrings(out, new String[] {"e-9", "e-3", "e-5", "e-7"});
    RecentIds r = FeatureStateCodecs.readRecentIds(
        new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), 1);
    assertThat(r.capacity).isEqualTo(4);
    assertThat(r.next).isEqualTo(1);
    assertThat(r.add("e-5")).as("a duplicate of an id held in format 1").isFalse();
    assertThat(r.add("e-1")).isTrue();
    assertThat(r.add("e-9")).as("still held: e-3, at next, was the oldest and made room").isFalse();
    assertThat(r.add("e-3")).isTrue();
  }

  @Test
  void format2CountersAreStillRead() throws IOException {
    WindowedCounts c = new WindowedCounts();
    c.add(T0);
    c.add(T0 + 3_600_000L);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    io.streamrec.core.codec.CompactIO.writeVarInt(out, 2); // two types: none, then c
    out.writeByte(0);
    int used = 0;
    for (long b : c.buckets) {
      used += b >= 0 ? 1 : 0;
    }
    io.streamrec.core.codec.CompactIO.writeVarInt(out, used + 1);
    for (int slot = 0; slot < c.buckets.length; slot++) {
      if (c.buckets[slot] >= 0) {
        io.streamrec.core.codec.CompactIO.writeVarInt(out, slot);
        io.streamrec.core.codec.CompactIO.writeVarLong(out, c.buckets[slot]);
        io.streamrec.core.codec.CompactIO.writeVarInt(out, c.counts[slot]);
      }
    }
    WindowedCounts[] back = FeatureStateCodecs.readCounts(
        new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), 2);
    assertThat(back[0]).isNull();
    assertThat(back[1]).isEqualTo(c);
  }

  /**
   * A user state in format 3 (the recent events' ids as strings, ties ordered by id), written field by field as that
   * format did, reads back as format 4: the ids hashed, ties re-ordered by hash, everything else as it was.
   */
  @Test
  void format3RecentEventIdsAreReadAsTheirHashesInHashOrder() throws IOException {
    UserFeatureState s = UserFeatureState.empty("u1");
    String[] ids = {"e-b", "e-a", "e-c"};
    for (String id : ids) {
      s.apply(EnrichedInteraction.of(Interaction.of(id, "u1", "item-" + id, InteractionType.VIEW, T0), "cat", 2.0));
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    io.streamrec.core.codec.CompactIO.writeString(out, s.userId);
    FeatureStateCodecs.writeCounts(out, s.counts);
    // format 3: the ids, in (ts, id) order — all three share T0
    io.streamrec.core.codec.CompactIO.writeStrings(out, new String[] {"e-a", "e-b", "e-c"});
    io.streamrec.core.codec.CompactIO.writeStrings(out, new String[] {"item-e-a", "item-e-b", "item-e-c"});
    io.streamrec.core.codec.CompactIO.writeInteractionTypes(out, new String[] {"view", "view", "view"});
    io.streamrec.core.codec.CompactIO.writeLongDeltas(out, new long[] {T0, T0, T0});
    io.streamrec.core.codec.CompactIO.writeStrings(out, s.boughtItems);
    io.streamrec.core.codec.CompactIO.writeLongDeltas(out, s.boughtTs);
    io.streamrec.core.codec.CompactIO.writeStrings(out, s.categories);
    io.streamrec.core.codec.CompactIO.writeDoubles(out, s.categoryLogScores);
    out.writeDouble(s.priceLogSum);
    out.writeDouble(s.priceLogWeight);
    io.streamrec.core.codec.CompactIO.writeVarLong(out, s.lastActiveTs);
    io.streamrec.core.codec.CompactIO.writeVarInt(out, 0);
    io.streamrec.core.codec.CompactIO.writeString(out, null);
    io.streamrec.core.codec.CompactIO.writeString(out, null);
    io.streamrec.core.codec.CompactIO.writeVarLong(out, s.eventRegionTs);
    io.streamrec.core.codec.CompactIO.writeVarLong(out, s.profileTs);
    io.streamrec.core.codec.CompactIO.writeVarLong(out, s.version);
    io.streamrec.core.codec.CompactIO.writeVarLong(out, s.sequence);
    FeatureStateCodecs.writeRecentIds(out, s.seenEvents, true);

    UserFeatureState back = new FeatureStateCodecs.Users().read(
        new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), 3);
    assertThat(back).usingRecursiveComparison().isEqualTo(s);
  }
}
