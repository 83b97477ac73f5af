package io.streamrec.jobs.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import java.util.ArrayList;
import java.util.List;
import io.streamrec.jobs.common.state.CompactTypeInfo;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class SessionStateTest {

  static final long T0 = 1_700_000_000_000L;

  static Interaction event(String item, InteractionType type, long ts, String region) {
    return Interaction.of("e-" + item + "-" + ts, "u1", item, type, ts).withRegion(region);
  }

  @Test
  void emptySession() {
    SessionState s = new SessionState();
    assertThat(s.recentItems).isEmpty();
    assertThat(s.recentTypes).isEmpty();
    assertThat(s.recentTs).isEmpty();
    assertThat(s.bought()).isEmpty();
    assertThat(s.region).isNull();
    assertThat(s.lastEventTs).isZero();
  }

  @Test
  void recentListKeepsTheNewestMaxRecentInArrivalOrder() {
    SessionState s = new SessionState();
    int n = SessionState.MAX_RECENT + 13;
    List<String> expectedItems = new ArrayList<>();
    List<String> expectedTypes = new ArrayList<>();
    List<Long> expectedTs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      InteractionType type = i % 2 == 0 ? InteractionType.VIEW : InteractionType.CLICK;
      s.apply(event("i" + i, type, T0 + i, null));
      if (i >= n - SessionState.MAX_RECENT) {
        expectedItems.add("i" + i);
        expectedTypes.add(type.wireName());
        expectedTs.add(T0 + i);
      }
      assertThat(s.recentItems).hasSize(Math.min(i + 1, SessionState.MAX_RECENT));
    }
    assertThat(s.recentItems).containsExactlyElementsOf(expectedItems);
    assertThat(s.recentTypes).containsExactlyElementsOf(expectedTypes);
    assertThat(s.recentTs).containsExactly(expectedTs.stream().mapToLong(Long::longValue).toArray());
    assertThat(s.recentItems[0]).isEqualTo("i13");
    assertThat(s.recentItems[SessionState.MAX_RECENT - 1]).isEqualTo("i62");
  }

  @Test
  void recentListRepeatsAnItemSeenTwice() {
    SessionState s = new SessionState();
    s.apply(event("a", InteractionType.VIEW, T0, null));
    s.apply(event("b", InteractionType.VIEW, T0 + 1, null));
    s.apply(event("a", InteractionType.ADD_TO_CART, T0 + 2, null));
    assertThat(s.recentItems).containsExactly("a", "b", "a");
    assertThat(s.recentTypes).containsExactly("view", "view", "add_to_cart");
  }

  @Test
  void boughtSetHasEachPurchasedItemOnce() {
    SessionState s = new SessionState();
    s.apply(event("a", InteractionType.PURCHASE, T0, null));
    s.apply(event("b", InteractionType.VIEW, T0 + 1, null));
    s.apply(event("a", InteractionType.PURCHASE, T0 + 2, null));
    s.apply(event("c", InteractionType.PURCHASE, T0 + 3, null));
    s.apply(event("b", InteractionType.ADD_TO_CART, T0 + 4, null));
    assertThat(s.boughtItems).containsExactly("a", "c");
    assertThat(s.bought()).containsExactlyInAnyOrder("a", "c");
  }

  @Test
  void boughtSetIsBounded() {
    SessionState s = new SessionState();
    for (int i = 0; i < SessionState.MAX_BOUGHT + 5; i++) {
      s.apply(event("p" + i, InteractionType.PURCHASE, T0 + i, null));
    }
    assertThat(s.boughtItems).hasSize(SessionState.MAX_BOUGHT);
    assertThat(s.boughtItems[0]).isEqualTo("p5");
    assertThat(s.bought()).doesNotContain("p4").contains("p5", "p" + (SessionState.MAX_BOUGHT + 4));
  }

  @Test
  void regionComesFromTheLatestInteractionThatHasOne() {
    SessionState s = new SessionState();
    s.apply(event("a", InteractionType.VIEW, T0, null));
    assertThat(s.region).isNull();
    s.apply(event("b", InteractionType.VIEW, T0 + 1, "eu"));
    assertThat(s.region).isEqualTo("eu");
    s.apply(event("c", InteractionType.VIEW, T0 + 2, null));
    assertThat(s.region).isEqualTo("eu");
    s.apply(event("d", InteractionType.VIEW, T0 + 3, "us"));
    s.apply(event("e", InteractionType.VIEW, T0 + 4, null));
    assertThat(s.region).isEqualTo("us");
  }

  @Test
  void lastEventTsIsTheMaxEvenOutOfOrder() {
    SessionState s = new SessionState();
    s.apply(event("a", InteractionType.VIEW, T0 + 10, null));
    s.apply(event("b", InteractionType.VIEW, T0 + 5, null));
    assertThat(s.lastEventTs).isEqualTo(T0 + 10);
    assertThat(s.recentItems).containsExactly("a", "b"); // arrival order
  }

  @Test
  void flinkAndSoStateFunStoreTheSessionInItsCompactForm() throws Exception {
    TypeInformation<SessionState> info = TypeInformation.of(SessionState.class);
    assertThat(info).isInstanceOf(CompactTypeInfo.class);
    TypeSerializer<SessionState> serializer = info.createSerializer(new ExecutionConfig());
    SessionState s = new SessionState();
    for (int i = 0; i < 80; i++) {
      s.apply(event("i" + i, i % 7 == 0 ? InteractionType.PURCHASE : InteractionType.CLICK, T0 + i * 1000L,
          i % 3 == 0 ? "eu" : null));
    }
    s.served(List.of("x", "y", "z"), T0 + 99_000);
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(s, out);
    SessionState back = serializer.deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
    assertThat(back).usingRecursiveComparison().isEqualTo(s);
    assertThat(back.recentTypes[0]).isSameAs(InteractionType.fromWire(back.recentTypes[0]).wireName());
  }
}
