package io.streamrec.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class CompactIOTest {

  @Test
  void varintsAndStringsRoundTrip() throws IOException {
    long[] longs = {0, 1, -1, 63, -64, 64, 1_700_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE};
    int[] ints = {0, 1, 127, 128, 16_383, 16_384, Integer.MAX_VALUE};
    String[] strings = {null, "", "a", "Grüße, 東京 🚀", "x".repeat(70_000)};
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    for (long v : longs) {
      CompactIO.writeVarLong(out, v);
    }
    for (int v : ints) {
      CompactIO.writeVarInt(out, v);
    }
    CompactIO.writeStrings(out, strings);
    CompactIO.writeLongDeltas(out, new long[] {5, 3, 1_700_000_000_000L, 1_700_000_000_001L});
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    for (long v : longs) {
      assertThat(CompactIO.readVarLong(in)).isEqualTo(v);
    }
    for (int v : ints) {
      assertThat(CompactIO.readVarInt(in)).isEqualTo(v);
    }
    assertThat(CompactIO.readStrings(in)).containsExactly(strings);
    assertThat(CompactIO.readLongDeltas(in)).containsExactly(5, 3, 1_700_000_000_000L, 1_700_000_000_001L);
    assertThat(in.available()).isZero();
  }

  @Test
  void interactionTypesTakeOneByteAndComeBackAsTheTypesOwnStrings() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CompactIO.writeInteractionTypes(new DataOutputStream(bytes), new String[] {"view", "purchase", "not-a-type"});
    assertThat(bytes.size()).isEqualTo(1 + 1 + 1 + 1 + 1 + "not-a-type".length());
    String[] back = CompactIO.readInteractionTypes(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    assertThat(back).containsExactly("view", "purchase", "not-a-type");
    assertThat(back[1]).isSameAs(io.streamrec.core.contract.InteractionType.PURCHASE.wireName());
  }

  @Test
  void smallValuesTakeOneByte() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    CompactIO.writeVarLong(out, -3);
    CompactIO.writeVarInt(out, 100);
    assertThat(bytes.size()).isEqualTo(2);
  }

  @Test
  void rejectsNegativeLengthsAndCorruptVarints() {
    assertThatThrownBy(() -> CompactIO.writeVarInt(new DataOutputStream(new ByteArrayOutputStream()), -1))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] endless = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
    assertThatThrownBy(() -> CompactIO.readVarInt(new DataInputStream(new ByteArrayInputStream(endless))))
        .isInstanceOf(IOException.class);
  }
}
