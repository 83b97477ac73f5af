package io.streamrec.core.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds secrets written into manifests instead of referenced. A manifest may name a secret (a {@code secretKeyRef},
 * a {@code valueFrom}, a {@code secretName}, an environment variable's or a file's name such as
 * {@code passwordEnv=AEROSPIKE_PASSWORD}); it may not hold one. Flagged:
 *
 * <ul>
 *   <li>a {@code Secret} with {@code data} or {@code stringData} (create it with {@code kubectl create secret});
 *   <li>a field whose name says password, secret, token, credentials, API or private key, or {@code
 *       sasl.jaas.config}, with a text value, unless the name ends in a reference word (Ref, Name, Env, File,
 *       Path, ...) or the value is a reference (below);
 *   <li>an environment variable so named with a literal {@code value};
 *   <li>in any text (arguments, URIs, ConfigMap files): a URI with a password in its user info, a query parameter
 *       {@code password=}/{@code token=}/..., or a {@code password = x}, {@code password: x} or {@code password x}
 *       setting, unless the value is a reference ({@code ${...}}, {@code $(...)}, {@code env:}, {@code file:}, a path).
 * </ul>
 */
final class PlainTextSecrets {
  private static final String WORDS =
      "password|passwd|passphrase|secret|token|credentials?|api[-_.]?key|private[-_.]?key|sasl\\.jaas\\.config";
  private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(" + WORDS + ").*");
  private static final Pattern REFERENCE_SUFFIX =
      Pattern.compile("(?i).*(ref|refs|name|names|env|file|files|path|dir|location|mountpath)");
  private static final Pattern USER_INFO = Pattern.compile("[a-z][a-z0-9+.-]*://[^/@\\s:]+:[^/@\\s]+@");
  private static final Pattern QUERY_SECRET = Pattern.compile("(?i)[?&](" + WORDS + ")=([^&\\s]*)");
  private static final Pattern SETTING =
      Pattern.compile("(?im)^[\\s#;-]*[\\w.-]*(" + WORDS + ")[\\w.-]*\\s*(?:[=:]\\s*|\\s+)(\\S.*)$");

  private PlainTextSecrets() {}

  /** What is wrong with one document, each problem naming {@code where} and the path in the document. */
  static List<String> problems(String where, JsonNode doc) {
    List<String> out = new ArrayList<>();
    if (doc.path("kind").asText().equals("Secret")
        && (!doc.path("data").isEmpty() || !doc.path("stringData").isEmpty())) {
      out.add(where + ": Secret " + doc.path("metadata").path("name").asText()
          + " holds data: create it with kubectl create secret and reference it");
    }
    walk(where, "", doc, out);
    return out;
  }

  /** What is wrong with the text of a file a ConfigMap is generated from. */
  static List<String> textProblems(String where, String text) {
    List<String> out = new ArrayList<>();
    text(where, "", text, out);
    return out;
  }

  private static void walk(String where, String path, JsonNode node, List<String> out) {
    if (node.isObject()) {
      if (node.has("name") && node.has("value") && node.path("value").isTextual()
          && SECRET_NAME.matcher(node.path("name").asText()).matches()
          && !isReference(node.path("value").asText())) {
        out.add(where + " " + path + ": " + node.path("name").asText() + " has a literal value; use valueFrom");
      }
      for (var e : node.properties()) {
        String key = e.getKey();
        String at = path + "/" + key;
        JsonNode v = e.getValue();
        if (v.isTextual() && !isReference(v.asText()) && SECRET_NAME.matcher(key).matches()
            && !REFERENCE_SUFFIX.matcher(key).matches()) {
          out.add(where + " " + at + ": a secret in plain text; reference a Secret instead");
        } else {
          walk(where, at, v, out);
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(where, path + "/" + i, node.get(i), out);
      }
    } else if (node.isTextual()) {
      text(where, path, node.asText(), out);
    }
  }

  private static boolean isReference(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    return v.isEmpty() || v.startsWith("${") || v.startsWith("$(") || v.startsWith("env:") || v.startsWith("file:")
        || v.startsWith("/") || v.startsWith("secretkeyref") || v.startsWith("valuefrom");
  }

  private static void text(String where, String path, String text, List<String> out) {
    if (USER_INFO.matcher(text).find()) {
      out.add(where + " " + path + ": a URI with a password in its user info");
    }
    Matcher q = QUERY_SECRET.matcher(text);
    while (q.find()) {
      if (!isReference(q.group(2))) {
        out.add(where + " " + path + ": query parameter " + q.group(1) + "= holds a secret");
      }
    }
    Matcher s = SETTING.matcher(text);
    while (s.find()) {
      String name = s.group(0).trim().split("[\\s=:]", 2)[0];
      if (!REFERENCE_SUFFIX.matcher(name).matches() && !isReference(s.group(2))) {
        out.add(where + " " + path + ": setting '" + s.group(0).trim() + "' holds a secret");
      }
    }
  }
}
