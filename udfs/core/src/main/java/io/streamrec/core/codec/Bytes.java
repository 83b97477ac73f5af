package io.streamrec.core.codec;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@link DataOutput} and {@link DataInput} over a plain byte array, for the compact forms ({@link CompactIO}).
 * The JDK's {@code DataOutputStream} over a {@code ByteArrayOutputStream} takes a lock per byte; these do not, and
 * a {@link Writer} is reused from one value to the next. Not thread-safe.
 */
public final class Bytes {
  private Bytes() {}

  /** A growable buffer; {@link #reset()} before each value, {@link #toByteArray()} after. */
  public static final class Writer implements DataOutput {
    private byte[] buf;
    private int len;

    public Writer(int initialCapacity) {
      buf = new byte[Math.max(16, initialCapacity)];
    }

    public Writer reset() {
      len = 0;
      return this;
    }

    public int length() {
      return len;
    }

    /** The buffer itself: the first {@link #length()} bytes are what was written since the last reset. */
    public byte[] buffer() {
      return buf;
    }

    /** A copy of what was written since the last reset. */
    public byte[] toByteArray() {
      return Arrays.copyOf(buf, len);
    }

    private void ensure(int more) {
      if (len + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
      }
    }

    @Override
    public void write(int b) {
      ensure(1);
      buf[len++] = (byte) b;
    }

    @Override
    public void write(byte[] b) {
      write(b, 0, b.length);
    }

    @Override
    public void write(byte[] b, int off, int n) {
      ensure(n);
      System.arraycopy(b, off, buf, len, n);
      len += n;
    }

    /** The chars of an ASCII string, one byte each (the caller checked that every char is below 0x80). */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): exactly "the low byte of each char"
    void writeAscii(String s) {
      ensure(s.length());
      s.getBytes(0, s.length(), buf, len);
      len += s.length();
    }

    @Override
    public void writeBoolean(boolean v) {
      write(v ? 1 : 0);
    }

    @Override
    public void writeByte(int v) {
      write(v);
    }

    @Override
    public void writeShort(int v) {
      ensure(2);
      buf[len++] = (byte) (v >>> 8);
      buf[len++] = (byte) v;
    }

    @Override
    public void writeChar(int v) {
      writeShort(v);
    }

    @Override
    public void writeInt(int v) {
      ensure(4);
      buf[len++] = (byte) (v >>> 24);
      buf[len++] = (byte) (v >>> 16);
      buf[len++] = (byte) (v >>> 8);
      buf[len++] = (byte) v;
    }

    @Override
    public void writeLong(long v) {
      writeInt((int) (v >>> 32));
      writeInt((int) v);
    }

    @Override
    public void writeFloat(float v) {
      writeInt(Float.floatToIntBits(v));
    }

    @Override
    public void writeDouble(double v) {
      writeLong(Double.doubleToLongBits(v));
    }

    @Override
    public void writeBytes(String s) {
      for (int i = 0; i < s.length(); i++) {
        write(s.charAt(i));
      }
    }

    @Override
    public void writeChars(String s) {
      for (int i = 0; i < s.length(); i++) {
        writeChar(s.charAt(i));
      }
    }

    /** Not supported: the compact forms write strings with {@link CompactIO#writeString}. */
    @Override
    public void writeUTF(String s) {
      throw new UnsupportedOperationException("writeUTF: use CompactIO.writeString");
    }
  }

  /** Reads a byte array (or a slice of one) front to back. */
  public static final class Reader implements DataInput {
    private final byte[] buf;
    private final int end;
    private int pos;

    public Reader(byte[] buf) {
      this(buf, 0, buf.length);
    }

    public Reader(byte[] buf, int offset, int length) {
      this.buf = buf;
      this.pos = offset;
      this.end = offset + length;
    }

    /** Bytes not read yet. */
    public int remaining() {
      return end - pos;
    }

    private void need(int n) throws EOFException {
      if (end - pos < n) {
        throw new EOFException("needed " + n + " more bytes, " + (end - pos) + " left");
      }
    }

    /** The next {@code n} bytes as UTF-8, from {@code pool} when it holds that string, else decoded in place. */
    String readUtf8(int n, StringPool pool) throws EOFException {
      need(n);
      String s = pool != null ? pool.get(buf, pos, n) : new String(buf, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    @Override
    public void readFully(byte[] b) throws IOException {
      readFully(b, 0, b.length);
    }

    @Override
    public void readFully(byte[] b, int off, int n) throws IOException {
      need(n);
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
    }

    @Override
    public int skipBytes(int n) {
      int k = Math.max(0, Math.min(n, end - pos));
      pos += k;
      return k;
    }

    @Override
    public boolean readBoolean() throws IOException {
      return readUnsignedByte() != 0;
    }

    @Override
    public byte readByte() throws IOException {
      need(1);
      return buf[pos++];
    }

    @Override
    public int readUnsignedByte() throws IOException {
      need(1);
      return buf[pos++] & 0xFF;
    }

    @Override
    public short readShort() throws IOException {
      return (short) readUnsignedShort();
    }

    @Override
    public int readUnsignedShort() throws IOException {
      need(2);
      int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
      pos += 2;
      return v;
    }

    @Override
    public char readChar() throws IOException {
      return (char) readUnsignedShort();
    }

    @Override
    public int readInt() throws IOException {
      need(4);
      int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8)
          | (buf[pos + 3] & 0xFF);
      pos += 4;
      return v;
    }

    @Override
    public long readLong() throws IOException {
      return ((long) readInt() << 32) | (readInt() & 0xFFFFFFFFL);
    }

    @Override
    public float readFloat() throws IOException {
      return Float.intBitsToFloat(readInt());
    }

    @Override
    public double readDouble() throws IOException {
      return Double.longBitsToDouble(readLong());
    }

    @Override
    public String readLine() {
      throw new UnsupportedOperationException("readLine: the compact forms hold no text lines");
    }

    /** Not supported: the compact forms read strings with {@link CompactIO#readString}. */
    @Override
    public String readUTF() {
      throw new UnsupportedOperationException("readUTF: use CompactIO.readString");
    }
  }
}
