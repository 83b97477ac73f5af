package io.streamrec.jobs.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.Json;
import io.streamrec.core.contract.RecRequest;
import io.streamrec.core.contract.RecResponse;
import io.streamrec.core.features.TopNBoard;
import io.streamrec.core.features.TrendingFeatures;
import io.streamrec.core.store.EmbeddedFeatureStore;
import io.streamrec.core.store.FeatureStoreSpec;
import io.streamrec.jobs.common.OutRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.flink.statefun.sdk.Address;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UserSessionFnTest {

  private static final String STORE = "user-session-fn-test";
  private static final long NOW = 1_700_000_000_000L;
  private final TrendingFeatures trending = TrendingFeatures.defaults();
  private UserSessionFn fn;
  private RecordingContext ctx;

  @BeforeEach
  void setUp() {
    EmbeddedFeatureStore store = EmbeddedFeatureStore.shared(STORE);
    TopNBoard uk = new TopNBoard(10);
    uk.offer("a", trending.decay().add(Double.NEGATIVE_INFINITY, 3, NOW));
    uk.offer("b", trending.decay().add(Double.NEGATIVE_INFINITY, 2, NOW));
    uk.offer("c", trending.decay().add(Double.NEGATIVE_INFINITY, 1, NOW));
    store.upsert(TrendingFeatures.key("UK"), trending.toBins(uk, NOW), NOW, Duration.ZERO);
    store.upsert(TrendingFeatures.key("_global"), trending.toBins(uk, NOW), NOW, Duration.ZERO);
    fn = new UserSessionFn(FeatureStoreSpec.parse("embedded:" + STORE), "rec-responses");
    ctx = new RecordingContext(new Address(Identifiers.USER_SESSION, "u1"));
  }

  @AfterEach
  void tearDown() {
    EmbeddedFeatureStore.clearShared(STORE);
  }

  private RecResponse lastResponse() {
    List<OutRecord> out = ctx.egress(Identifiers.KAFKA_OUT);
    OutRecord record = out.get(out.size() - 1);
    assertThat(record.topic).isEqualTo("rec-responses");
    assertThat(new String(record.key, StandardCharsets.UTF_8)).isEqualTo("u1");
    return Json.read(record.value, RecResponse.class);
  }

  private static RecRequest request(String id) {
    RecRequest r = RecRequest.of(id, "u1", NOW, 2);
    r.region = "UK";
    return r;
  }

  @Test
  void answersARequestWithTrendingItemsInTheRegion() {
    fn.invoke(ctx, request("r1"));
    RecResponse r = lastResponse();
    assertThat(r.requestId()).isEqualTo("r1");
    assertThat(r.items()).extracting(RecResponse.RecItem::itemId).containsExactly("a", "b");
    assertThat(r.degraded()).isFalse();
    assertThat(ctx.counter("requests")).isEqualTo(1);
  }

  @Test
  void aPurchaseChangesTheVeryNextResponse() {
    fn.invoke(ctx, request("r1"));
    fn.invoke(ctx, Interaction.of("e1", "u1", "a", InteractionType.PURCHASE, NOW).withRegion("UK"));
    fn.invoke(ctx, request("r2"));
    assertThat(lastResponse().items()).extracting(RecResponse.RecItem::itemId).containsExactly("b", "c");
    assertThat(ctx.counter("interactions")).isEqualTo(1);
  }

  @Test
  void theRegionComesFromTheSessionWhenTheRequestHasNone() {
    fn.invoke(ctx, Interaction.of("e1", "u1", "zzz", InteractionType.VIEW, NOW).withRegion("FR"));
    RecRequest r = RecRequest.of("r3", "u1", NOW, 2);
    fn.invoke(ctx, r);
    RecResponse response = lastResponse();
    // No FR list exists: the global list is served, and the response says so.
    assertThat(response.degraded()).isTrue();
    assertThat(response.reason()).contains("FR");
    assertThat(ctx.counter("degraded")).isEqualTo(1);
  }

  @Test
  void anUnexpectedMessageFailsLoudly() {
    assertThatThrownBy(() -> fn.invoke(ctx, "hello")).hasMessageContaining("java.lang.String");
  }
}
