package io.streamrec.core.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The {@code ?name=value&...} part of a backend spec such as {@code aerospike://...} or {@code vespa+http://...},
 * and the value checks the backends' settings share. Failures are {@link IllegalArgumentException}s whose message
 * says what is wrong; the caller prefixes which spec it was.
 */
public final class SpecParameters {
  private SpecParameters() {}

  /**
   * Hands every {@code name=value} of a raw (still percent-encoded) query to {@code setter}, in order, the value
   * decoded. Fails on a pair without a name, a name given twice, a bad %-escape, or whatever the setter refuses.
   */
  public static void apply(String rawQuery, BiConsumer<String, String> setter) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return;
    }
    Set<String> seen = new HashSet<>();
    for (String pair : rawQuery.split("&", -1)) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("parameter '" + pair + "' is not name=value");
      }
      String name = pair.substring(0, eq);
      String value = decode(pair.substring(eq + 1));
      if (!seen.add(name)) {
        throw new IllegalArgumentException("parameter '" + name + "' is given twice");
      }
      setter.accept(name, value);
    }
  }

  /** Decodes %-escapes (and '+') as in a URL query. */
  public static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad %-escape in '" + s + "'");
    }
  }

  public static int integer(String name, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'");
    }
  }

  public static String nonEmpty(String name, String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + " is empty");
    }
    return value;
  }

  public static void requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0, got " + d.toMillis());
    }
  }
}
