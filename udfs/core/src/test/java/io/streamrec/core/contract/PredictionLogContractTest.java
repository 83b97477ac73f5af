package io.streamrec.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.model.RankerFeatures;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code prediction-log} parser reads what serving writes, and refuses what a ranker could not learn from. */
class PredictionLogContractTest {
  private static final long TS = 1_700_000_000_000L;

  private static float[] row() {
    float[] f = new float[RankerFeatures.SIZE];
    Arrays.fill(f, 0.5f);
    f[3] = Float.NaN;
    return f;
  }

  private static PredictionLog written() {
    return new PredictionLog("r1", "u1", TS, new RecResponse.Models("two-tower-v3", "ranker-v3", "first-stage-v3"),
        false, null, RankerFeatures.NAMES,
        List.of(new PredictionLog.Entry("A", 1, -1.25, List.of("ann", "item2item"), row(), "ranker", -2.5)),
        List.of(new PredictionLog.Entry("C", 0, -3.0, List.of("trending"), row(), "first_stage", null)),
        1, 2, Map.of("ann", 150), Map.of("seen", 3), Map.of("total", 7.5));
  }

  private static Parsed<PredictionLog> parse(String json) {
    return Contracts.PREDICTION_LOG.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String reason(String json) {
    Parsed<PredictionLog> p = parse(json);
    assertThat(p).isInstanceOf(Parsed.Invalid.class);
    return ((Parsed.Invalid<PredictionLog>) p).reason();
  }

  @Test
  void readsBackWhatServingWritesIncludingMissingFeatures() {
    String wire = Json.writeString(written());
    assertThat(wire).as("Jackson writes a float NaN as a string").contains("\"NaN\"");
    Parsed<PredictionLog> parsed = parse(wire);
    assertThat(parsed).isInstanceOf(Parsed.Valid.class);
    PredictionLog log = ((Parsed.Valid<PredictionLog>) parsed).value();
    assertThat(Json.writeString(log)).isEqualTo(wire);
    assertThat(log.served().get(0).features()[3]).isNaN();
    assertThat(log.negatives().get(0).firstStageScore()).isNull();
    assertThat(log.candidates()).containsEntry("ann", 150);
  }

  @Test
  void aDegradedLogWithoutFeaturesIsValid() {
    String wire = "{\"request_id\":\"r1\",\"user_id\":\"u1\",\"ts\":" + TS + ",\"degraded\":true,\"reason\":\"x\","
        + "\"feature_names\":[],\"served\":[{\"item_id\":\"A\",\"rank\":1,\"score\":0.3,\"sources\":[\"trending\"],"
        + "\"features\":[]}],\"negatives\":[]}";
    PredictionLog log = ((Parsed.Valid<PredictionLog>) parse(wire)).value();
    assertThat(log.served()).singleElement().satisfies(e -> assertThat(e.features()).isEmpty());
    assertThat(log.served().get(0).scoredBy()).isEqualTo(RecResponse.RecItem.RETRIEVAL);
  }

  @Test
  void refusesRowsThatDoNotFollowTheFeatureNames() {
    String wire = Json.writeString(written()).replace("\"features\":[0.5,", "\"features\":[");
    assertThat(reason(wire)).startsWith("served[0]: field 'features' has 24 values but 'feature_names' has 25");
  }

  @Test
  void refusesBadEntriesNamingWhere() {
    String wire = Json.writeString(written());
    assertThat(reason(wire.replace("\"item_id\":\"C\",", ""))).isEqualTo("negatives[0]: missing required field "
        + "'item_id'");
    assertThat(reason(wire.replace("\"features\":[0.5,", "\"features\":[\"x\","))).contains("served[0]: field "
        + "'features[0]' must be a number");
    assertThat(reason(wire.replace("\"features\":[0.5,", "\"features\":[1e999,"))).contains("finite");
    assertThat(reason(wire.replace("\"ts\":" + TS, "\"ts\":" + TS / 1000))).contains("'ts'");
    assertThat(reason(wire.replace("\"served\":[", "\"served\":{\"a\":[").replace("],\"negatives\"",
        "]},\"negatives\""))).contains("'served' must be an array of objects");
    assertThat(reason(wire.replace("\"candidates\":{\"ann\":150}", "\"candidates\":{\"ann\":1.5}")))
        .contains("'candidates.ann' must be a count");
  }

  @Test
  void aLargeLogIsAllowedUpToItsOwnLimit() {
    assertThat(Limits.MAX_PREDICTION_LOG_BYTES).isGreaterThan(Limits.MAX_RECORD_BYTES);
    byte[] tooBig = new byte[Limits.MAX_PREDICTION_LOG_BYTES + 1];
    Arrays.fill(tooBig, (byte) ' ');
    assertThat(((Parsed.Invalid<PredictionLog>) Contracts.PREDICTION_LOG.parse(tooBig)).reason())
        .contains("more than the limit of " + Limits.MAX_PREDICTION_LOG_BYTES);
  }
}
