package io.streamrec.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and rewrites a Flink 1.16 {@code flink-conf.yaml} the way Flink's own loader reads it. That loader
 * ({@code GlobalConfiguration}) is not a YAML parser: each line is {@code key: value}, everything after the first
 * {@code #} is a comment, the key/value separator is the first {@code ": "}, and a later line for a key wins. Lines
 * that do not fit are skipped by Flink, and by us.
 */
final class FlinkConfFile {

    private FlinkConfFile() {}

    /** The effective key/value pairs of {@code lines}. */
    static Map<String, String> parse(List<String> lines) {
        Map<String, String> conf = new LinkedHashMap<>();
        for (String line : lines) {
            String[] kv = entry(line);
            if (kv != null) {
                conf.put(kv[0], kv[1]);
            }
        }
        return conf;
    }

    static Map<String, String> read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /**
     * {@code lines} with every entry for an overridden key commented out and the overrides appended under a
     * header. Appending alone would work (the later line wins), but then a reader of the file sees two values and
     * must know that rule.
     */
    static List<String> withOverrides(List<String> lines, Map<String, String> overrides, String header) {
        overrides.forEach(FlinkConfFile::checkEntry);
        List<String> out = new ArrayList<>(lines.size() + overrides.size() + 2);
        for (String line : lines) {
            String[] kv = entry(line);
            out.add(kv != null && overrides.containsKey(kv[0]) ? "# (overridden below) " + line : line);
        }
        out.add("");
        out.add("# " + header);
        overrides.forEach((k, v) -> out.add(k + ": " + v));
        return out;
    }

    static void applyOverrides(Path file, Map<String, String> overrides, String header) throws IOException {
        List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        Files.write(file, withOverrides(lines, overrides, header), StandardCharsets.UTF_8);
    }

    /** {key, value} for a configuration line, or null for comments, blank and malformed lines. */
    private static String[] entry(String line) {
        String content = line.split("#", 2)[0].strip();
        if (content.isEmpty()) {
            return null;
        }
        String[] kv = content.split(": ", 2);
        if (kv.length != 2) {
            return null;
        }
        String key = kv[0].strip();
        String value = kv[1].strip();
        return key.isEmpty() || value.isEmpty() ? null : new String[] {key, value};
    }

    /** Rejects what Flink's line format cannot carry, instead of writing a file that means something else. */
    private static void checkEntry(String key, String value) {
        String both = key + value;
        if (key.isBlank() || value.isBlank() || key.contains(": ") || both.contains("#")
                || both.chars().anyMatch(c -> c == '\n' || c == '\r')) {
            throw new IllegalArgumentException("cannot be written to flink-conf.yaml: '" + key + ": " + value + "'");
        }
    }
}
