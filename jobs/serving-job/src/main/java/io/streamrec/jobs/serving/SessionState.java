package io.streamrec.jobs.serving;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.codec.CompactIO;
import io.streamrec.core.codec.StateCodec;
import io.streamrec.jobs.common.state.CompactTypeInfo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * What serving remembers about one user between requests: the recent interactions (newest last), what the user
 * bought, and the last region seen. Bounded, so state stays small however active a user is; the serving function
 * puts a TTL on the whole session.
 *
 * <p>Stored in its compact form ({@link Codec}, through {@link TypeInfoFactory}: StateFun asks Flink for the type
 * information of a persisted value's class, and Flink honours the annotation), not field by field as a POJO.
 */
@TypeInfo(SessionState.TypeInfoFactory.class)
public final class SessionState {
  public static final int MAX_RECENT = 50;
  public static final int MAX_BOUGHT = 500;
  public static final int MAX_SERVED = 200;

  public String[] recentItems = new String[0];
  public String[] recentTypes = new String[0];
  public long[] recentTs = new long[0];
  public String[] boughtItems = new String[0];
  public String region;
  public long lastEventTs;
  /** Items recently served to the user (newest last) and when, so they are not shown again right away. */
  public String[] servedItems = new String[0];
  public long[] servedTs = new long[0];

  public SessionState() {}

  /** Applies one interaction. Events may arrive out of order; the newest-last order is by arrival. */
  public void apply(Interaction interaction) {
    recentItems = appendBounded(recentItems, interaction.itemId, MAX_RECENT);
    recentTypes = appendBounded(recentTypes, interaction.type.wireName(), MAX_RECENT);
    recentTs = appendBounded(recentTs, interaction.ts, MAX_RECENT);
    if (interaction.type == InteractionType.PURCHASE && !contains(boughtItems, interaction.itemId)) {
      boughtItems = appendBounded(boughtItems, interaction.itemId, MAX_BOUGHT);
    }
    if (interaction.region != null) {
      region = interaction.region;
    }
    lastEventTs = Math.max(lastEventTs, interaction.ts);
  }

  /** Remembers what a response showed. */
  public void served(java.util.List<String> items, long ts) {
    for (String item : items) {
      servedItems = appendBounded(servedItems, item, MAX_SERVED);
      servedTs = appendBounded(servedTs, ts, MAX_SERVED);
    }
  }

  /** Items served within {@code windowMs} before {@code now}. */
  public Set<String> servedSince(long now, long windowMs) {
    Set<String> out = new HashSet<>();
    for (int i = 0; i < servedItems.length; i++) {
      if (servedTs[i] >= now - windowMs) {
        out.add(servedItems[i]);
      }
    }
    return out;
  }

  /** The session's items, newest first, without repeats. */
  public java.util.List<String> recentNewestFirst() {
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
    for (int i = recentItems.length - 1; i >= 0; i--) {
      out.add(recentItems[i]);
    }
    return new java.util.ArrayList<>(out);
  }

  public Set<String> bought() {
    return new HashSet<>(Arrays.asList(boughtItems));
  }

  private static boolean contains(String[] values, String v) {
    for (String x : values) {
      if (x.equals(v)) {
        return true;
      }
    }
    return false;
  }

  private static String[] appendBounded(String[] values, String v, int max) {
    int keep = Math.min(values.length, max - 1);
    String[] out = new String[keep + 1];
    System.arraycopy(values, values.length - keep, out, 0, keep);
    out[keep] = v;
    return out;
  }

  private static long[] appendBounded(long[] values, long v, int max) {
    int keep = Math.min(values.length, max - 1);
    long[] out = new long[keep + 1];
    System.arraycopy(values, values.length - keep, out, 0, keep);
    out[keep] = v;
    return out;
  }

  /** The session's compact form, format 1: arrays of strings, type bytes and delta-coded timestamps. */
  public static final class Codec implements StateCodec<SessionState> {
    @Override
    public int version() {
      return 1;
    }

    @Override
    public void write(SessionState s, DataOutput out) throws IOException {
      CompactIO.writeStrings(out, s.recentItems);
      CompactIO.writeInteractionTypes(out, s.recentTypes);
      CompactIO.writeLongDeltas(out, s.recentTs);
      CompactIO.writeStrings(out, s.boughtItems);
      CompactIO.writeString(out, s.region);
      CompactIO.writeVarLong(out, s.lastEventTs);
      CompactIO.writeStrings(out, s.servedItems);
      CompactIO.writeLongDeltas(out, s.servedTs);
    }

    @Override
    public SessionState read(DataInput in, int version) throws IOException {
      SessionState s = new SessionState();
      s.recentItems = CompactIO.readStrings(in);
      s.recentTypes = CompactIO.readInteractionTypes(in);
      s.recentTs = CompactIO.readLongDeltas(in);
      s.boughtItems = CompactIO.readStrings(in);
      s.region = CompactIO.readString(in);
      s.lastEventTs = CompactIO.readVarLong(in);
      s.servedItems = CompactIO.readStrings(in);
      s.servedTs = CompactIO.readLongDeltas(in);
      return s;
    }
  }

  /** Gives Flink (and so StateFun's persisted value) the compact form. */
  public static final class TypeInfoFactory extends org.apache.flink.api.common.typeinfo.TypeInfoFactory<SessionState> {
    @Override
    public TypeInformation<SessionState> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
      return new CompactTypeInfo<>(SessionState.class, new Codec());
    }
  }
}
