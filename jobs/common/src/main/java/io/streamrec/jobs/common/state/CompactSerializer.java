package io.streamrec.jobs.common.state;

import io.streamrec.core.codec.Bytes;
import io.streamrec.core.codec.StateCodec;
import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A Flink serializer over a {@link StateCodec}: each value is encoded into a reused heap buffer and goes to the
 * target as its length, then the codec's format version (one byte) and the codec's fields in one bulk write, and
 * is read back with one bulk read; a value in a format the codec does not know is an error that names it.
 * Flink's POJO serializer writes a state with string arrays field by field and character by character into the
 * checkpoint stream; that was a third of the CPU of a running stack (the serving benchmark's profile,
 * docs/benchmarks.md).
 *
 * <p>Not thread-safe (the buffers): {@link #duplicate()} gives each user its own, as Flink requires of stateful
 * serializers. The snapshot records the codec's class, so a restored job reads its state with the same codec.
 */
public final class CompactSerializer<T> extends TypeSerializer<T> {
  private static final long serialVersionUID = 1L;

  private final Class<T> type;
  private final StateCodec<T> codec;
  private transient Bytes.Writer out;
  private transient byte[] readBuffer;

  public CompactSerializer(Class<T> type, StateCodec<T> codec) {
    this.type = Objects.requireNonNull(type, "type");
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  Class<T> type() {
    return type;
  }

  StateCodec<T> codec() {
    return codec;
  }

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public TypeSerializer<T> duplicate() {
    return new CompactSerializer<>(type, codec);
  }

  @Override
  public T createInstance() {
    try {
      return type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(type.getName() + " needs a public no-argument constructor", e);
    }
  }

  /** A deep copy through the compact form (copy-on-write state and chained hand-overs call this). */
  @Override
  public T copy(T from) {
    try {
      Bytes.Writer buffer = encode(from);
      return decode(new Bytes.Reader(buffer.buffer(), 0, buffer.length()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot copy a " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public T copy(T from, T reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(T record, DataOutputView target) throws IOException {
    Bytes.Writer buffer = encode(record);
    target.writeInt(buffer.length());
    target.write(buffer.buffer(), 0, buffer.length());
  }

  @Override
  public T deserialize(DataInputView source) throws IOException {
    int n = source.readInt();
    if (n < 0) {
      throw new IOException(type.getSimpleName() + ": corrupt state, negative length " + n);
    }
    if (readBuffer == null || readBuffer.length < n) {
      readBuffer = new byte[Math.max(n, 256)];
    }
    source.readFully(readBuffer, 0, n);
    Bytes.Reader input = new Bytes.Reader(readBuffer, 0, n);
    T value = decode(input);
    if (input.remaining() != 0) {
      throw new IOException(type.getSimpleName() + ": " + input.remaining() + " bytes left after a value");
    }
    return value;
  }

  @Override
  public T deserialize(T reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    int n = source.readInt();
    target.writeInt(n);
    target.write(source, n);
  }

  /** Into one reused buffer of our own type: the codecs' byte writes then have one receiver and inline. */
  private Bytes.Writer encode(T record) throws IOException {
    if (out == null) {
      out = new Bytes.Writer(512);
    }
    out.reset();
    out.writeByte(codec.version());
    codec.write(record, out);
    return out;
  }

  private T decode(Bytes.Reader input) throws IOException {
    int version = input.readUnsignedByte();
    if (version < 1 || version > codec.version()) {
      throw new IOException(type.getSimpleName() + ": unknown state format version " + version + " (this code reads 1.."
          + codec.version() + ")");
    }
    return codec.read(input, version);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CompactSerializer<?> s && s.type == type && s.codec.getClass() == codec.getClass();
  }

  @Override
  public int hashCode() {
    return type.hashCode() * 31 + codec.getClass().hashCode();
  }

  @Override
  public TypeSerializerSnapshot<T> snapshotConfiguration() {
    return new CompactSerializerSnapshot<>(this);
  }

  @Override
  public String toString() {
    return "CompactSerializer(" + type.getSimpleName() + ", " + codec.getClass().getSimpleName() + " v"
        + codec.version() + ")";
  }
}
