package io.streamrec.core.codec;

import io.streamrec.core.contract.InteractionType;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The primitives of the compact state forms: unsigned and zig-zag varints, nullable UTF-8 strings, arrays. */
public final class CompactIO {
  private CompactIO() {}

  /** The type byte for a name no {@link InteractionType} has (the name follows as a string). */
  static final int OTHER_TYPE = 0xFF;

  /** A length or count; negative values are a bug in the caller. */
  public static void writeVarInt(DataOutput out, int v) throws IOException {
    if (v < 0) {
      throw new IllegalArgumentException("unsigned varint cannot hold " + v);
    }
    while ((v & ~0x7F) != 0) {
      out.writeByte((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.writeByte(v);
  }

  public static int readVarInt(DataInput in) throws IOException {
    int v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = in.readUnsignedByte();
      v |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if (v < 0) {
          throw new IOException("corrupt varint: " + v);
        }
        return v;
      }
    }
    throw new IOException("corrupt varint: more than 5 bytes");
  }

  /** Any long, small magnitudes (either sign) short: zig-zag, then 7 bits per byte. */
  public static void writeVarLong(DataOutput out, long v) throws IOException {
    long z = (v << 1) ^ (v >> 63);
    while ((z & ~0x7FL) != 0) {
      out.writeByte((int) ((z & 0x7F) | 0x80));
      z >>>= 7;
    }
    out.writeByte((int) z);
  }

  public static long readVarLong(DataInput in) throws IOException {
    long z = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      int b = in.readUnsignedByte();
      z |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return (z >>> 1) ^ -(z & 1);
      }
    }
    throw new IOException("corrupt varlong: more than 10 bytes");
  }

  /** A nullable string: its UTF-8 length + 1 (0 = null), then the bytes. */
  public static void writeString(DataOutput out, String s) throws IOException {
    if (s == null) {
      out.writeByte(0);
      return;
    }
    if (out instanceof Bytes.Writer w && isAscii(s)) {
      writeVarInt(out, s.length() + 1); // ASCII: its UTF-8 is its chars, copied without an intermediate array
      w.writeAscii(s);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    writeVarInt(out, b.length + 1);
    out.write(b);
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  public static String readString(DataInput in) throws IOException {
    return readString(in, null);
  }

  /**
   * {@link #readString}, the string taken from {@code pool} when it holds it (see {@link StringPool}); a null pool
   * decodes every string. Strings are decoded straight from a {@link Bytes.Reader}'s buffer.
   */
  public static String readString(DataInput in, StringPool pool) throws IOException {
    int n = readVarInt(in);
    if (n == 0) {
      return null;
    }
    if (in instanceof Bytes.Reader r) {
      return r.readUtf8(n - 1, pool);
    }
    byte[] b = new byte[n - 1];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  public static void writeStrings(DataOutput out, String[] a) throws IOException {
    writeVarInt(out, a.length);
    for (String s : a) {
      writeString(out, s);
    }
  }

  public static String[] readStrings(DataInput in) throws IOException {
    return readStrings(in, null);
  }

  /** {@link #readStrings}, each string taken from {@code pool} when it holds it (null: none). */
  public static String[] readStrings(DataInput in, StringPool pool) throws IOException {
    String[] a = new String[readVarInt(in)];
    for (int i = 0; i < a.length; i++) {
      a[i] = readString(in, pool);
    }
    return a;
  }

  /** Longs as differences from the previous one (timestamps in order become one or two bytes each). */
  public static void writeLongDeltas(DataOutput out, long[] a) throws IOException {
    writeVarInt(out, a.length);
    long prev = 0;
    for (long v : a) {
      writeVarLong(out, v - prev);
      prev = v;
    }
  }

  public static long[] readLongDeltas(DataInput in) throws IOException {
    long[] a = new long[readVarInt(in)];
    long prev = 0;
    for (int i = 0; i < a.length; i++) {
      prev += readVarLong(in);
      a[i] = prev;
    }
    return a;
  }

  /**
   * Interaction type wire names, one byte each (the type's ordinal, see {@link InteractionType}); a name no type has
   * is written as {@value #OTHER_TYPE} and the string. Read back as the types' own shared strings.
   */
  public static void writeInteractionTypes(DataOutput out, String[] types) throws IOException {
    writeVarInt(out, types.length);
    for (String t : types) {
      InteractionType known = InteractionType.fromWire(t);
      if (known != null) {
        out.writeByte(known.ordinal());
      } else {
        out.writeByte(OTHER_TYPE);
        writeString(out, t);
      }
    }
  }

  public static String[] readInteractionTypes(DataInput in) throws IOException {
    String[] a = new String[readVarInt(in)];
    for (int i = 0; i < a.length; i++) {
      int b = in.readUnsignedByte();
      InteractionType known = InteractionType.ofOrdinal(b);
      if (b == OTHER_TYPE) {
        a[i] = readString(in);
      } else if (known != null) {
        a[i] = known.wireName();
      } else {
        throw new IOException("unknown interaction type byte " + b);
      }
    }
    return a;
  }

  public static void writeDoubles(DataOutput out, double[] a) throws IOException {
    writeVarInt(out, a.length);
    for (double v : a) {
      out.writeDouble(v);
    }
  }

  public static double[] readDoubles(DataInput in) throws IOException {
    double[] a = new double[readVarInt(in)];
    for (int i = 0; i < a.length; i++) {
      a[i] = in.readDouble();
    }
    return a;
  }

  public static void writeFloats(DataOutput out, float[] a) throws IOException {
    writeVarInt(out, a.length);
    for (float v : a) {
      out.writeFloat(v);
    }
  }

  public static float[] readFloats(DataInput in) throws IOException {
    float[] a = new float[readVarInt(in)];
    for (int i = 0; i < a.length; i++) {
      a[i] = in.readFloat();
    }
    return a;
  }
}
