package io.streamrec.core.codec;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A compact binary form of one kind of keyed state, written for it field by field: varints, UTF-8 strings, only
 * the non-empty parts of fixed-size rings. The jobs' Flink serializer frames each value (its length and the
 * codec's {@link #version()}) and writes it in one bulk copy (DESIGN §5: checkpoints must not eat the job), and
 * records the codec's class in its snapshots, so an implementation needs a public no-argument constructor and must
 * keep reading every version it ever wrote.
 *
 * @param <T> the state class
 */
public interface StateCodec<T> extends java.io.Serializable {

  /** The format {@link #write} writes now; the framing records it with each value. */
  int version();

  /** Writes the value's fields (the framing adds the version). */
  void write(T value, DataOutput out) throws IOException;

  /** Reads a value written in format {@code version} (1 to {@link #version()}, checked by the caller). */
  T read(DataInput in, int version) throws IOException;
}
