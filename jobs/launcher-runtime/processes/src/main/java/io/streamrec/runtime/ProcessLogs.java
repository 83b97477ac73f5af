package io.streamrec.runtime;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reading the log files that the child processes write, for readiness checks and for error messages. */
public final class ProcessLogs {

    /** How many lines of a child's log go into an exception message. */
    public static final int TAIL_LINES = 40;

    private static final int CHUNK = 16 * 1024;

    private ProcessLogs() {}

    /**
     * The last {@code lines} lines of {@code file}, or an empty list if it does not exist. Reads backwards from the
     * end, so a long-running broker's large log costs no more than its tail. Bytes that are not UTF-8 are replaced
     * rather than failing: a diagnostic must never throw.
     */
    public static List<String> tail(Path file, int lines) {
        if (lines <= 0) {
            return List.of();
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long end = in.length();
            long start = end;
            byte[] window = new byte[0];
            // Grow the window from the end until it holds lines+1 line breaks (the extra one bounds the first line).
            while (start > 0 && countNewlines(window) <= lines) {
                int step = (int) Math.min(CHUNK, start);
                start -= step;
                byte[] grown = new byte[window.length + step];
                in.seek(start);
                in.readFully(grown, 0, step);
                System.arraycopy(window, 0, grown, step, window.length);
                window = grown;
            }
            List<String> all = Arrays.asList(new String(window, StandardCharsets.UTF_8).split("\r?\n", -1));
            List<String> trimmed = new ArrayList<>(all);
            if (!trimmed.isEmpty() && trimmed.get(trimmed.size() - 1).isEmpty()) {
                trimmed.remove(trimmed.size() - 1); // the file ends with a line break
            }
            if (start > 0 && !trimmed.isEmpty()) {
                trimmed.remove(0); // a partial line cut by the window
            }
            return List.copyOf(trimmed.subList(Math.max(0, trimmed.size() - lines), trimmed.size()));
        } catch (FileNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            return List.of("<cannot read " + file + ": " + e + ">");
        }
    }

    /** {@link #tail} formatted for an exception message, headed by the file name. */
    public static String tailForMessage(Path file) {
        List<String> tail = tail(file, TAIL_LINES);
        if (tail.isEmpty()) {
            return System.lineSeparator() + "(" + file + " is empty or missing)";
        }
        return System.lineSeparator() + "--- last " + tail.size() + " lines of " + file + " ---"
                + System.lineSeparator() + String.join(System.lineSeparator(), tail);
    }

    /**
     * Whether {@code file} contains {@code text}. Reads the whole file: meant for startup logs, which are fresh
     * (see {@link #rotate}) and small.
     */
    public static boolean contains(Path file, String text) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).contains(text);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Moves {@code file} to {@code file.1}, replacing an older one. Done before a child starts so that a
     * readiness check never matches the previous run's "started" line, while the previous run's log survives
     * one restart for a post-mortem.
     */
    public static void rotate(Path file) throws IOException {
        if (Files.exists(file)) {
            Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static int countNewlines(byte[] bytes) {
        int n = 0;
        for (byte b : bytes) {
            if (b == '\n') {
                n++;
            }
        }
        return n;
    }
}
