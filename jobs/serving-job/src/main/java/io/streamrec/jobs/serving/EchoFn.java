package io.streamrec.jobs.serving;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.RecRequest;
import io.streamrec.core.contract.RecResponse;
import io.streamrec.jobs.common.OutRecord;
import java.util.List;
import java.util.Map;
import org.apache.flink.statefun.sdk.Context;
import org.apache.flink.statefun.sdk.StatefulFunction;

/**
 * The floor under the serving pipeline: answers every request at once with an empty, non-degraded response and does
 * nothing else (no state, no store, no index, no models). Run in place of {@link UserSessionFn} by
 * {@link ServingJob#echo}, on the same sources, router, StateFun runtime, payload serializer and Kafka sink, it
 * measures what Kafka, Flink and StateFun cost per request, so that a benchmark can report the pipeline's own cost
 * as the difference.
 */
final class EchoFn implements StatefulFunction {

  static final RecResponse.Models MODELS = new RecResponse.Models("echo", "none");

  private final String responseTopic;

  EchoFn(String responseTopic) {
    this.responseTopic = responseTopic;
  }

  @Override
  public void invoke(Context context, Object input) {
    if (input instanceof RecRequest request) {
      RecResponse response = new RecResponse(request.requestId, request.userId, List.of(), MODELS, false, null, null,
          Map.of("total", 0.0));
      context.send(Identifiers.KAFKA_OUT, OutRecord.of(responseTopic, request.userId, response));
      context.metrics().counter("requests").inc();
    } else if (input instanceof Interaction) {
      context.metrics().counter("interactions").inc();
    } else {
      throw new IllegalArgumentException("echo got an unexpected message of type " + input.getClass().getName());
    }
  }
}
