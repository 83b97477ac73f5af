package io.streamrec.core.training;

import io.streamrec.core.contract.InteractionType;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The training-log job's own arguments (the common ones are the jobs' {@code JobConfig}), parsed once into an
 * immutable value. No Flink types, so the trainer and the Kubernetes tests read the same definition.
 *
 * <pre>
 *   --label-windows purchase=7d          positive types, strongest first, each with its label window
 *   --allowed-lateness 1h                how far behind the watermark an event may still change a label
 *   --out-of-orderness 10s               the watermarks' bound on out-of-order events
 *   --max-pending-per-user 5000          served items (and, separately, positive events) kept per user
 *   --examples-dir training-examples     where the example files go (any Flink file system URI)
 * </pre>
 *
 * <p>Durations are a number and a unit: {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}.
 */
public final class TrainingLogSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The option names this class reads (without the leading {@code --}). */
  public static final List<String> OPTIONS = List.of("label-windows", "allowed-lateness", "out-of-orderness",
      "max-pending-per-user", "examples-dir");

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  /** Positive types in priority order (strongest first), each with its window; a LinkedHashMap for the order. */
  private final LinkedHashMap<InteractionType, Long> windowsMs;
  private final long allowedLatenessMs;
  private final long outOfOrdernessMs;
  private final int maxPendingPerUser;
  private final String examplesDir;
  /** By type ordinal: the window in ms, or -1 for a type that is not positive. */
  private final long[] windowByOrdinal;
  /** By type ordinal: the priority (0 = strongest), or Integer.MAX_VALUE. */
  private final int[] priorityByOrdinal;
  private final long longestWindowMs;

  public TrainingLogSettings(Map<InteractionType, Duration> windows, Duration allowedLateness,
      Duration outOfOrderness, int maxPendingPerUser, String examplesDir) {
    if (windows.isEmpty()) {
      throw new IllegalArgumentException("--label-windows names no positive type");
    }
    this.windowsMs = new LinkedHashMap<>();
    windows.forEach((type, d) -> {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("the label window of " + type.wireName() + " must be > 0, got " + d);
      }
      windowsMs.put(type, d.toMillis());
    });
    if (allowedLateness.isNegative()) {
      throw new IllegalArgumentException("--allowed-lateness must be >= 0, got " + allowedLateness);
    }
    if (outOfOrderness.isNegative()) {
      throw new IllegalArgumentException("--out-of-orderness must be >= 0, got " + outOfOrderness);
    }
    if (maxPendingPerUser < 1) {
      throw new IllegalArgumentException("--max-pending-per-user must be >= 1, got " + maxPendingPerUser);
    }
    if (examplesDir == null || examplesDir.isBlank()) {
      throw new IllegalArgumentException("--examples-dir must not be empty");
    }
    this.allowedLatenessMs = allowedLateness.toMillis();
    this.outOfOrdernessMs = outOfOrderness.toMillis();
    this.maxPendingPerUser = maxPendingPerUser;
    this.examplesDir = examplesDir;
    InteractionType[] all = InteractionType.values();
    this.windowByOrdinal = new long[all.length];
    this.priorityByOrdinal = new int[all.length];
    java.util.Arrays.fill(windowByOrdinal, -1);
    java.util.Arrays.fill(priorityByOrdinal, Integer.MAX_VALUE);
    int priority = 0;
    long longest = 0;
    for (Map.Entry<InteractionType, Long> e : windowsMs.entrySet()) {
      windowByOrdinal[e.getKey().ordinal()] = e.getValue();
      priorityByOrdinal[e.getKey().ordinal()] = priority++;
      longest = Math.max(longest, e.getValue());
    }
    this.longestWindowMs = longest;
  }

  public static TrainingLogSettings defaults() {
    return fromArgs();
  }

  /**
   * Reads this job's options from {@code --name value} pairs; other options (the common job arguments) are left
   * to their own parser.
   */
  public static TrainingLogSettings fromArgs(String... args) {
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].startsWith("--") && OPTIONS.contains(args[i].substring(2))) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(args[i] + " needs a value");
        }
        given.put(args[i].substring(2), args[++i]);
      }
    }
    return new TrainingLogSettings(
        windows(given.getOrDefault("label-windows", "purchase=7d")),
        duration("--allowed-lateness", given.getOrDefault("allowed-lateness", "1h")),
        duration("--out-of-orderness", given.getOrDefault("out-of-orderness", "10s")),
        integer("--max-pending-per-user", given.getOrDefault("max-pending-per-user", "5000")),
        given.getOrDefault("examples-dir", "training-examples"));
  }

  private static Map<InteractionType, Duration> windows(String spec) {
    Map<InteractionType, Duration> out = new LinkedHashMap<>();
    for (String part : spec.split(",", -1)) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--label-windows: '" + part + "' is not type=duration (e.g. purchase=7d)");
      }
      String name = part.substring(0, eq).trim();
      InteractionType type = InteractionType.fromWire(name);
      if (type == null) {
        throw new IllegalArgumentException("--label-windows: unknown interaction type '" + name + "'");
      }
      if (out.put(type, duration("--label-windows " + name, part.substring(eq + 1).trim())) != null) {
        throw new IllegalArgumentException("--label-windows: '" + name + "' is given twice");
      }
    }
    return out;
  }

  static Duration duration(String option, String value) {
    Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(option + " must be a number and a unit (ms, s, m, h, d), got '" + value
          + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  private static int integer(String option, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be an integer, got '" + value + "'");
    }
  }

  /** The positive types, strongest first. */
  public List<InteractionType> positiveTypes() {
    return List.copyOf(windowsMs.keySet());
  }

  /** The label window of {@code type} in ms, or -1 when the type is not positive. */
  public long windowMs(InteractionType type) {
    return windowByOrdinal[type.ordinal()];
  }

  public boolean isPositive(InteractionType type) {
    return type != null && windowByOrdinal[type.ordinal()] > 0;
  }

  /** 0 for the strongest positive type; larger is weaker. */
  public int priority(InteractionType type) {
    return priorityByOrdinal[type.ordinal()];
  }

  public long longestWindowMs() {
    return longestWindowMs;
  }

  public long allowedLatenessMs() {
    return allowedLatenessMs;
  }

  public long outOfOrdernessMs() {
    return outOfOrdernessMs;
  }

  /**
   * When a served item's example is written: its longest window has passed and the allowed lateness after it, so
   * no event that arrives later can change its label.
   */
  public long closesAt(long servedAt) {
    return servedAt + longestWindowMs + allowedLatenessMs;
  }

  public int maxPendingPerUser() {
    return maxPendingPerUser;
  }

  public String examplesDir() {
    return examplesDir;
  }

  /** A copy writing its files elsewhere. */
  public TrainingLogSettings withExamplesDir(String dir) {
    return new TrainingLogSettings(durations(), Duration.ofMillis(allowedLatenessMs),
        Duration.ofMillis(outOfOrdernessMs), maxPendingPerUser, dir);
  }

  private Map<InteractionType, Duration> durations() {
    Map<InteractionType, Duration> d = new LinkedHashMap<>();
    windowsMs.forEach((t, ms) -> d.put(t, Duration.ofMillis(ms)));
    return d;
  }

  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    List<String> windows = new ArrayList<>();
    windowsMs.forEach((t, ms) -> windows.add(t.wireName() + "=" + ms + "ms"));
    m.put("label-windows", String.join(",", windows));
    m.put("allowed-lateness", allowedLatenessMs + "ms");
    m.put("out-of-orderness", outOfOrdernessMs + "ms");
    m.put("max-pending-per-user", Integer.toString(maxPendingPerUser));
    m.put("examples-dir", examplesDir);
    return Collections.unmodifiableMap(m);
  }

  /** The arguments that reproduce these settings. */
  public String[] toArgs() {
    return toMap().entrySet().stream()
        .flatMap(e -> java.util.stream.Stream.of("--" + e.getKey(), e.getValue()))
        .toArray(String[]::new);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrainingLogSettings s && s.toMap().equals(toMap());
  }

  @Override
  public int hashCode() {
    return Objects.hash(toMap());
  }

  @Override
  public String toString() {
    return "TrainingLogSettings" + toMap();
  }
}
