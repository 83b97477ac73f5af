package io.streamrec.core.store;

import io.streamrec.core.codec.Bytes;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A record's bytes in a {@link RecordForm}, with what they mean as bins. Immutable (the bytes are not copied: the
 * caller hands over an array it no longer touches).
 */
public final class EncodedRecord implements Serializable {
  private static final long serialVersionUID = 1L;

  private final RecordForm<?> form;
  private final byte[] bytes;

  public EncodedRecord(RecordForm<?> form, byte[] bytes) {
    this.form = Objects.requireNonNull(form, "form");
    this.bytes = Objects.requireNonNull(bytes, "bytes");
  }

  public RecordForm<?> form() {
    return form;
  }

  /** The encoded size, for batching by size. */
  public int size() {
    return bytes.length;
  }

  /** The decoded value if the record is in {@code expected}, else null. */
  @SuppressWarnings("unchecked")
  public <T> T decode(RecordForm<T> expected) {
    return expected == form ? (T) decodeAny() : null;
  }

  private Object decodeAny() {
    Bytes.Reader in = new Bytes.Reader(bytes);
    try {
      Object value = form.read(in);
      if (in.remaining() != 0) {
        throw new IllegalStateException(in.remaining() + " bytes left over after a " + form.getClass().getName());
      }
      return value;
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt " + form.getClass().getName() + " record", e);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  Parts parts() {
    Object value = decodeAny();
    RecordForm f = form;
    return new Parts(f.bins(value), f.mapMerges(value));
  }

  record Parts(Map<String, Object> bins, List<FeatureWrite.NewestEntries> mapMerges) {
    /** The record these make on their own: the bins, with each map merge applied to nothing. */
    Map<String, Object> recordBins() {
      Map<String, Object> out = new HashMap<>(bins);
      for (FeatureWrite.NewestEntries m : mapMerges) {
        out.put(m.bin(), m.mergeInto(out.get(m.bin())));
      }
      return out;
    }
  }
}
