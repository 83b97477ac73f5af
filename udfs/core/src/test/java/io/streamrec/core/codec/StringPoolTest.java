package io.streamrec.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StringPoolTest {

  @Test
  void aRepeatedValueIsTheSameStringAndEveryValueEqualsItsBytes() {
    StringPool pool = new StringPool(4);
    byte[] a = "item-17".getBytes(StandardCharsets.UTF_8);
    String first = pool.get(a, 0, a.length);
    assertThat(first).isEqualTo("item-17");
    assertThat(pool.get(a.clone(), 0, a.length)).isSameAs(first);

    // Many values through four slots: collisions replace, never confuse.
    for (int i = 0; i < 1_000; i++) {
      String v = (i % 3 == 0 ? "été-" : "item-") + i;
      byte[] b = ("xx" + v + "yy").getBytes(StandardCharsets.UTF_8);
      assertThat(pool.get(b, 2, b.length - 4)).isEqualTo(v);
      assertThat(pool.get(b, 2, b.length - 4)).as("held right after").isEqualTo(v);
    }
    byte[] accented = "été".getBytes(StandardCharsets.UTF_8);
    String held = pool.get(accented, 0, accented.length);
    assertThat(pool.get(accented.clone(), 0, accented.length)).isSameAs(held);
    assertThat(pool.get(new byte[0], 0, 0)).isEmpty();
  }

  @Test
  void readsThroughTheCompactFormPooled() throws Exception {
    StringPool pool = new StringPool(16);
    Bytes.Writer w = new Bytes.Writer(64);
    CompactIO.writeStrings(w, new String[] {"a", "b", null, "a"});
    String[] read = CompactIO.readStrings(new Bytes.Reader(w.toByteArray()), pool);
    assertThat(read).containsExactly("a", "b", null, "a");
    assertThat(read[3]).isSameAs(read[0]);
  }

  @Test
  void capacityMustBeAPowerOfTwo() {
    assertThatThrownBy(() -> new StringPool(3)).isInstanceOf(IllegalArgumentException.class);
  }
}
