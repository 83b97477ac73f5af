package io.streamrec.vespa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.vespa.DoubleLexer.Kind;
import io.streamrec.vespa.DoubleLexer.SyntaxError;
import io.streamrec.vespa.DoubleLexer.Token;
import io.streamrec.vespa.DoubleSchema.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The YQL that {@link VespaProtocolDouble} understands, which is the grammar the adapter sends and nothing more:
 *
 * <pre>
 * select (* | field, ...) from &lt;doctype&gt; where &lt;expr&gt; [;]
 * expr    := and ("or" and)*
 * and     := unary ("and" unary)*
 * unary   := "!" "(" expr ")" | "(" expr ")" | "true" | "false"
 *          | [{annotations}] nearestNeighbor(field, queryTensor)
 *          | field (= | &lt; | &lt;= | &gt; | &gt;=) literal | field contains "string"
 *          | field in (literal, ...)
 * </pre>
 *
 * Keywords are case-insensitive; strings take single or double quotes. Fields must be attributes of the document
 * type, with operators that fit their type. nearestNeighbor must be the whole where clause or an operand of its
 * top-level AND (then the other operands are pre-filters, Vespa's default), needs {@code targetHits} (or {@code
 * totalTargetHits}), and is evaluated exactly. A negation must be an operand of an AND with a positive sibling, as
 * in Vespa. Anything else is a {@link SyntaxError}, which the double answers with 400, as Vespa does for YQL it
 * cannot parse.
 */
final class DoubleYql {

  private static final Set<String> NN_ANNOTATIONS = Set.of("targetHits", "totalTargetHits", "approximate",
      "hnsw.exploreAdditionalHits", "label", "distanceThreshold");

  private interface Node {
    boolean matches(ObjectNode fields);
  }

  /** The nearestNeighbor operator of a query. */
  record NearestNeighbor(String field, String queryTensor, int targetHits) {}

  private final String docType;
  private final List<String> select;
  private final Node where;
  private final NearestNeighbor nearestNeighbor;

  private DoubleYql(String docType, List<String> select, Node where, NearestNeighbor nearestNeighbor) {
    this.docType = docType;
    this.select = select;
    this.where = where;
    this.nearestNeighbor = nearestNeighbor;
  }

  String docType() {
    return docType;
  }

  /** The selected fields, empty for {@code *}. */
  List<String> select() {
    return select;
  }

  /** Null when the query has no nearestNeighbor. */
  NearestNeighbor nearestNeighbor() {
    return nearestNeighbor;
  }

  boolean matches(ObjectNode fields) {
    return where.matches(fields);
  }

  static DoubleYql parse(String yql, DoubleSchema schema) {
    DoubleLexer lex = new DoubleLexer(yql);
    lex.expect("select");
    List<String> select = new ArrayList<>();
    if (!lex.accept("*")) {
      do {
        select.add(lex.expect(Kind.IDENT, "a field name").text());
      } while (lex.accept(","));
    }
    lex.expect("from");
    if (lex.accept("sources")) {
      // "from sources item" names the schema like "from item"
    }
    String docType = lex.expect(Kind.IDENT, "a document type").text();
    DoubleSchema.DocType type = schema.type(docType);
    if (type == null) {
      throw new SyntaxError("Requested source(s) not found: " + docType);
    }
    for (String f : select) {
      if (!type.fields().containsKey(f)) {
        throw new SyntaxError("Field '" + f + "' does not exist in " + docType);
      }
    }
    lex.expect("where");
    Parser p = new Parser(lex, type);
    Parsed root = p.or();
    lex.accept(";");
    if (lex.peek().kind() != Kind.END) {
      throw new SyntaxError("unexpected " + lex.peek());
    }
    if (root.negated) {
      throw new SyntaxError("a negation (!) must be an operand of an AND with a positive operand");
    }
    NearestNeighbor nn = p.nearestNeighbor;
    if (nn != null) {
      boolean topLevel = root.nn || (root.kind == Parsed.AND && root.children.stream().anyMatch(c -> c.nn));
      if (!topLevel || p.nearestNeighborCount > 1) {
        throw new SyntaxError("the protocol double supports one nearestNeighbor, as the where clause or an operand"
            + " of its top-level AND");
      }
    }
    return new DoubleYql(docType, List.copyOf(select), root.node, nn);
  }

  /** A parsed expression with what the placement rules need to know about it. */
  private record Parsed(int kind, Node node, boolean nn, boolean negated, List<Parsed> children) {
    static final int LEAF = 0;
    static final int AND = 1;
    static final int OR = 2;
  }

  private static final class Parser {
    final DoubleLexer lex;
    final DoubleSchema.DocType type;
    NearestNeighbor nearestNeighbor;
    int nearestNeighborCount;

    Parser(DoubleLexer lex, DoubleSchema.DocType type) {
      this.lex = lex;
      this.type = type;
    }

    Parsed or() {
      List<Parsed> parts = new ArrayList<>(List.of(and()));
      while (lex.accept("or")) {
        parts.add(and());
      }
      if (parts.size() == 1) {
        return parts.get(0);
      }
      for (Parsed p : parts) {
        if (p.negated) {
          throw new SyntaxError("a negation (!) must be an operand of an AND");
        }
      }
      List<Node> nodes = parts.stream().map(Parsed::node).toList();
      return new Parsed(Parsed.OR, f -> nodes.stream().anyMatch(n -> n.matches(f)), false, false, parts);
    }

    Parsed and() {
      List<Parsed> parts = new ArrayList<>(List.of(unary()));
      while (lex.accept("and")) {
        parts.add(unary());
      }
      if (parts.size() == 1) {
        return parts.get(0);
      }
      if (parts.stream().allMatch(Parsed::negated)) {
        throw new SyntaxError("an AND of negations only matches nothing; it needs a positive operand");
      }
      List<Node> nodes = parts.stream().map(Parsed::node).toList();
      return new Parsed(Parsed.AND, f -> nodes.stream().allMatch(n -> n.matches(f)), false, false, parts);
    }

    Parsed unary() {
      if (lex.accept("!")) {
        lex.expect("(");
        Parsed inner = or();
        lex.expect(")");
        if (containsNn(inner)) {
          throw new SyntaxError("nearestNeighbor cannot be negated");
        }
        Node n = inner.node;
        return new Parsed(Parsed.LEAF, f -> !n.matches(f), false, true, List.of());
      }
      if (lex.accept("(")) {
        Parsed inner = or();
        lex.expect(")");
        if (inner.negated) {
          throw new SyntaxError("a negation (!) must be an operand of an AND");
        }
        return inner;
      }
      if (lex.peek().is("{") || lex.peek().is("nearestNeighbor")) {
        return nearestNeighbor();
      }
      if (lex.peek().is("true") || lex.peek().is("false")) {
        boolean b = lex.take().is("true");
        return leaf(f -> b);
      }
      Token name = lex.expect(Kind.IDENT, "a field name");
      if (lex.peek().is("(")) {
        throw new SyntaxError("the protocol double does not implement the YQL function '" + name.text() + "'");
      }
      Field field = attribute(name.text());
      if (lex.accept("contains")) {
        if (lex.peek().is("(") || lex.peek().is("{")) {
          throw new SyntaxError("contains with annotations or functions is not implemented by the protocol double");
        }
        String term = lex.expect(Kind.STRING, "a string after contains").text();
        if (field.kind() != DoubleSchema.Kind.STRING && field.kind() != DoubleSchema.Kind.STRING_ARRAY) {
          throw new SyntaxError("contains needs a string field; '" + field.name() + "' is " + field.typeText());
        }
        return leaf(f -> anyValue(f.get(field.name()), v -> v.isTextual() && v.asText().equals(term)));
      }
      if (lex.accept("in")) {
        lex.expect("(");
        List<Object> values = new ArrayList<>();
        do {
          values.add(literal(field));
        } while (lex.accept(","));
        lex.expect(")");
        if (field.kind() == DoubleSchema.Kind.BOOL || field.kind() == DoubleSchema.Kind.DOUBLE) {
          throw new SyntaxError("in needs an integer or string field; '" + field.name() + "' is "
              + field.typeText());
        }
        return leaf(f -> anyValue(f.get(field.name()), v -> values.stream().anyMatch(x -> same(v, x))));
      }
      Token op = lex.take();
      if (!(op.is("=") || op.is("<") || op.is("<=") || op.is(">") || op.is(">="))) {
        throw new SyntaxError("expected an operator after '" + name.text() + "' but found " + op);
      }
      Object value = literal(field);
      if (field.kind() == DoubleSchema.Kind.BOOL) {
        if (!op.is("=") || !(value instanceof Boolean)) {
          throw new SyntaxError("a bool field takes '= true' or '= false': " + field.name());
        }
        boolean b = (Boolean) value;
        // A bool attribute without a value reads as false, as in Vespa.
        return leaf(f -> f.path(field.name()).asBoolean(false) == b);
      }
      if (!(value instanceof Number) || !isNumeric(field)) {
        throw new SyntaxError("'" + op.text() + "' compares numbers; '" + field.name() + "' is " + field.typeText());
      }
      String o = op.text();
      return leaf(f -> {
        JsonNode v = f.get(field.name());
        if (v == null || !v.isNumber()) {
          return false;
        }
        int cmp = v.isIntegralNumber() && value instanceof Long l ? Long.compare(v.asLong(), l)
            : Double.compare(v.asDouble(), ((Number) value).doubleValue());
        return switch (o) {
          case "=" -> cmp == 0;
          case "<" -> cmp < 0;
          case "<=" -> cmp <= 0;
          case ">" -> cmp > 0;
          default -> cmp >= 0;
        };
      });
    }

    Parsed nearestNeighbor() {
      Map<String, Object> annotations = new LinkedHashMap<>();
      if (lex.accept("{")) {
        do {
          StringBuilder key = new StringBuilder(lex.expect(Kind.IDENT, "an annotation name").text());
          while (lex.accept(".")) {
            key.append('.').append(lex.expect(Kind.IDENT, "an annotation name").text());
          }
          lex.expect(":");
          Token v = lex.take();
          Object value = switch (v.kind()) {
            case NUMBER -> v.text().contains(".") ? (Object) Double.parseDouble(v.text()) : Long.parseLong(v.text());
            case STRING -> v.text();
            case IDENT -> {
              if (v.is("true") || v.is("false")) {
                yield v.is("true");
              }
              throw new SyntaxError("bad annotation value " + v);
            }
            default -> throw new SyntaxError("bad annotation value " + v);
          };
          if (!NN_ANNOTATIONS.contains(key.toString())) {
            throw new SyntaxError("unknown nearestNeighbor annotation '" + key + "'");
          }
          annotations.put(key.toString(), value);
        } while (lex.accept(","));
        lex.expect("}");
      }
      lex.expect("nearestNeighbor");
      lex.expect("(");
      String fieldName = lex.expect(Kind.IDENT, "the tensor field").text();
      lex.expect(",");
      String tensor = lex.expect(Kind.IDENT, "the query tensor name").text();
      lex.expect(")");
      Field field = type.fields().get(fieldName);
      if (field == null || field.kind() != DoubleSchema.Kind.TENSOR || !field.attribute()) {
        throw new SyntaxError("nearestNeighbor: field '" + fieldName + "' is not a tensor attribute of "
            + type.name());
      }
      Object hits = annotations.getOrDefault("targetHits", annotations.get("totalTargetHits"));
      if (!(hits instanceof Long h) || h < 1) {
        throw new SyntaxError("nearestNeighbor needs the annotation targetHits (or totalTargetHits), a positive"
            + " integer");
      }
      nearestNeighbor = new NearestNeighbor(fieldName, tensor, (int) (long) h);
      nearestNeighborCount++;
      return new Parsed(Parsed.LEAF, f -> f.has(fieldName), true, false, List.of());
    }

    private Object literal(Field field) {
      Token t = lex.take();
      if (t.is("-") && lex.peek().kind() == Kind.NUMBER) {
        t = new Token(Kind.NUMBER, "-" + lex.take().text(), t.position());
      }
      return switch (t.kind()) {
        case NUMBER -> t.text().matches("-?\\d+") ? (Object) Long.parseLong(t.text()) : Double.parseDouble(t.text());
        case STRING -> t.text();
        case IDENT -> {
          if (t.is("true") || t.is("false")) {
            yield t.is("true");
          }
          throw new SyntaxError("expected a value for '" + field.name() + "' but found " + t);
        }
        default -> throw new SyntaxError("expected a value for '" + field.name() + "' but found " + t);
      };
    }

    private Field attribute(String name) {
      Field f = type.fields().get(name);
      if (f == null) {
        throw new SyntaxError("Field '" + name + "' does not exist in " + type.name());
      }
      if (!f.attribute() || f.kind() == DoubleSchema.Kind.TENSOR || f.kind() == DoubleSchema.Kind.STRUCT_ARRAY) {
        throw new SyntaxError("field '" + name + "' is not a searchable attribute");
      }
      return f;
    }

    private static boolean containsNn(Parsed p) {
      return p.nn || p.children.stream().anyMatch(Parser::containsNn);
    }

    private static Parsed leaf(Node n) {
      return new Parsed(Parsed.LEAF, n, false, false, List.of());
    }
  }

  private static boolean isNumeric(Field f) {
    return f.kind() == DoubleSchema.Kind.LONG || f.kind() == DoubleSchema.Kind.INT
        || f.kind() == DoubleSchema.Kind.DOUBLE;
  }

  private static boolean anyValue(JsonNode v, java.util.function.Predicate<JsonNode> p) {
    if (v == null) {
      return false;
    }
    if (v.isArray()) {
      for (JsonNode e : v) {
        if (p.test(e)) {
          return true;
        }
      }
      return false;
    }
    return p.test(v);
  }

  private static boolean same(JsonNode v, Object x) {
    if (x instanceof String s) {
      return v.isTextual() && v.asText().equals(s);
    }
    if (x instanceof Long l) {
      return v.isIntegralNumber() && v.asLong() == l;
    }
    return false;
  }
}
