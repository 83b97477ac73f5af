package io.streamrec.vespa;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.core.index.Generation;
import io.streamrec.core.index.SearchFilter;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The strings the adapter sends: YQL, conditions, paths, and the registry's wire form. */
class VespaLayoutTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void anUnfilteredQueryStillReadsOneNamespaceOneGenerationAndNoTombstones() {
    assertThat(VespaLayout.yql("streamrec", 3, 10, 0, SearchFilter.none(), Set.of()))
        .isEqualTo("select * from item where {targetHits: 10}nearestNeighbor(embedding, q)"
            + " and ns contains \"streamrec\" and generation = 3 and deleted = false");
  }

  @Test
  void anUnknownAgeAllowsOnlyUnrestrictedItems() {
    assertThat(VespaLayout.yql("s", 1, 5, 0, SearchFilter.forViewer(null, null), Set.of()))
        .endsWith("and in_stock = true and min_age <= 0");
  }

  @Test
  void aVectorLookupReadsOneNamespaceOneGenerationAndNoTombstones() {
    assertThat(VespaLayout.vectorsYql("streamrec", 3, List.of("b", "a\"x")))
        .isEqualTo("select * from item where item_id in (\"a\\\"x\", \"b\") and ns contains \"streamrec\""
            + " and generation = 3 and deleted = false");
  }

  @Test
  void stringsAreQuotedForYql() {
    assertThat(VespaLayout.quote("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\"");
    DoubleLexer lex = new DoubleLexer(VespaLayout.quote("a\"b\\c\nd\u0001"));
    assertThat(lex.take().text()).as("the double reads back what the adapter writes").isEqualTo("a\"b\\c\nd\u0001");
  }

  @Test
  void conditionsAndSelections() {
    assertThat(VespaLayout.newerThanStored(42)).isEqualTo("item.version < 42");
    assertThat(VespaLayout.liveAndOlderThan(42)).isEqualTo("item.version < 42 and item.deleted_at == null");
    assertThat(VespaLayout.olderGenerations(3)).isEqualTo("item.generation < 3");
    assertThat(VespaLayout.registryRevisionIs(0)).isEqualTo("index_generation.revision == 0");
  }

  @Test
  void pathsEncodeEachPart() {
    assertThat(VespaLayout.documentPath("ns", "item", VespaLayout.itemDocId(2, "a/b c+d")))
        .isEqualTo("/document/v1/ns/item/docid/2%3Aa%2Fb%20c%2Bd");
    assertThat(VespaLayout.documentsPath("ns", "item")).isEqualTo("/document/v1/ns/item/docid");
  }

  @Test
  void theRegistryRoundTripsThroughItsUpdateAndAGet() throws Exception {
    GenerationRegistry r = GenerationRegistry.EMPTY.with(new Generation(2, "v2", 32)).with(new Generation(1, "v1", 32))
        .publish(1);
    assertThat(r.revision()).isEqualTo(3);
    assertThat(r.generations()).extracting(Generation::id).containsExactly(1L, 2L);
    assertThat(r.toUpdate().toString()).isEqualTo("{\"fields\":{\"revision\":{\"assign\":3},\"active\":{\"assign\":1},"
        + "\"generations\":{\"assign\":[{\"generation\":1,\"model_version\":\"v1\",\"dimension\":32},"
        + "{\"generation\":2,\"model_version\":\"v2\",\"dimension\":32}]}}}");
    GenerationRegistry read = GenerationRegistry.fromFields(JSON.readTree("{\"revision\":3,\"active\":1,"
        + "\"generations\":[{\"generation\":2,\"model_version\":\"v2\",\"dimension\":32},"
        + "{\"generation\":1,\"model_version\":\"v1\",\"dimension\":32}]}"));
    assertThat(read).isEqualTo(r);
    assertThat(read.retired(0)).isTrue();
    assertThat(read.retired(2)).isFalse();
    assertThat(read.publish(2).generations()).extracting(Generation::id).containsExactly(2L);
    assertThat(GenerationRegistry.fromFields(JSON.readTree("{}"))).isEqualTo(GenerationRegistry.EMPTY);
  }

  @Test
  void denseTensorsAreReadInEveryRenderingAGetMayUse() throws Exception {
    float[] expected = {1.5f, -2f, 0f};
    for (String rendering : List.of("[1.5,-2,0]", "{\"type\":\"tensor<float>(x[3])\",\"values\":[1.5,-2,0]}",
        "{\"type\":\"tensor<float>(x[3])\",\"cells\":[{\"address\":{\"x\":\"2\"},\"value\":0},"
            + "{\"address\":{\"x\":\"0\"},\"value\":1.5},{\"address\":{\"x\":\"1\"},\"value\":-2}]}")) {
      assertThat(VespaVectorIndex.denseTensor(JSON.readTree(rendering), 3)).as(rendering).containsExactly(expected);
    }
    assertThat(VespaVectorIndex.denseTensor(JSON.readTree("[1,2]"), 3)).isNull();
    assertThat(VespaVectorIndex.denseTensor(JSON.missingNode(), 3)).isNull();
  }
}
