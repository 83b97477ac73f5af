package io.streamrec.core.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.core.contract.InteractionType;
import org.junit.jupiter.api.Test;

class TrainingLogSettingsTest {

  @Test
  void defaultsArePurchasesWithinSevenDays() {
    TrainingLogSettings s = TrainingLogSettings.defaults();
    assertThat(s.positiveTypes()).containsExactly(InteractionType.PURCHASE);
    assertThat(s.windowMs(InteractionType.PURCHASE)).isEqualTo(7 * 86_400_000L);
    assertThat(s.isPositive(InteractionType.CLICK)).isFalse();
    assertThat(s.allowedLatenessMs()).isEqualTo(3_600_000L);
    assertThat(s.outOfOrdernessMs()).isEqualTo(10_000L);
    assertThat(s.examplesDir()).isEqualTo("training-examples");
  }

  @Test
  void readsItsOwnOptionsAmongTheCommonOnesAndRoundTrips() {
    TrainingLogSettings s = TrainingLogSettings.fromArgs("--bootstrap-servers", "k:9092", "--label-windows",
        "purchase=7d, add_to_cart=1d,click=30m", "--allowed-lateness", "90s", "--out-of-orderness", "500ms",
        "--max-pending-per-user", "10", "--examples-dir", "s3a://b/examples");
    assertThat(s.positiveTypes()).containsExactly(InteractionType.PURCHASE, InteractionType.ADD_TO_CART,
        InteractionType.CLICK);
    assertThat(s.priority(InteractionType.PURCHASE)).isLessThan(s.priority(InteractionType.CLICK));
    assertThat(s.windowMs(InteractionType.CLICK)).isEqualTo(1_800_000L);
    assertThat(s.longestWindowMs()).isEqualTo(7 * 86_400_000L);
    assertThat(s.closesAt(0)).isEqualTo(7 * 86_400_000L + 90_000L);
    assertThat(s.maxPendingPerUser()).isEqualTo(10);
    assertThat(TrainingLogSettings.fromArgs(s.toArgs())).isEqualTo(s);
    assertThat(s.withExamplesDir("/tmp/x").examplesDir()).isEqualTo("/tmp/x");
    assertThat(s.toMap().keySet()).containsExactlyElementsOf(TrainingLogSettings.OPTIONS);
  }

  @Test
  void refusesWhatItCannotUse() {
    assertThatThrownBy(() -> TrainingLogSettings.fromArgs("--label-windows", "buy=7d"))
        .hasMessageContaining("unknown interaction type 'buy'");
    assertThatThrownBy(() -> TrainingLogSettings.fromArgs("--label-windows", "purchase"))
        .hasMessageContaining("type=duration");
    assertThatThrownBy(() -> TrainingLogSettings.fromArgs("--label-windows", "purchase=7d,purchase=1d"))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> TrainingLogSettings.fromArgs("--label-windows", "purchase=0d"))
        .hasMessageContaining("must be > 0");
    assertThatThrownBy(() -> TrainingLogSettings.fromArgs("--allowed-lateness", "1 week"))
        .hasMessageContaining("--allowed-lateness must be a number and a unit");
    assertThatThrownBy(() -> TrainingLogSettings.fromArgs("--max-pending-per-user", "0"))
        .hasMessageContaining("must be >= 1");
    assertThatThrownBy(() -> TrainingLogSettings.fromArgs("--examples-dir")).hasMessageContaining("needs a value");
  }
}
