package io.streamrec.jobs.common.state;

import io.streamrec.core.codec.StateCodec;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What a checkpoint records of a {@link CompactSerializer}: the state class, the codec class and the format version
 * it wrote. A restore with the same codec is compatible as is (the codec reads each of its older formats, since
 * every value starts with its version); any other serializer is incompatible, and Flink says so at restore.
 */
public final class CompactSerializerSnapshot<T> implements TypeSerializerSnapshot<T> {
  private static final int SNAPSHOT_VERSION = 1;

  private Class<T> type;
  private Class<? extends StateCodec<T>> codecClass;
  private int formatVersion;

  /** For Flink, which creates snapshots reflectively before {@link #readSnapshot}. */
  public CompactSerializerSnapshot() {}

  @SuppressWarnings("unchecked")
  CompactSerializerSnapshot(CompactSerializer<T> serializer) {
    this.type = serializer.type();
    this.codecClass = (Class<? extends StateCodec<T>>) serializer.codec().getClass();
    this.formatVersion = serializer.codec().version();
  }

  @Override
  public int getCurrentVersion() {
    return SNAPSHOT_VERSION;
  }

  @Override
  public void writeSnapshot(DataOutputView out) throws IOException {
    out.writeUTF(type.getName());
    out.writeUTF(codecClass.getName());
    out.writeInt(formatVersion);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader) throws IOException {
    if (readVersion != SNAPSHOT_VERSION) {
      throw new IOException("unknown CompactSerializer snapshot version " + readVersion);
    }
    String typeName = in.readUTF();
    String codecName = in.readUTF();
    formatVersion = in.readInt();
    try {
      type = (Class<T>) Class.forName(typeName, false, userCodeClassLoader);
      codecClass = (Class<? extends StateCodec<T>>) Class.forName(codecName, false, userCodeClassLoader);
    } catch (ClassNotFoundException e) {
      throw new IOException("the state was written with " + codecName + " for " + typeName
          + ", which this job's code does not have", e);
    }
  }

  @Override
  public TypeSerializer<T> restoreSerializer() {
    try {
      StateCodec<T> codec = codecClass.getDeclaredConstructor().newInstance();
      if (codec.version() < formatVersion) {
        throw new IllegalStateException("the state was written in format " + formatVersion + " of "
            + codecClass.getSimpleName() + "; this code reads up to " + codec.version());
      }
      return new CompactSerializer<>(type, codec);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(codecClass.getName() + " needs a public no-argument constructor", e);
    }
  }

  @Override
  public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializer<T> newSerializer) {
    if (newSerializer instanceof CompactSerializer<T> s && s.type() == type
        && s.codec().getClass() == codecClass && s.codec().version() >= formatVersion) {
      return TypeSerializerSchemaCompatibility.compatibleAsIs();
    }
    return TypeSerializerSchemaCompatibility.incompatible();
  }
}
