package io.streamrec.jobs.common.state;

import io.streamrec.core.codec.StateCodec;
import java.util.Objects;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Flink type information for a state class stored with a {@link StateCodec} (see {@link CompactSerializer}). */
public final class CompactTypeInfo<T> extends TypeInformation<T> {
  private static final long serialVersionUID = 1L;

  private final Class<T> type;
  private final StateCodec<T> codec;

  public CompactTypeInfo(Class<T> type, StateCodec<T> codec) {
    this.type = Objects.requireNonNull(type, "type");
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  @Override
  public boolean isBasicType() {
    return false;
  }

  @Override
  public boolean isTupleType() {
    return false;
  }

  @Override
  public int getArity() {
    return 1;
  }

  @Override
  public int getTotalFields() {
    return 1;
  }

  @Override
  public Class<T> getTypeClass() {
    return type;
  }

  @Override
  public boolean isKeyType() {
    return false;
  }

  @Override
  public TypeSerializer<T> createSerializer(ExecutionConfig config) {
    return new CompactSerializer<>(type, codec);
  }

  @Override
  public String toString() {
    return "Compact<" + type.getSimpleName() + ">";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CompactTypeInfo<?> t && t.type == type && t.codec.getClass() == codec.getClass();
  }

  @Override
  public int hashCode() {
    return type.hashCode() * 31 + codec.getClass().hashCode();
  }

  @Override
  public boolean canEqual(Object o) {
    return o instanceof CompactTypeInfo;
  }
}
