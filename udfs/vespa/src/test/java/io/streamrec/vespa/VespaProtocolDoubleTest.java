package io.streamrec.vespa;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The double's protocol behaviour, request by request: what Vespa's documentation says it does, so the adapter's
 * tests rest on pinned-down facts (conditional writes on missing documents, 412 versus 200, rendering, selections,
 * gzip, YQL errors).
 */
class VespaProtocolDoubleTest {
  private static final String DOC = "/document/v1/ns/item/docid/";
  private static final String V8 = "[1,0,0,0,0,0,0,0]";

  private VespaProtocolDouble vespa;
  private RawH2c http;

  @BeforeEach
  void start() {
    vespa = VespaProtocolDouble.start(8);
    http = new RawH2c(vespa.endpoint());
  }

  @AfterEach
  void stop() {
    http.close();
    vespa.close();
  }

  private RawH2c.Reply put(String id, String query, String fields) {
    return http.send("POST", DOC + id + query, "{\"fields\": {" + fields + "}}");
  }

  private static String item(long version) {
    return "\"ns\": \"ns\", \"item_id\": \"a\", \"generation\": 1, \"version\": " + version + ", \"embedding\": " + V8;
  }

  @Test
  void theFeederHandshakeIsAcceptedWithoutADocument() {
    RawH2c.Reply r = http.send("POST", "/document/v1/feeder/handshake/docid/dummy?dryRun=true", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(vespa.handshakes()).isEqualTo(1);
    assertThat(vespa.documentCount("item")).isZero();
  }

  @Test
  void aConditionalPutWithCreateAppliesToAMissingDocumentAndIsCheckedOnAnExistingOne() {
    String cond = "?create=true&condition=" + VespaLayout.encode("item.version < 5");
    assertThat(put("a", cond, item(5)).status()).isEqualTo(200); // missing: the condition is ignored
    assertThat(put("a", cond, item(4)).status()).isEqualTo(412); // 5 < 5 is false
    RawH2c.Reply newer = put("a", "?create=true&condition=" + VespaLayout.encode("item.version < 6"), item(6));
    assertThat(newer.status()).isEqualTo(200);
    assertThat(newer.body().path("id").asText()).isEqualTo("id:ns:item::a");
    assertThat(vespa.document("ns", "item", "a").orElseThrow().path("version").asLong()).isEqualTo(6);
  }

  @Test
  void aConditionOnAMissingDocumentFailsWithoutCreate() {
    RawH2c.Reply r = put("a", "?condition=" + VespaLayout.encode("item.version < 5"), item(1));
    assertThat(r.status()).isEqualTo(412);
    assertThat(r.body().path("message").asText()).contains("TEST_AND_SET_CONDITION_FAILED");
    assertThat(http.send("PUT", DOC + "a?condition=" + VespaLayout.encode("item.version < 5"),
        "{\"fields\": {\"in_stock\": {\"assign\": true}}}").status()).isEqualTo(412);
    assertThat(http.send("DELETE", DOC + "a?condition=" + VespaLayout.encode("item"), null).status())
        .isEqualTo(412);
    assertThat(vespa.document("ns", "item", "a")).isEmpty();
  }

  @Test
  void updatesAndRemovesOfAMissingDocumentWithoutAConditionAre200AndChangeNothing() {
    assertThat(http.send("PUT", DOC + "a", "{\"fields\": {\"in_stock\": {\"assign\": true}}}").status())
        .isEqualTo(200);
    assertThat(http.send("DELETE", DOC + "a", null).status()).isEqualTo(200);
    assertThat(vespa.document("ns", "item", "a")).isEmpty();
  }

  @Test
  void anUpdateWithCreateMakesAnEmptyDocumentThenAppliesTheAssignments() {
    String q = "?create=true&condition=" + VespaLayout.encode("item.version == 7"); // ignored: no document yet
    assertThat(http.send("PUT", DOC + "a" + q, "{\"fields\": {\"version\": {\"assign\": 3}}}").status())
        .isEqualTo(200);
    assertThat(vespa.document("ns", "item", "a").orElseThrow().toString()).isEqualTo("{\"version\":3}");
    assertThat(http.send("PUT", DOC + "a" + q, "{\"fields\": {\"version\": {\"assign\": 4}}}").status())
        .isEqualTo(412); // now it exists, and 3 != 7
    assertThat(http.send("PUT", DOC + "a", "{\"fields\": {\"version\": {\"assign\": null}}}").status())
        .isEqualTo(200);
    assertThat(vespa.document("ns", "item", "a").orElseThrow().toString()).isEqualTo("{}");
    assertThat(http.send("PUT", DOC + "a", "{\"fields\": {\"version\": {\"increment\": 1}}}").status())
        .isEqualTo(400);
  }

  @Test
  void selectionsTreatComparisonsWithMissingFieldsAsInvalid() {
    put("a", "", item(1)); // no deleted_at
    String live = VespaLayout.encode("item.deleted_at == null and item.version < 2");
    assertThat(http.send("PUT", DOC + "a?condition=" + live, "{\"fields\": {\"in_stock\": {\"assign\": true}}}")
        .status()).isEqualTo(200);
    String invalid = VespaLayout.encode("item.deleted_at > 5"); // null > 5 is invalid: no match
    assertThat(http.send("PUT", DOC + "a?condition=" + invalid, "{\"fields\": {\"in_stock\": {\"assign\": true}}}")
        .status()).isEqualTo(412);
    String notInvalid = VespaLayout.encode("not (item.deleted_at > 5)"); // still invalid
    assertThat(http.send("PUT", DOC + "a?condition=" + notInvalid,
        "{\"fields\": {\"in_stock\": {\"assign\": true}}}").status()).isEqualTo(412);
    String orTrue = VespaLayout.encode("item.deleted_at > 5 or item.version == 1");
    assertThat(http.send("PUT", DOC + "a?condition=" + orTrue, "{\"fields\": {\"in_stock\": {\"assign\": true}}}")
        .status()).isEqualTo(200);
    RawH2c.Reply unknown = http.send("PUT", DOC + "a?condition=" + VespaLayout.encode("item.nope == 1"),
        "{\"fields\": {\"in_stock\": {\"assign\": true}}}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body().path("message").asText()).contains("Field 'nope' not found");
  }

  @Test
  void versionsBeyondDoublePrecisionCompareExactly() {
    long big = (1L << 60) + 1;
    put("a", "", item(big));
    String cond = VespaLayout.encode("item.version < " + (big + 1));
    assertThat(put("a", "?create=true&condition=" + cond, item(big + 1)).status()).isEqualTo(200);
    assertThat(put("a", "?create=true&condition=" + VespaLayout.encode("item.version < " + (big + 1)),
        item(big + 1)).status()).isEqualTo(412);
  }

  @Test
  void aGetRendersTensorsAsVespaDoesAndHonoursTheFieldSet() {
    put("a", "", item(1) + ", \"regions\": [], \"category\": \"toys\"");
    RawH2c.Reply missing = http.send("GET", DOC + "b", null);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body().path("id").asText()).isEqualTo("id:ns:item::b");

    RawH2c.Reply got = http.send("GET", DOC + "a", null);
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.body().path("fields").path("embedding").toString())
        .isEqualTo("{\"type\":\"tensor<float>(x[8])\",\"values\":[1.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0]}");
    assertThat(got.body().path("fields").has("regions")).as("an empty array is stored as absent").isFalse();
    assertThat(http.send("GET", DOC + "a?format.tensors=short-value", null).body().path("fields")
        .path("embedding").isArray()).isTrue();
    assertThat(http.send("GET", DOC + "a?fieldSet=" + VespaLayout.encode("item:category,version"), null).body()
        .path("fields").toString()).isEqualTo("{\"version\":1,\"category\":\"toys\"}");
  }

  @Test
  void fieldsAreCheckedAgainstTheSchema() {
    RawH2c.Reply unknown = put("a", "", "\"title\": \"x\"");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body().path("message").asText()).contains("No field 'title'");
    RawH2c.Reply shortVector = put("a", "", "\"embedding\": [1, 2, 3]");
    assertThat(shortVector.status()).isEqualTo(400);
    assertThat(shortVector.body().path("message").asText()).contains("tensor<float>(x[8])").contains("3 values");
    assertThat(put("a", "", "\"min_age\": \"old\"").status()).isEqualTo(400);
    assertThat(http.send("POST", "/document/v1/ns/music/docid/a", "{\"fields\": {}}").body().path("message")
        .asText()).isEqualTo("Document type music does not exist");
    assertThat(put("a", "", "\"embedding\": {\"values\": " + V8 + "}").status()).isEqualTo(200);
  }

  @Test
  void gzipRequestBodiesAreDecoded() {
    RawH2c.Reply r = http.send("POST", DOC + "a", "{\"fields\": {" + item(1) + "}}", true);
    assertThat(r.status()).isEqualTo(200);
    assertThat(vespa.gzipBodies()).isEqualTo(1);
    assertThat(vespa.document("ns", "item", "a").orElseThrow().path("item_id").asText()).isEqualTo("a");
  }

  @Test
  void idsWithSlashesAndSpacesSurviveThePath() {
    String id = "1:a/b c%d";
    assertThat(http.send("POST", DOC + VespaLayout.encode(id), "{\"fields\": {" + item(1) + "}}").status())
        .isEqualTo(200);
    assertThat(vespa.document("ns", "item", id)).isPresent();
  }

  @Test
  void deleteBySelectionNeedsTheClusterAndStaysInsideTheNamespace() {
    put("old", "", "\"generation\": 1");
    put("new", "", "\"generation\": 2");
    http.send("POST", "/document/v1/other/item/docid/old", "{\"fields\": {\"generation\": 1}}");
    String sel = "?selection=" + VespaLayout.encode("item.generation < 2");
    assertThat(http.send("DELETE", "/document/v1/ns/item/docid" + sel, null).status()).isEqualTo(400);
    assertThat(http.send("DELETE", "/document/v1/ns/item/docid" + sel + "&cluster=nope", null).status())
        .isEqualTo(400);
    RawH2c.Reply r = http.send("DELETE", "/document/v1/ns/item/docid" + sel + "&cluster=streamrec", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("documentCount").asLong()).isEqualTo(1);
    assertThat(vespa.document("ns", "item", "old")).isEmpty();
    assertThat(vespa.document("ns", "item", "new")).isPresent();
    assertThat(vespa.document("other", "item", "old")).isPresent();
  }

  @Test
  void aQueryReturnsTheExactNearestNeighboursThatPassThePreFilters() {
    put("1:a", "", item(1) + ", \"in_stock\": true");
    put("1:b", "", "\"ns\": \"ns\", \"item_id\": \"b\", \"generation\": 1, \"in_stock\": false, \"embedding\": "
        + "[0.9,0.1,0,0,0,0,0,0]");
    put("1:c", "", "\"ns\": \"ns\", \"item_id\": \"c\", \"generation\": 1, \"in_stock\": true, \"embedding\": "
        + "[0.5,0.5,0,0,0,0,0,0]");
    String yql = "select * from item where {targetHits: 10}nearestNeighbor(embedding, q) and in_stock = true"
        + " and !(item_id in (\"a\"))";
    RawH2c.Reply r = http.query(yql,
        "\"input.query(q)\": " + V8 + ", \"ranking.profile\": \"inner_product\", \"presentation.summary\": "
            + "\"item_ids\"");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("root").path("children").toString())
        .isEqualTo("[{\"id\":\"index:streamrec/0/" + Integer.toHexString("id:ns:item::1:c".hashCode())
            + "\",\"relevance\":0.5,\"source\":\"streamrec\",\"fields\":{\"item_id\":\"c\"}}]");
    RawH2c.Reply two = http.query("select * from item where {targetHits: 2}nearestNeighbor(embedding, q)",
        "\"input.query(q)\": \"" + V8 + "\", \"ranking\": {\"profile\": \"inner_product\"}, \"hits\": 5");
    assertThat(two.body().path("root").path("children").findValuesAsText("item_id")).containsExactly("a", "b");
    assertThat(two.body().path("root").path("children").get(0).path("fields").path("embedding").path("type")
        .asText()).isEqualTo("tensor<float>(x[8])"); // the default summary carries everything
  }

  @Test
  void aLookupByIdIsUnrankedAndItsSummaryClassCarriesTheVectorInTheRequestedTensorFormat() {
    put("1:a", "", item(1));
    put("1:b", "", "\"ns\": \"ns\", \"item_id\": \"b\", \"generation\": 1, \"embedding\": [0,1,0,0,0,0,0,0]");
    put("2:a", "", "\"ns\": \"ns\", \"item_id\": \"a\", \"generation\": 2, \"embedding\": " + V8);
    String yql = "select * from item where item_id in (\"a\", \"b\", \"c\") and generation = 1";
    RawH2c.Reply r = http.query(yql, "\"ranking.profile\": \"unranked\", \"presentation.summary\": "
        + "\"item_vectors\", \"presentation.format.tensors\": \"short-value\", \"hits\": 3");
    assertThat(r.status()).isEqualTo(200);
    JsonNode children = r.body().path("root").path("children");
    assertThat(children.findValuesAsText("item_id")).containsExactlyInAnyOrder("a", "b");
    assertThat(children.get(0).path("relevance").asDouble()).isZero();
    for (JsonNode hit : children) {
      assertThat(hit.path("fields").size()).as("only the summary class's fields").isEqualTo(2);
      assertThat(hit.path("fields").path("embedding").isArray()).isTrue();
    }
    RawH2c.Reply long_ = http.query(yql, "\"ranking\": \"unranked\", \"summary\": \"item_vectors\", "
        + "\"format\": {\"tensors\": \"long\"}");
    assertThat(long_.body().path("root").path("children").get(0).path("fields").path("embedding").path("cells")
        .size()).isEqualTo(8);
    RawH2c.Reply short_ = http.query(yql, "\"ranking\": \"unranked\", \"summary\": \"item_vectors\"");
    assertThat(short_.body().path("root").path("children").get(0).path("fields").path("embedding").path("values")
        .size()).as("short is the default").isEqualTo(8);
    assertThat(http.query(yql, "\"presentation.format.tensors\": \"pretty\"").status()).isEqualTo(400);
  }

  @Test
  void theDefaultSummaryHoldsSummaryFieldsAndEveryFieldOfAnySummaryClass() {
    DoubleSchema.DocType item = DoubleSchema.streamrec(8).type("item");
    assertThat(item.fields().get("embedding").summary()).as("indexing: attribute | index").isFalse();
    assertThat(item.defaultSummary()).as("embedding is named in item_vectors").contains("embedding", "item_id",
        "version");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "select * from item where title contains \"x\"",
      "select * from item where in_stock = 1",
      "select * from item where min_age ~ 3",
      "select * from item where weakAnd(category contains \"x\")",
      "select * from item where !(in_stock = true)",
      "select * from item where in_stock = true or !(min_age <= 3)",
      "select * from item where nearestNeighbor(embedding, q)",
      "select * from item where {targetHits: 3, colour: 1}nearestNeighbor(embedding, q)",
      "select * from item where in_stock = true or {targetHits: 3}nearestNeighbor(embedding, q)",
      "select * from item where {targetHits: 3}nearestNeighbor(price, q)",
      "select * from music where true",
      "select * from item where category contains ({stem: false}\"x\")",
      "select * from item where true limit 10",
      "select * from item where category in ()",
      "select * from item where in_stock = true and",
      "select * from item where item_id contains \"unterminated",
  })
  void yqlOutsideTheImplementedGrammarIsRefusedWith400AndAnError(String yql) {
    RawH2c.Reply r = http.query(yql, "\"input.query(q)\": " + V8 + ", \"ranking.profile\": \"inner_product\"");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().path("root").path("errors").get(0).path("code").asInt()).isEqualTo(4);
    assertThat(r.body().path("root").path("errors").get(0).path("message").asText())
        .startsWith("Could not create query from YQL: ");
  }

  @Test
  void queryParametersAreCheckedAgainstTheRankProfile() {
    String yql = "select * from item where {targetHits: 3}nearestNeighbor(embedding, q)";
    assertThat(http.query(yql, "\"input.query(q)\": [1, 2], \"ranking.profile\": \"inner_product\"").body()
        .path("root").path("errors").get(0).path("message").asText()).contains("tensor<float>(x[8])");
    assertThat(http.query(yql, "\"input.query(q)\": " + V8 + ", \"ranking.profile\": \"bm25\"").status())
        .isEqualTo(400);
    assertThat(http.query(yql, "\"ranking.profile\": \"inner_product\"").status()).isEqualTo(400);
    assertThat(http.query(yql, "\"input.query(q)\": " + V8 + ", \"ranking.profile\": \"inner_product\", "
        + "\"presentation.summary\": \"short\"").status()).isEqualTo(400);
  }

  @Test
  void injectedFaultsAnswerTheNextFeedOperationsAndQueriesOnly() {
    vespa.failNextFeedOperations(2, 503, "busy");
    assertThat(put("a", "", item(1)).status()).isEqualTo(503);
    assertThat(http.send("GET", DOC + "a", null).status()).as("GETs are not feed operations").isEqualTo(404);
    assertThat(put("a", "", item(1)).body().path("message").asText()).isEqualTo("busy");
    assertThat(put("a", "", item(1)).status()).isEqualTo(200);
    assertThat(vespa.feedResponses(503)).isEqualTo(2);

    vespa.failNextSearches(1, 504, 12, "query timed out");
    RawH2c.Reply r = http.query("select * from item where true", "");
    assertThat(r.status()).isEqualTo(504);
    assertThat(r.body().path("root").path("errors").get(0).path("summary").asText()).isEqualTo("Timed out");
    assertThat(http.query("select * from item where true", "").status()).isEqualTo(200);
  }
}
