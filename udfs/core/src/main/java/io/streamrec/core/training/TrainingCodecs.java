package io.streamrec.core.training;

import static io.streamrec.core.codec.CompactIO.readFloats;
import static io.streamrec.core.codec.CompactIO.readString;
import static io.streamrec.core.codec.CompactIO.readStrings;
import static io.streamrec.core.codec.CompactIO.readVarInt;
import static io.streamrec.core.codec.CompactIO.readVarLong;
import static io.streamrec.core.codec.CompactIO.writeFloats;
import static io.streamrec.core.codec.CompactIO.writeString;
import static io.streamrec.core.codec.CompactIO.writeStrings;
import static io.streamrec.core.codec.CompactIO.writeVarInt;
import static io.streamrec.core.codec.CompactIO.writeVarLong;

import io.streamrec.core.codec.StateCodec;
import io.streamrec.core.contract.PredictionLog;
import io.streamrec.core.contract.RecResponse;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compact forms of the training-log job's records and state: the parsed {@link PredictionLog} on its way to the
 * join (a Java record, which Flink would otherwise only serialize with Kryo) and each user's {@link UserLabels}.
 */
public final class TrainingCodecs {
  private TrainingCodecs() {}

  /** {@link PredictionLog}, format 1: every field, so that nothing is lost between the parser and the join. */
  public static final class PredictionLogs implements StateCodec<PredictionLog> {
    private static final long serialVersionUID = 1L;

    @Override
    public int version() {
      return 1;
    }

    @Override
    public void write(PredictionLog log, DataOutput out) throws IOException {
      writeString(out, log.requestId());
      writeString(out, log.userId());
      writeVarLong(out, log.ts());
      RecResponse.Models m = log.models();
      out.writeBoolean(m != null);
      if (m != null) {
        writeString(out, m.retrieval());
        writeString(out, m.ranking());
        writeString(out, m.firstStage());
      }
      out.writeBoolean(log.degraded());
      writeString(out, log.reason());
      writeStrings(out, log.featureNames().toArray(String[]::new));
      writeEntries(out, log.served());
      writeEntries(out, log.negatives());
      writeVarInt(out, log.ranked());
      writeVarInt(out, log.firstStageScored());
      writeCounts(out, log.candidates());
      writeCounts(out, log.filtered());
      Map<String, Double> timings = log.timingsMs() == null ? Map.of() : log.timingsMs();
      writeVarInt(out, timings.size());
      for (Map.Entry<String, Double> t : timings.entrySet()) {
        writeString(out, t.getKey());
        out.writeDouble(t.getValue());
      }
    }

    @Override
    public PredictionLog read(DataInput in, int version) throws IOException {
      String requestId = readString(in);
      String userId = readString(in);
      long ts = readVarLong(in);
      RecResponse.Models models = in.readBoolean()
          ? new RecResponse.Models(readString(in), readString(in), readString(in)) : null;
      boolean degraded = in.readBoolean();
      String reason = readString(in);
      List<String> names = List.of(readStrings(in));
      List<PredictionLog.Entry> served = readEntries(in);
      List<PredictionLog.Entry> negatives = readEntries(in);
      int ranked = readVarInt(in);
      int firstStageScored = readVarInt(in);
      Map<String, Integer> candidates = readCounts(in);
      Map<String, Integer> filtered = readCounts(in);
      int n = readVarInt(in);
      Map<String, Double> timings = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        timings.put(readString(in), in.readDouble());
      }
      return new PredictionLog(requestId, userId, ts, models, degraded, reason, names, served, negatives, ranked,
          firstStageScored, candidates, filtered, timings);
    }

    private static void writeEntries(DataOutput out, List<PredictionLog.Entry> entries) throws IOException {
      writeVarInt(out, entries.size());
      for (PredictionLog.Entry e : entries) {
        writeString(out, e.itemId());
        writeVarInt(out, e.rank());
        out.writeDouble(e.score());
        writeStrings(out, e.sources().toArray(String[]::new));
        writeFloats(out, e.features() == null ? new float[0] : e.features());
        writeString(out, e.scoredBy());
        out.writeDouble(e.firstStageScore() == null ? Double.NaN : e.firstStageScore());
      }
    }

    private static List<PredictionLog.Entry> readEntries(DataInput in) throws IOException {
      int n = readVarInt(in);
      List<PredictionLog.Entry> entries = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String item = readString(in);
        int rank = readVarInt(in);
        double score = in.readDouble();
        List<String> sources = List.of(readStrings(in));
        float[] features = readFloats(in);
        String scoredBy = readString(in);
        double first = in.readDouble();
        entries.add(new PredictionLog.Entry(item, rank, score, sources, features, scoredBy,
            Double.isNaN(first) ? null : first));
      }
      return entries;
    }

    private static void writeCounts(DataOutput out, Map<String, Integer> counts) throws IOException {
      Map<String, Integer> c = counts == null ? Map.of() : counts;
      writeVarInt(out, c.size());
      for (Map.Entry<String, Integer> e : c.entrySet()) {
        writeString(out, e.getKey());
        writeVarInt(out, e.getValue());
      }
    }

    private static Map<String, Integer> readCounts(DataInput in) throws IOException {
      int n = readVarInt(in);
      Map<String, Integer> c = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        c.put(readString(in), readVarInt(in));
      }
      return c;
    }
  }

  /**
   * {@link UserLabels}, format 1: the distinct feature-name lists once (almost always one: the ranker's), then the
   * pending entries (times as deltas from the previous entry's), then the buffered events.
   */
  public static final class Labels implements StateCodec<UserLabels> {
    private static final long serialVersionUID = 1L;

    @Override
    public int version() {
      return 1;
    }

    @Override
    public void write(UserLabels labels, DataOutput out) throws IOException {
      List<String[]> names = new ArrayList<>();
      int[] nameIndex = new int[labels.pending.size()];
      for (int i = 0; i < nameIndex.length; i++) {
        nameIndex[i] = indexOf(names, labels.pending.get(i).featureNames);
      }
      writeVarInt(out, names.size());
      for (String[] n : names) {
        writeStrings(out, n);
      }
      writeVarInt(out, labels.pending.size());
      long prev = 0;
      for (int i = 0; i < nameIndex.length; i++) {
        ServedEntry e = labels.pending.get(i);
        writeString(out, e.requestId);
        writeString(out, e.itemId);
        writeVarLong(out, e.servedAt - prev);
        prev = e.servedAt;
        out.writeBoolean(e.served);
        writeVarInt(out, e.rank);
        out.writeDouble(e.score);
        writeString(out, e.scoredBy);
        out.writeDouble(e.firstStageScore);
        writeStrings(out, e.sources);
        writeString(out, e.retrievalModel);
        writeString(out, e.rankingModel);
        writeString(out, e.firstStageModel);
        writeVarInt(out, nameIndex[i]);
        writeFloats(out, e.features);
        writeVarInt(out, e.labelType + 1);
        if (e.labelType >= 0) {
          writeVarLong(out, e.labelTs - e.servedAt);
          out.writeBoolean(e.labelByRequest);
        }
      }
      writeVarInt(out, labels.positives.size());
      for (Positive p : labels.positives) {
        writeString(out, p.requestId);
        writeString(out, p.itemId);
        out.writeByte(p.type);
        writeVarLong(out, p.ts);
      }
    }

    private static int indexOf(List<String[]> names, String[] n) {
      for (int i = 0; i < names.size(); i++) {
        if (names.get(i) == n || Arrays.equals(names.get(i), n)) {
          return i;
        }
      }
      names.add(n);
      return names.size() - 1;
    }

    @Override
    public UserLabels read(DataInput in, int version) throws IOException {
      String[][] names = new String[readVarInt(in)][];
      for (int i = 0; i < names.length; i++) {
        String[] n = readStrings(in);
        names[i] = Arrays.equals(n, ServedEntry.CURRENT_FEATURE_NAMES) ? ServedEntry.CURRENT_FEATURE_NAMES : n;
      }
      int n = readVarInt(in);
      List<ServedEntry> pending = new ArrayList<>(n);
      long prev = 0;
      for (int i = 0; i < n; i++) {
        ServedEntry e = new ServedEntry();
        e.requestId = readString(in);
        e.itemId = readString(in);
        e.servedAt = prev + readVarLong(in);
        prev = e.servedAt;
        e.served = in.readBoolean();
        e.rank = readVarInt(in);
        e.score = in.readDouble();
        e.scoredBy = readString(in);
        e.firstStageScore = in.readDouble();
        e.sources = readStrings(in);
        e.retrievalModel = readString(in);
        e.rankingModel = readString(in);
        e.firstStageModel = readString(in);
        int nameIndex = readVarInt(in);
        if (nameIndex >= names.length) {
          throw new IOException("corrupt training-log state: feature-name list " + nameIndex + " of " + names.length);
        }
        e.featureNames = names[nameIndex];
        e.features = readFloats(in);
        e.labelType = readVarInt(in) - 1;
        if (e.labelType >= 0) {
          e.labelTs = e.servedAt + readVarLong(in);
          e.labelByRequest = in.readBoolean();
        }
        pending.add(e);
      }
      int m = readVarInt(in);
      List<Positive> positives = new ArrayList<>(m);
      for (int i = 0; i < m; i++) {
        Positive p = new Positive();
        p.requestId = readString(in);
        p.itemId = readString(in);
        p.type = in.readUnsignedByte();
        p.ts = readVarLong(in);
        positives.add(p);
      }
      return new UserLabels(pending, positives);
    }
  }
}
