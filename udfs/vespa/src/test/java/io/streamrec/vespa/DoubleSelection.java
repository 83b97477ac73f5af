package io.streamrec.vespa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.vespa.DoubleLexer.Kind;
import io.streamrec.vespa.DoubleLexer.SyntaxError;
import io.streamrec.vespa.DoubleLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The document selection language, as far as {@link VespaProtocolDouble} needs it for test-and-set conditions and
 * deletes by selection: {@code and}/{@code or}/{@code not}, parentheses, {@code true}/{@code false}, a bare document
 * type, a bare {@code doctype.field} (present), comparisons {@code == != < <= > >=} between field references,
 * numbers, strings, {@code null}, {@code true}/{@code false} and {@code now()}, with {@code +}/{@code -}. Glob and
 * regex matching, {@code id.*}, functions other than {@code now()} are refused with a syntax error.
 *
 * <p>Semantics follow Vespa's reference: a missing field is null; {@code ==} and {@code !=} with null are defined,
 * every other comparison with null is <em>invalid</em>; AND is false if any operand is false, else invalid if any is
 * invalid; OR is true if any operand is true, else invalid if any is; NOT keeps invalid; only true matches. A field
 * of another document type makes its comparison false. Integers compare as longs (versions exceed 2^53).
 */
final class DoubleSelection {

  enum Tri {
    TRUE, FALSE, INVALID;

    static Tri of(boolean b) {
      return b ? TRUE : FALSE;
    }

    Tri not() {
      return this == INVALID ? INVALID : of(this == FALSE);
    }
  }

  private interface Node {
    Tri eval(String type, ObjectNode fields);
  }

  private interface Value {
    Object eval(String type, ObjectNode fields);
  }

  /** A field of another document type. */
  private static final Object WRONG_TYPE = new Object();
  /** A missing field, or the literal null. */
  private static final Object NULL = new Object();

  private final Node root;

  private DoubleSelection(Node root) {
    this.root = root;
  }

  /** True when the document (of {@code type}) is selected. */
  boolean matches(String type, ObjectNode fields) {
    return root.eval(type, fields) == Tri.TRUE;
  }

  Tri evaluate(String type, ObjectNode fields) {
    return root.eval(type, fields);
  }

  /**
   * Parses a selection. Field references must name a field of their document type in {@code schema}.
   *
   * @throws SyntaxError for anything outside the supported subset
   */
  static DoubleSelection parse(String text, DoubleSchema schema, LongSupplier nowSeconds) {
    Parser p = new Parser(new DoubleLexer(text), schema, nowSeconds);
    Node n = p.or();
    if (p.lex.peek().kind() != Kind.END) {
      throw new SyntaxError("unexpected " + p.lex.peek() + " in document selection");
    }
    return new DoubleSelection(n);
  }

  private static final class Parser {
    final DoubleLexer lex;
    final DoubleSchema schema;
    final LongSupplier now;

    Parser(DoubleLexer lex, DoubleSchema schema, LongSupplier now) {
      this.lex = lex;
      this.schema = schema;
      this.now = now;
    }

    Node or() {
      List<Node> parts = new ArrayList<>(List.of(and()));
      while (lex.accept("or")) {
        parts.add(and());
      }
      return parts.size() == 1 ? parts.get(0) : (t, f) -> {
        Tri r = Tri.FALSE;
        for (Node n : parts) {
          Tri v = n.eval(t, f);
          if (v == Tri.TRUE) {
            return Tri.TRUE;
          }
          if (v == Tri.INVALID) {
            r = Tri.INVALID;
          }
        }
        return r;
      };
    }

    Node and() {
      List<Node> parts = new ArrayList<>(List.of(not()));
      while (lex.accept("and")) {
        parts.add(not());
      }
      return parts.size() == 1 ? parts.get(0) : (t, f) -> {
        Tri r = Tri.TRUE;
        for (Node n : parts) {
          Tri v = n.eval(t, f);
          if (v == Tri.FALSE) {
            return Tri.FALSE;
          }
          if (v == Tri.INVALID) {
            r = Tri.INVALID;
          }
        }
        return r;
      };
    }

    Node not() {
      if (lex.accept("not")) {
        Node inner = not();
        return (t, f) -> inner.eval(t, f).not();
      }
      return primary();
    }

    Node primary() {
      Token t = lex.peek();
      if (t.is("(")) { // a sub-expression; parenthesised arithmetic is not supported
        lex.take();
        Node inner = or();
        lex.expect(")");
        return inner;
      }
      if ((t.is("true") || t.is("false")) && !isOperator(lex.peek(1))) {
        lex.take();
        boolean b = t.is("true");
        return (type, f) -> Tri.of(b);
      }
      if (t.kind() == Kind.IDENT && !t.is("null") && !t.is("now") && !isOperator(lex.peek(1))
          && !lex.peek(1).is(".")) {
        String docType = lex.take().text(); // a bare document type
        requireType(docType);
        return (type, f) -> Tri.of(type.equals(docType));
      }
      Value left = sum();
      Token op = lex.peek();
      if (!isOperator(op)) {
        if (left instanceof FieldRef ref) { // a bare doctype.field: present
          return (type, f) -> {
            Object v = ref.eval(type, f);
            return v == WRONG_TYPE ? Tri.FALSE : Tri.of(v != NULL);
          };
        }
        throw new SyntaxError("expected a comparison operator but found " + op);
      }
      lex.take();
      if (op.is("=") || op.is("=~")) {
        throw new SyntaxError("glob (=) and regex (=~) matching are not implemented by the protocol double");
      }
      Value right = sum();
      String o = op.text();
      return (type, f) -> compare(o, left.eval(type, f), right.eval(type, f));
    }

    Value sum() {
      Value v = atom();
      while (lex.peek().is("+") || lex.peek().is("-")) {
        boolean plus = lex.take().is("+");
        Value l = v;
        Value r = atom();
        v = (t, f) -> arithmetic(l.eval(t, f), r.eval(t, f), plus);
      }
      return v;
    }

    Value atom() {
      Token t = lex.take();
      if (t.kind() == Kind.NUMBER) {
        Object n = number(t.text());
        return (type, f) -> n;
      }
      if (t.is("-") && lex.peek().kind() == Kind.NUMBER) {
        Object n = number("-" + lex.take().text());
        return (type, f) -> n;
      }
      if (t.kind() == Kind.STRING) {
        return (type, f) -> t.text();
      }
      if (t.is("null")) {
        return (type, f) -> NULL;
      }
      if (t.is("true") || t.is("false")) {
        boolean b = t.is("true");
        return (type, f) -> b;
      }
      if (t.is("now")) {
        lex.expect("(");
        lex.expect(")");
        return (type, f) -> now.getAsLong();
      }
      if (t.kind() == Kind.IDENT) {
        if (t.is("id")) {
          throw new SyntaxError("id.* is not implemented by the protocol double");
        }
        lex.expect(".");
        String field = lex.expect(Kind.IDENT, "a field name").text();
        if (lex.peek().is(".") || lex.peek().is("{") || lex.peek().is("[")) {
          throw new SyntaxError("field paths are not implemented by the protocol double: " + t.text() + "." + field);
        }
        requireType(t.text());
        DoubleSchema.DocType dt = schema.type(t.text());
        if (!dt.fields().containsKey(field)) {
          throw new SyntaxError("Field '" + field + "' not found in document type '" + t.text() + "'");
        }
        if (dt.fields().get(field).kind() == DoubleSchema.Kind.TENSOR) {
          throw new SyntaxError("tensor fields can only be compared against null");
        }
        return new FieldRef(t.text(), field);
      }
      throw new SyntaxError("unexpected " + t + " in document selection");
    }

    private void requireType(String docType) {
      if (schema.type(docType) == null) {
        throw new SyntaxError("Document type '" + docType + "' not found");
      }
    }
  }

  private record FieldRef(String docType, String field) implements Value {
    @Override
    public Object eval(String type, ObjectNode fields) {
      if (!type.equals(docType)) {
        return WRONG_TYPE;
      }
      JsonNode v = fields.get(field);
      if (v == null || v.isNull()) {
        return NULL;
      }
      if (v.isIntegralNumber()) {
        return v.asLong();
      }
      if (v.isNumber()) {
        return v.asDouble();
      }
      if (v.isBoolean()) {
        return v.asBoolean();
      }
      if (v.isTextual()) {
        return v.asText();
      }
      return v; // arrays, structs: only == null / != null are meaningful here
    }
  }

  private static boolean isOperator(Token t) {
    return t.is("==") || t.is("!=") || t.is("<") || t.is("<=") || t.is(">") || t.is(">=") || t.is("=")
        || t.is("=~");
  }

  private static Object number(String text) {
    if (text.matches("-?\\d+")) {
      return Long.parseLong(text);
    }
    return Double.parseDouble(text);
  }

  private static Object arithmetic(Object a, Object b, boolean plus) {
    if (a instanceof Long x && b instanceof Long y) {
      return plus ? x + y : x - y;
    }
    if (a instanceof Number x && b instanceof Number y) {
      return plus ? x.doubleValue() + y.doubleValue() : x.doubleValue() - y.doubleValue();
    }
    return a == WRONG_TYPE || b == WRONG_TYPE ? WRONG_TYPE : NULL;
  }

  private static Tri compare(String op, Object a, Object b) {
    if (a == WRONG_TYPE || b == WRONG_TYPE) {
      return Tri.FALSE;
    }
    if (a == NULL || b == NULL) {
      return switch (op) {
        case "==" -> Tri.of(a == b);
        case "!=" -> Tri.of(a != b);
        default -> Tri.INVALID;
      };
    }
    int cmp;
    if (a instanceof Long x && b instanceof Long y) {
      cmp = Long.compare(x, y);
    } else if (a instanceof Number x && b instanceof Number y) {
      cmp = Double.compare(x.doubleValue(), y.doubleValue());
    } else if (a instanceof String x && b instanceof String y) {
      cmp = x.compareTo(y);
    } else if (a instanceof Boolean x && b instanceof Boolean y) {
      if (op.equals("==") || op.equals("!=")) {
        return Tri.of(x.equals(y) == op.equals("=="));
      }
      return Tri.INVALID;
    } else {
      return op.equals("!=") ? Tri.TRUE : op.equals("==") ? Tri.FALSE : Tri.INVALID; // mixed types never match
    }
    return Tri.of(switch (op) {
      case "==" -> cmp == 0;
      case "!=" -> cmp != 0;
      case "<" -> cmp < 0;
      case "<=" -> cmp <= 0;
      case ">" -> cmp > 0;
      case ">=" -> cmp >= 0;
      default -> throw new IllegalStateException(op);
    });
  }
}
