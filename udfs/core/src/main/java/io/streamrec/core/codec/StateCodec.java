package io.streamrec.core.codec;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A compact binary form of one kind of keyed state, written for it field by field: varints, UTF-8 strings, only
 * the non-empty parts of fixed-size rings. The jobs' Flink serializers frame each value and write it in one bulk
 * copy (DESIGN §5: checkpoints must not eat the job), and record the codec's class in their snapshots, so an
 * implementation needs a public no-argument constructor and must keep reading every {@link #version()} it ever
 * wrote.
 *
 * @param <T> the state class
 */
public interface StateCodec<T> extends java.io.Serializable {

  /** The format written now; each value starts with it, so older values stay readable after a change. */
  int version();

  void write(T value, DataOutput out) throws IOException;

  T read(DataInput in) throws IOException;
}
