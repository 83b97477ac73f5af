package io.streamrec.vespa;

import io.streamrec.core.index.SearchFilter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.TreeSet;

/**
 * The names this adapter shares with the application package ({@code src/main/application}): document types,
 * fields, the rank profile, the summary class, the document id scheme, and the two languages it writes in — YQL for
 * queries and the document selection language for test-and-set conditions and deletes by selection. Nothing else in
 * the module spells these names; the schema files carry the same names and say why each field is as it is.
 */
public final class VespaLayout {
  public static final String DEFAULT_NAMESPACE = "streamrec";
  /** The content cluster id in services.xml. */
  public static final String DEFAULT_CLUSTER = "streamrec";

  // ---- document type "item": one document per (generation, item) ----
  public static final String ITEM = "item";
  /** The namespace of the document id, repeated as a field so queries stay inside one namespace. */
  public static final String F_NS = "ns";
  public static final String F_ITEM_ID = "item_id";
  public static final String F_GENERATION = "generation";
  /** The version of the last applied write (event time and sequence): writes carry it, conditions compare it. */
  public static final String F_VERSION = "version";
  /** True on a tombstone: the document a delete leaves so a late, older upsert is still refused. */
  public static final String F_DELETED = "deleted";
  /** Epoch seconds of the delete; the garbage-collection selection in services.xml expires tombstones by it. */
  public static final String F_DELETED_AT = "deleted_at";
  public static final String F_IN_STOCK = "in_stock";
  public static final String F_REGIONS = "regions";
  /** True when the item has no regions: such an item is sold everywhere (YQL cannot ask for an empty array). */
  public static final String F_SOLD_EVERYWHERE = "sold_everywhere";
  public static final String F_MIN_AGE = "min_age";
  public static final String F_CATEGORY = "category";
  public static final String F_PRICE = "price";
  public static final String F_EMBEDDING = "embedding";

  /** Ranks by closeness(field, embedding), which under the dotproduct metric is the inner product. */
  public static final String RANK_PROFILE = "inner_product";
  /** The query tensor's name: {@code input.query(q)}. */
  public static final String QUERY_TENSOR = "q";
  /** A summary class holding only {@code item_id}, so hits do not carry the vectors back. */
  public static final String SUMMARY = "item_ids";
  /** A summary class holding {@code item_id} and {@code embedding}: the hits of a vector lookup. */
  public static final String VECTORS_SUMMARY = "item_vectors";
  /** Vespa's built-in rank profile that computes no score: a lookup by id needs no ranking. */
  public static final String UNRANKED = "unranked";

  // ---- document type "index_generation": the registry of generations, one document per namespace ----
  public static final String GENERATION_TYPE = "index_generation";
  public static final String REGISTRY_ID = "registry";
  /** Increases with every change; registry writes are conditional on it (optimistic concurrency). */
  public static final String F_REVISION = "revision";
  /** The active generation's id, 0 when none is published. */
  public static final String F_ACTIVE = "active";
  /** Array of struct {generation, model_version, dimension}: the generations the index holds. */
  public static final String F_GENERATIONS = "generations";
  public static final String S_GENERATION = "generation";
  public static final String S_MODEL_VERSION = "model_version";
  public static final String S_DIMENSION = "dimension";

  private VespaLayout() {}

  /**
   * The user-specific part of an item's document id: {@code <generation>:<item id>}. The generation is part of the
   * id because a new generation is built beside the active one; the id never needs parsing (the fields carry both).
   */
  public static String itemDocId(long generation, String itemId) {
    return generation + ":" + itemId;
  }

  /** {@code /document/v1/<namespace>/<type>/docid/<id>}, each part percent-encoded. */
  public static String documentPath(String namespace, String type, String userSpecific) {
    return "/document/v1/" + encode(namespace) + "/" + encode(type) + "/docid/" + encode(userSpecific);
  }

  /** {@code /document/v1/<namespace>/<type>/docid}: the path of visits and deletes by selection. */
  public static String documentsPath(String namespace, String type) {
    return "/document/v1/" + encode(namespace) + "/" + encode(type) + "/docid";
  }

  /**
   * Percent-encodes a path segment or parameter. Spaces become {@code %20} (not '+', which a path would keep as a
   * plus), so the result decodes the same under form and path rules.
   */
  public static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  // ---- document selections (test-and-set conditions, deletes by selection) ----

  /**
   * Condition of an upsert or delete (both are puts with {@code create=true}): apply unless the stored document, live
   * or tombstone, has this version or a newer one. On a missing document Vespa ignores the condition and creates it.
   */
  public static String newerThanStored(long version) {
    return ITEM + "." + F_VERSION + " < " + version;
  }

  /**
   * Condition of an attribute update (no {@code create}): the document exists, is not a tombstone and holds an older
   * version. A missing document fails a condition, so a 412 means stale, deleted or missing; the adapter reads the
   * document to say which.
   */
  public static String liveAndOlderThan(long version) {
    return ITEM + "." + F_VERSION + " < " + version + " and " + ITEM + "." + F_DELETED_AT + " == null";
  }

  /** Selection of the documents of every generation older than {@code generation}. */
  public static String olderGenerations(long generation) {
    return ITEM + "." + F_GENERATION + " < " + generation;
  }

  /** Condition of a registry write: the registry still has the revision it was read at (0 = absent). */
  public static String registryRevisionIs(long revision) {
    return GENERATION_TYPE + "." + F_REVISION + " == " + revision;
  }

  // ---- YQL ----

  /**
   * The query of a filtered top-K search of one generation:
   *
   * <pre>
   * select * from item where {targetHits: K}nearestNeighbor(embedding, q) and ns contains "streamrec"
   *   and generation = G and deleted = false [and in_stock = true]
   *   [and (sold_everywhere = true or regions contains "DE")] [and min_age &lt;= 16]
   *   [and category in ("a", "b")] [and !(item_id in ("x", "y"))]
   * </pre>
   *
   * The filters are operands of the same AND as nearestNeighbor, so Vespa applies them as pre-filters: it returns
   * the K best among matching items. Sets are sorted so equal filters give equal queries.
   */
  public static String yql(String namespace, long generation, int targetHits, int exploreAdditionalHits,
      SearchFilter filter, Collection<String> excludeIds) {
    StringBuilder y = new StringBuilder("select * from ").append(ITEM).append(" where {targetHits: ")
        .append(targetHits);
    if (exploreAdditionalHits > 0) {
      y.append(", hnsw.exploreAdditionalHits: ").append(exploreAdditionalHits);
    }
    y.append("}nearestNeighbor(").append(F_EMBEDDING).append(", ").append(QUERY_TENSOR).append(")");
    y.append(" and ").append(F_NS).append(" contains ").append(quote(namespace));
    y.append(" and ").append(F_GENERATION).append(" = ").append(generation);
    y.append(" and ").append(F_DELETED).append(" = false");
    if (filter.inStockOnly()) {
      y.append(" and ").append(F_IN_STOCK).append(" = true");
    }
    if (filter.region() != null) {
      y.append(" and (").append(F_SOLD_EVERYWHERE).append(" = true or ").append(F_REGIONS).append(" contains ")
          .append(quote(filter.region())).append(")");
    }
    if (filter.maxMinAge() != Integer.MAX_VALUE) {
      y.append(" and ").append(F_MIN_AGE).append(" <= ").append(filter.maxMinAge());
    }
    if (!filter.categories().isEmpty()) {
      y.append(" and ").append(F_CATEGORY).append(" in ").append(list(filter.categories()));
    }
    if (!excludeIds.isEmpty()) {
      y.append(" and !(").append(F_ITEM_ID).append(" in ").append(list(excludeIds)).append(")");
    }
    return y.toString();
  }

  /**
   * The query of a lookup of items by id in one generation, for their vectors:
   *
   * <pre>
   * select * from item where item_id in ("a", "b") and ns contains "streamrec" and generation = G
   *   and deleted = false
   * </pre>
   *
   * The same namespace, generation and tombstone filters as {@link #yql}. {@code itemIds} must not be empty.
   */
  public static String vectorsYql(String namespace, long generation, Collection<String> itemIds) {
    return "select * from " + ITEM + " where " + F_ITEM_ID + " in " + list(itemIds)
        + " and " + F_NS + " contains " + quote(namespace)
        + " and " + F_GENERATION + " = " + generation
        + " and " + F_DELETED + " = false";
  }

  private static String list(Collection<String> values) {
    StringBuilder s = new StringBuilder("(");
    for (String v : new TreeSet<>(values)) {
      if (s.length() > 1) {
        s.append(", ");
      }
      s.append(quote(v));
    }
    return s.append(")").toString();
  }

  /** A YQL string literal: double quotes, with backslash escapes for quotes, backslashes and control characters. */
  public static String quote(String s) {
    StringBuilder q = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> q.append("\\\"");
        case '\\' -> q.append("\\\\");
        case '\n' -> q.append("\\n");
        case '\r' -> q.append("\\r");
        case '\t' -> q.append("\\t");
        default -> {
          if (c < 0x20) {
            q.append(String.format("\\u%04x", (int) c));
          } else {
            q.append(c);
          }
        }
      }
    }
    return q.append('"').toString();
  }
}
