package io.streamrec.jobs.common;

import io.streamrec.core.contract.ContractParser;
import io.streamrec.core.contract.DeadLetter;
import io.streamrec.core.contract.Parsed;
import io.streamrec.core.contract.RecResponse;
import io.streamrec.core.contract.TopicSpec;
import io.streamrec.core.contract.Topics;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Parses raw records against their topic's contract. Valid records go downstream; every other record becomes a
 * dead letter on the {@link #DIRECT_OUT} side output, and a request that is readable enough to be answered also gets
 * an error response there, so its caller is never left waiting.
 *
 * <p>Metrics (per operator, in the web UI): {@code recordsValid}, {@code recordsDeadLettered},
 * {@code errorResponses}.
 */
public final class ParseOrDeadLetter<T> extends ProcessFunction<RawRecord, T>
    implements ResultTypeQueryable<T> {
  private static final long serialVersionUID = 1L;

  /** Records that go to Kafka as they are: dead letters and error responses. */
  public static final OutputTag<OutRecord> DIRECT_OUT =
      new OutputTag<>("direct-out", TypeInformation.of(OutRecord.class));

  private final ContractParser<T> parser;
  private final TypeInformation<T> producedType;
  private final String jobName;
  private final String deadLetterTopic;
  private final String responseTopic;

  private transient Counter valid;
  private transient Counter deadLettered;
  private transient Counter errorResponses;

  public ParseOrDeadLetter(ContractParser<T> parser, String jobName, JobConfig config) {
    this(parser, jobName, config, TypeInformation.of(parser.type()));
  }

  /** @param producedType how parsed records travel (e.g. a compact form instead of Flink's POJO serializer) */
  public ParseOrDeadLetter(ContractParser<T> parser, String jobName, JobConfig config,
      TypeInformation<T> producedType) {
    this.parser = parser;
    this.producedType = producedType;
    this.jobName = jobName;
    this.deadLetterTopic = config.topic(Topics.DEAD_LETTERS);
    this.responseTopic = config.topic(Topics.REC_RESPONSES);
  }

  public TopicSpec topic() {
    return parser.topic();
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return producedType;
  }

  @Override
  public void open(Configuration parameters) {
    var group = getRuntimeContext().getMetricGroup();
    valid = group.counter("recordsValid");
    deadLettered = group.counter("recordsDeadLettered");
    errorResponses = group.counter("errorResponses");
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<T> out) {
    Parsed<T> parsed = parser.parse(raw.value);
    if (parsed instanceof Parsed.Valid<T> v) {
      valid.inc();
      out.collect(v.value());
      return;
    }
    Parsed.Invalid<T> invalid = (Parsed.Invalid<T>) parsed;
    DeadLetter letter = DeadLetter.of(raw.topic, raw.partition, raw.offset, raw.key, raw.value, invalid.reason(),
        jobName, System.currentTimeMillis());
    deadLettered.inc();
    ctx.output(DIRECT_OUT, OutRecord.of(deadLetterTopic, raw.topic, letter));
    if (invalid.isAddressable()) {
      errorResponses.inc();
      RecResponse error = RecResponse.error(invalid.requestId(), invalid.userId(), invalid.reason());
      ctx.output(DIRECT_OUT, OutRecord.of(responseTopic, invalid.userId(), error));
    }
  }
}
