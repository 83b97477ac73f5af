package io.streamrec.jobs.traininglog;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

/**
 * The example files: JSON lines under {@code <dir>/dt=YYYY-MM-DD/} by the day (UTC) the item was served, written
 * with Flink's {@link FileSink}. Part files roll on every checkpoint and become visible ({@code examples-*.jsonl},
 * no leading dot) only when the checkpoint completes; until then they are hidden in-progress files
 * ({@code .examples-*.jsonl.inprogress.*}), which readers must skip. So a reader never sees an example that a
 * restore could take back, and each example is in the files exactly once.
 */
public final class ExampleFiles {
  public static final String PART_PREFIX = "examples";
  public static final String PART_SUFFIX = ".jsonl";

  private ExampleFiles() {}

  public static FileSink<ExampleLine> sink(String dir) {
    return FileSink.forRowFormat(new Path(dir), new LineEncoder())
        .withBucketAssigner(new ServedDay())
        .withRollingPolicy(OnCheckpointRollingPolicy.build())
        .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix(PART_PREFIX).withPartSuffix(PART_SUFFIX)
            .build())
        .build();
  }

  /** The partition of an example served at {@code servedAt}: {@code dt=2010-12-09}. */
  public static String partition(long servedAt) {
    return "dt=" + DAY.format(Instant.ofEpochMilli(servedAt));
  }

  private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

  static final class LineEncoder implements Encoder<ExampleLine> {
    private static final long serialVersionUID = 1L;

    @Override
    public void encode(ExampleLine line, OutputStream stream) throws IOException {
      stream.write(line.json.getBytes(StandardCharsets.UTF_8));
      stream.write('\n');
    }
  }

  static final class ServedDay implements BucketAssigner<ExampleLine, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getBucketId(ExampleLine line, Context context) {
      return partition(line.servedAt);
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
      return SimpleVersionedStringSerializer.INSTANCE;
    }
  }
}
