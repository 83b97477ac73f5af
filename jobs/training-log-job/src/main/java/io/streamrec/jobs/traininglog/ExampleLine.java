package io.streamrec.jobs.traininglog;

import io.streamrec.core.contract.Json;
import io.streamrec.core.training.TrainingExample;

/**
 * A labelled example on its way to the sinks, already in its wire form (one JSON object, no newline), with the
 * fields the sinks route by: the Kafka key and the day partition of the files. A Flink POJO.
 */
public final class ExampleLine {
  public String userId;
  /** Event time the item was served, epoch ms: the files are partitioned by its day (UTC). */
  public long servedAt;
  public String json;

  public ExampleLine() {}

  public static ExampleLine of(TrainingExample example) {
    ExampleLine line = new ExampleLine();
    line.userId = example.userId();
    line.servedAt = example.servedAt();
    line.json = Json.writeString(example);
    return line;
  }

  @Override
  public String toString() {
    return json;
  }
}
