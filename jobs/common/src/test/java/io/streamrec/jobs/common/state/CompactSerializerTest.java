package io.streamrec.jobs.common.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.core.codec.CompactIO;
import io.streamrec.core.codec.StateCodec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class CompactSerializerTest {

  /** A state class for the test. */
  public static final class Box {
    public String name;
    public long[] values = new long[0];

    public Box() {}

    Box(String name, long... values) {
      this.name = name;
      this.values = values;
    }
  }

  public static final class BoxCodec implements StateCodec<Box> {
    @Override
    public int version() {
      return 1;
    }

    @Override
    public void write(Box b, DataOutput out) throws IOException {
      CompactIO.writeString(out, b.name);
      CompactIO.writeLongDeltas(out, b.values);
    }

    @Override
    public Box read(DataInput in, int version) throws IOException {
      Box b = new Box();
      b.name = CompactIO.readString(in);
      b.values = CompactIO.readLongDeltas(in);
      return b;
    }
  }

  /** The same class, another codec: a restore must not take one for the other. */
  public static final class OtherCodec implements StateCodec<Box> {
    @Override
    public int version() {
      return 1;
    }

    @Override
    public void write(Box b, DataOutput out) {}

    @Override
    public Box read(DataInput in, int version) {
      return new Box();
    }
  }

  final CompactSerializer<Box> serializer = new CompactSerializer<>(Box.class, new BoxCodec());

  @Test
  void serializesValuesBackToBackAndCopiesDeeply() throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(16);
    Box big = new Box("b".repeat(5_000), 1, 2, 3, Long.MAX_VALUE);
    serializer.serialize(new Box("a", 5, 7), out);
    serializer.serialize(big, out);
    serializer.serialize(new Box(null), out);
    DataInputDeserializer in = new DataInputDeserializer(out.getSharedBuffer(), 0, out.length());
    assertThat(serializer.deserialize(in)).usingRecursiveComparison().isEqualTo(new Box("a", 5, 7));
    assertThat(serializer.deserialize(in)).usingRecursiveComparison().isEqualTo(big);
    assertThat(serializer.deserialize(in)).usingRecursiveComparison().isEqualTo(new Box(null));
    assertThat(in.available()).isZero();

    Box copy = serializer.copy(big);
    assertThat(copy).isNotSameAs(big).usingRecursiveComparison().isEqualTo(big);
    assertThat(copy.values).isNotSameAs(big.values);
  }

  @Test
  void copiesSerializedBytesWithoutDecoding() throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(16);
    serializer.serialize(new Box("x", 1), out);
    DataOutputSerializer copied = new DataOutputSerializer(16);
    serializer.copy(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()), copied);
    assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
  }

  @Test
  void duplicatesAreIndependentAndEqual() {
    TypeSerializer<Box> other = serializer.duplicate();
    assertThat(other).isNotSameAs(serializer).isEqualTo(serializer);
    assertThat(other.hashCode()).isEqualTo(serializer.hashCode());
    assertThat(new CompactSerializer<>(Box.class, new OtherCodec())).isNotEqualTo(serializer);
  }

  @Test
  void snapshotRestoresTheSameCodecAndRejectsAnother() throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
    TypeSerializerSnapshot<Box> restored = TypeSerializerSnapshot.readVersionedSnapshot(
        new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()), getClass().getClassLoader());

    assertThat(restored.restoreSerializer()).isEqualTo(serializer);
    TypeSerializerSchemaCompatibility<Box> same = restored.resolveSchemaCompatibility(serializer.duplicate());
    assertThat(same.isCompatibleAsIs()).isTrue();
    TypeSerializerSchemaCompatibility<Box> other =
        restored.resolveSchemaCompatibility(new CompactSerializer<>(Box.class, new OtherCodec()));
    assertThat(other.isIncompatible()).isTrue();
  }

  @Test
  void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
    CompactSerializer<Box> shipped = InstantiationUtil.clone(serializer);
    DataOutputSerializer out = new DataOutputSerializer(16);
    shipped.serialize(new Box("z", 9), out);
    assertThat(serializer.deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length())))
        .usingRecursiveComparison().isEqualTo(new Box("z", 9));
    assertThat(InstantiationUtil.clone(new CompactTypeInfo<>(Box.class, new BoxCodec())).createSerializer(null))
        .isEqualTo(serializer);
  }

  @Test
  void rejectsAnUnknownFormatVersion() throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(16);
    serializer.serialize(new Box("a", 1), out);
    byte[] bytes = out.getCopyOfBuffer();
    bytes[4] = 9; // after the 4-byte length: the format version
    assertThatThrownBy(() -> serializer.deserialize(new DataInputDeserializer(bytes, 0, bytes.length)))
        .isInstanceOf(IOException.class).hasMessageContaining("unknown state format version 9");
  }

  @Test
  void rejectsACorruptLength() {
    DataOutputSerializer out = new DataOutputSerializer(16);
    assertThatThrownBy(() -> {
      out.writeInt(-5);
      serializer.deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
    }).isInstanceOf(IOException.class).hasMessageContaining("negative length");
  }
}
