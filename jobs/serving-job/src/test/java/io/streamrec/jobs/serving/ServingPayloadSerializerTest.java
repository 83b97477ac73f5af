package io.streamrec.jobs.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.RecRequest;
import org.apache.flink.statefun.flink.core.generated.Payload;
import org.junit.jupiter.api.Test;

class ServingPayloadSerializerTest {
  private final ServingPayloadSerializer serializer = new ServingPayloadSerializer();
  private final ClassLoader cl = getClass().getClassLoader();

  @Test
  void roundTripsEveryMessageType() {
    Interaction i = Interaction.of("e", "u", "i", InteractionType.ADD_TO_CART, 1_700_000_000_000L).withRegion("UK");
    i.position = 3;
    i.dwellMs = 1200L;
    RecRequest r = RecRequest.of("r", "u", 1_700_000_000_000L, 7);
    r.exclude = new String[] {"x", "y"};
    r.deadlineMs = 30;

    assertThat(serializer.deserialize(cl, serializer.serialize(i))).isEqualTo(i);
    assertThat(serializer.deserialize(cl, serializer.serialize(r))).isEqualTo(r);
    assertThat(serializer.copy(cl, r)).isEqualTo(r).isNotSameAs(r);
  }

  @Test
  void refusesTypesItDoesNotKnow() {
    assertThatThrownBy(() -> serializer.serialize("a string")).hasMessageContaining("java.lang.String");
    Payload unknown = Payload.newBuilder().setClassName("java.lang.Runtime").build();
    assertThatThrownBy(() -> serializer.deserialize(cl, unknown)).hasMessageContaining("java.lang.Runtime");
  }
}
