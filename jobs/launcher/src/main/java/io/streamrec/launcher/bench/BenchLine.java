package io.streamrec.launcher.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The last line of every benchmark's output (DESIGN §8): {@code BENCH <name> <key>=<value> ...}, so runs can be
 * compared over time by tools that read only that line. Keys are lower-case identifiers; so are names, which may
 * also join words with hyphens ({@code index-ingest}). Values are integers here (rounded, never in exponent notation
 * or with grouping separators).
 */
public final class BenchLine {
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*(-[a-z0-9_]+)*");

  private final String name;
  private final Map<String, String> values = new LinkedHashMap<>();

  private BenchLine(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("benchmark name must match " + NAME.pattern() + ", got '" + name + "'");
    }
    this.name = name;
  }

  public static BenchLine named(String name) {
    return new BenchLine(name);
  }

  /** Adds {@code key=value}; keys keep the order they were added in. */
  public BenchLine with(String key, long value) {
    checkIdentifier(key, "key");
    if (values.containsKey(key)) {
      throw new IllegalArgumentException("duplicate key '" + key + "'");
    }
    values.put(key, Long.toString(value));
    return this;
  }

  /**
   * Adds {@code key=value} with exactly {@code decimals} digits after the point (for ratios such as a recall:
   * {@code recall_at_100=0.953}); a value that is not finite is refused.
   */
  public BenchLine withDecimals(String key, double value, int decimals) {
    checkIdentifier(key, "key");
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(key + " is not a finite number: " + value);
    }
    if (values.containsKey(key)) {
      throw new IllegalArgumentException("duplicate key '" + key + "'");
    }
    values.put(key, new java.math.BigDecimal(value).setScale(decimals, java.math.RoundingMode.HALF_UP)
        .toPlainString());
    return this;
  }

  /** Adds {@code key=round(value)}; a value that is not finite cannot be compared with other runs and is refused. */
  public BenchLine withRounded(String key, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(key + " is not a finite number: " + value);
    }
    return with(key, Math.round(value));
  }

  /** The line for the feature job benchmark: {@code BENCH features events_per_s=<n> freshness_p99_ms=<n>}. */
  public static String features(double eventsPerSecond, double freshnessP99Ms) {
    return named("features")
        .withRounded("events_per_s", eventsPerSecond)
        .withRounded("freshness_p99_ms", freshnessP99Ms)
        .toString();
  }

  @Override
  public String toString() {
    if (values.isEmpty()) {
      throw new IllegalStateException("a BENCH line needs at least one key=value");
    }
    StringBuilder line = new StringBuilder("BENCH ").append(name);
    values.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
    return line.toString();
  }

  private static String checkIdentifier(String s, String what) {
    if (s == null || !IDENTIFIER.matcher(s).matches()) {
      throw new IllegalArgumentException(what + " must match " + IDENTIFIER.pattern() + ", got '" + s + "'");
    }
    return s;
  }
}
