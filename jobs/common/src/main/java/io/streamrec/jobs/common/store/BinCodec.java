package io.streamrec.jobs.common.store;

import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureWrite;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A compact, versioned binary form of {@link FeatureWrite}, for the writes a sink holds in a checkpoint (no Java
 * serialization in state). Bin values are tagged: String, Long, Double, Boolean, List, Map.
 */
final class BinCodec {
  private static final byte STRING = 1;
  private static final byte LONG = 2;
  private static final byte DOUBLE = 3;
  private static final byte BOOLEAN = 4;
  private static final byte LIST = 5;
  private static final byte MAP = 6;

  private BinCodec() {}

  static void write(FeatureWrite w, DataOutputStream out) throws IOException {
    out.writeByte(w.kind().ordinal());
    out.writeUTF(w.key().set());
    out.writeUTF(w.key().id());
    out.writeLong(w.version());
    out.writeLong(w.ttl().toMillis());
    writeMap(w.bins(), out);
    out.writeInt(w.mapMerges().size());
    for (FeatureWrite.NewestEntries m : w.mapMerges()) {
      out.writeUTF(m.bin());
      out.writeInt(m.keepNewest());
      writeMap(m.entries(), out);
    }
  }

  @SuppressWarnings("unchecked")
  static FeatureWrite read(DataInputStream in) throws IOException {
    FeatureWrite.Kind kind = FeatureWrite.Kind.values()[in.readByte()];
    FeatureKey key = new FeatureKey(in.readUTF(), in.readUTF());
    long version = in.readLong();
    Duration ttl = Duration.ofMillis(in.readLong());
    Map<String, Object> bins = readMap(in);
    int merges = in.readInt();
    List<FeatureWrite.NewestEntries> mapMerges = new ArrayList<>(merges);
    for (int i = 0; i < merges; i++) {
      String bin = in.readUTF();
      int keep = in.readInt();
      Map<String, List<Object>> entries = new HashMap<>();
      readMap(in).forEach((k, v) -> entries.put(k, (List<Object>) v));
      mapMerges.add(new FeatureWrite.NewestEntries(bin, entries, keep));
    }
    return new FeatureWrite(kind, key, bins, mapMerges, version, ttl);
  }

  private static void writeMap(Map<String, ?> map, DataOutputStream out) throws IOException {
    out.writeInt(map.size());
    for (Map.Entry<String, ?> e : map.entrySet()) {
      out.writeUTF(e.getKey());
      writeValue(e.getValue(), out);
    }
  }

  private static Map<String, Object> readMap(DataInputStream in) throws IOException {
    int n = in.readInt();
    Map<String, Object> map = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      map.put(in.readUTF(), readValue(in));
    }
    return map;
  }

  @SuppressWarnings("unchecked")
  private static void writeValue(Object v, DataOutputStream out) throws IOException {
    if (v instanceof String s) {
      out.writeByte(STRING);
      out.writeUTF(s);
    } else if (v instanceof Long l) {
      out.writeByte(LONG);
      out.writeLong(l);
    } else if (v instanceof Double d) {
      out.writeByte(DOUBLE);
      out.writeDouble(d);
    } else if (v instanceof Boolean b) {
      out.writeByte(BOOLEAN);
      out.writeBoolean(b);
    } else if (v instanceof List<?> list) {
      out.writeByte(LIST);
      out.writeInt(list.size());
      for (Object x : list) {
        writeValue(x, out);
      }
    } else if (v instanceof Map<?, ?> map) {
      out.writeByte(MAP);
      writeMap((Map<String, ?>) map, out);
    } else {
      throw new IOException("cannot encode a bin value of type " + (v == null ? "null" : v.getClass().getName()));
    }
  }

  private static Object readValue(DataInputStream in) throws IOException {
    byte tag = in.readByte();
    return switch (tag) {
      case STRING -> in.readUTF();
      case LONG -> in.readLong();
      case DOUBLE -> in.readDouble();
      case BOOLEAN -> in.readBoolean();
      case LIST -> {
        int n = in.readInt();
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          list.add(readValue(in));
        }
        yield List.copyOf(list);
      }
      case MAP -> readMap(in);
      default -> throw new IOException("unknown bin value tag " + tag);
    };
  }
}
