package io.streamrec.core.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EventCodecsTest {

  @Test
  void interactionsAndEnrichedInteractionsRoundTripWithEveryOptionalField() throws Exception {
    Random r = new Random(5);
    for (int n = 0; n < 200; n++) {
      Interaction i = FeatureStateCodecsTest.event(r, n, "user-é-" + n);
      if (r.nextBoolean()) {
        i.requestId = "req-" + n;
        i.position = r.nextInt(10_000);
      }
      if (r.nextBoolean()) {
        i.dwellMs = (long) r.nextInt(1_000_000);
      }
      Interaction back = FeatureStateCodecsTest.decode(new EventCodecs.Interactions(),
          FeatureStateCodecsTest.encode(new EventCodecs.Interactions(), i));
      assertThat(back).isEqualTo(i);

      EnrichedInteraction e = EnrichedInteraction.of(i, r.nextBoolean() ? null : "cat-" + n,
          r.nextBoolean() ? null : r.nextDouble() * 100);
      EnrichedInteraction eBack = FeatureStateCodecsTest.decode(new EventCodecs.Enriched(),
          FeatureStateCodecsTest.encode(new EventCodecs.Enriched(), e));
      assertThat(eBack.interaction).isEqualTo(i);
      assertThat(eBack.category).isEqualTo(e.category);
      assertThat(eBack.price).isEqualTo(e.price);
    }
    Interaction bare = Interaction.of("e", "u", "i", InteractionType.PURCHASE, -5);
    assertThat(FeatureStateCodecsTest.decode(new EventCodecs.Interactions(),
        FeatureStateCodecsTest.encode(new EventCodecs.Interactions(), bare))).isEqualTo(bare);
  }
}
