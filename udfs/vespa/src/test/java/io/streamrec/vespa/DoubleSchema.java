package io.streamrec.vespa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The schemas {@link VespaProtocolDouble} serves, read from the real application package
 * ({@code src/main/application/schemas/*.sd}), so a field renamed in a schema but not in the adapter (or the other
 * way round) fails the tests as it would fail against Vespa. A small reader for the subset those files use: document
 * fields and their types and indexing, structs, rank profiles with their query inputs, document summaries. The
 * embedding dimension can be overridden (the contract tests use 8, the package says 32), exactly as one deploys a
 * copy of the package with another dimension.
 */
final class DoubleSchema {

  enum Kind { STRING, LONG, INT, DOUBLE, BOOL, STRING_ARRAY, TENSOR, STRUCT_ARRAY }

  /**
   * One document field; {@code attribute} fields can be filtered on in YQL, {@code summary} fields (indexing
   * {@code summary}) are in the default summary class.
   */
  record Field(String name, Kind kind, boolean attribute, boolean summary, String typeText) {}

  record Struct(String name, Map<String, Kind> fields) {}

  record DocType(String name, Map<String, Field> fields, Map<String, Struct> structs,
      Map<String, Map<String, Integer>> rankProfileInputs, Map<String, List<String>> summaries) {

    /**
     * The fields of the summary class {@code default}, as Vespa composes it: every field with {@code summary} in its
     * indexing statement and every field named in any document-summary (besides sddocname and documentid).
     */
    List<String> defaultSummary() {
      List<String> out = new ArrayList<>();
      for (Field f : fields.values()) {
        if (f.summary() || summaries.values().stream().anyMatch(names -> names.contains(f.name()))) {
          out.add(f.name());
        }
      }
      return out;
    }
  }

  private final Map<String, DocType> types;
  private final int dimension;

  private DoubleSchema(Map<String, DocType> types, int dimension) {
    this.types = types;
    this.dimension = dimension;
  }

  /** The package this module deploys, relative to the module directory (where surefire runs tests). */
  static DoubleSchema streamrec(int dimension) {
    return load(Path.of("src/main/application/schemas"), dimension);
  }

  static DoubleSchema load(Path dir, int dimension) {
    Map<String, DocType> types = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".sd")).sorted().toList()) {
        DocType t = parse(Files.readString(f), dimension);
        types.put(t.name(), t);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the schemas in " + dir.toAbsolutePath(), e);
    }
    if (types.isEmpty()) {
      throw new IllegalStateException("no schemas in " + dir.toAbsolutePath());
    }
    return new DoubleSchema(Map.copyOf(types), dimension);
  }

  DocType type(String name) {
    return types.get(name);
  }

  int dimension() {
    return dimension;
  }

  String tensorType() {
    return "tensor<float>(x[" + dimension + "])";
  }

  // ---- a block reader: "header { body }", properties one per line ----

  private record Block(String header, List<String> lines, List<Block> children) {
    Stream<Block> named(String keyword) {
      return children.stream().filter(b -> b.header().equals(keyword) || b.header().startsWith(keyword + " "));
    }
  }

  private static Block read(String text) {
    String noComments = text.replaceAll("(?m)#.*$", "");
    int[] pos = {0};
    Block root = new Block("", new ArrayList<>(), new ArrayList<>());
    readBody(noComments, pos, root);
    return root;
  }

  private static void readBody(String s, int[] pos, Block into) {
    StringBuilder pending = new StringBuilder();
    while (pos[0] < s.length()) {
      char c = s.charAt(pos[0]++);
      if (c == '{') {
        List<String> lines = lines(pending.toString());
        String header = lines.isEmpty() ? "" : lines.remove(lines.size() - 1);
        into.lines().addAll(lines);
        pending.setLength(0);
        Block child = new Block(header, new ArrayList<>(), new ArrayList<>());
        readBody(s, pos, child);
        into.children().add(child);
      } else if (c == '}') {
        into.lines().addAll(lines(pending.toString()));
        return;
      } else {
        pending.append(c);
      }
    }
    into.lines().addAll(lines(pending.toString()));
  }

  private static List<String> lines(String s) {
    List<String> out = new ArrayList<>();
    for (String l : s.split("\n")) {
      if (!l.isBlank()) {
        out.add(l.trim().replaceAll("\\s+", " "));
      }
    }
    return out;
  }

  private static final Pattern FIELD = Pattern.compile("field (\\w+) type (.+)");
  private static final Pattern INPUT = Pattern.compile("query\\((\\w+)\\) tensor<float>\\(x\\[(\\d+)]\\)");

  private static DocType parse(String text, int dimension) {
    Block schema = read(text).named("schema").findFirst()
        .orElseThrow(() -> new IllegalStateException("no 'schema' block"));
    String name = schema.header().split(" ")[1];
    Block document = schema.named("document").findFirst()
        .orElseThrow(() -> new IllegalStateException("schema " + name + " has no document block"));
    Map<String, Struct> structs = new LinkedHashMap<>();
    document.named("struct").forEach(sb -> {
      Map<String, Kind> fs = new LinkedHashMap<>();
      sb.named("field").forEach(fb -> {
        Matcher m = FIELD.matcher(fb.header());
        if (m.matches()) {
          fs.put(m.group(1), kind(m.group(2), structs));
        }
      });
      String sname = sb.header().split(" ")[1];
      structs.put(sname, new Struct(sname, fs));
    });
    Map<String, Field> fields = new LinkedHashMap<>();
    document.named("field").forEach(fb -> {
      Matcher m = FIELD.matcher(fb.header());
      if (!m.matches()) {
        throw new IllegalStateException("cannot read field header '" + fb.header() + "'");
      }
      boolean attribute = fb.lines().stream().anyMatch(l -> l.startsWith("indexing:") && l.contains("attribute"));
      boolean summary = fb.lines().stream().anyMatch(l -> l.startsWith("indexing:") && l.contains("summary"));
      Kind kind = kind(m.group(2), structs);
      String typeText = kind == Kind.TENSOR ? "tensor<float>(x[" + dimension + "])" : m.group(2);
      fields.put(m.group(1), new Field(m.group(1), kind, attribute, summary, typeText));
    });
    Map<String, Map<String, Integer>> profiles = new LinkedHashMap<>();
    schema.named("rank-profile").forEach(rp -> {
      Map<String, Integer> inputs = new LinkedHashMap<>();
      rp.named("inputs").flatMap(b -> b.lines().stream()).forEach(l -> {
        Matcher m = INPUT.matcher(l);
        if (m.matches()) {
          inputs.put(m.group(1), dimension); // the package's dimension is overridden like the field's
        }
      });
      profiles.put(rp.header().split(" ")[1], inputs);
    });
    Map<String, List<String>> summaries = new LinkedHashMap<>();
    schema.named("document-summary").forEach(ds -> summaries.put(ds.header().split(" ")[1],
        ds.named("summary").map(b -> b.header().split(" ")[1]).toList()));
    summaries.forEach((summary, names) -> names.forEach(n -> {
      if (!fields.containsKey(n)) { // Vespa refuses to deploy it
        throw new IllegalStateException("document-summary " + summary + " names '" + n + "', which is not a field of "
            + name);
      }
    }));
    return new DocType(name, fields, structs, profiles, summaries);
  }

  private static Kind kind(String type, Map<String, Struct> structs) {
    String t = type.trim();
    return switch (t) {
      case "string" -> Kind.STRING;
      case "long" -> Kind.LONG;
      case "int" -> Kind.INT;
      case "double", "float" -> Kind.DOUBLE;
      case "bool" -> Kind.BOOL;
      case "array<string>" -> Kind.STRING_ARRAY;
      default -> {
        if (t.matches("tensor<float>\\(x\\[\\d+]\\)")) {
          yield Kind.TENSOR;
        }
        Matcher m = Pattern.compile("array<(\\w+)>").matcher(t);
        if (m.matches() && structs.containsKey(m.group(1))) {
          yield Kind.STRUCT_ARRAY;
        }
        throw new IllegalStateException("the protocol double does not know the field type '" + t + "'");
      }
    };
  }
}
