package io.streamrec.runtime;

import java.io.IOException;
import java.util.List;

/**
 * A non-2xx answer from Flink's REST API. Flink answers errors with {@code {"errors": ["..."]}}, each entry often a
 * whole server-side stack trace; {@link #errors()} keeps them verbatim, the message keeps only the lines a reader
 * needs (the first line and every {@code Caused by:}).
 */
public final class FlinkRestException extends IOException {

    private static final long serialVersionUID = 1L;
    private static final int MAX_SUMMARY_CHARS = 2_000;

    private final int statusCode;
    private final List<String> errors;

    public FlinkRestException(String request, int statusCode, List<String> errors) {
        super(request + " failed with HTTP " + statusCode + summarize(errors));
        this.statusCode = statusCode;
        this.errors = List.copyOf(errors);
    }

    public int statusCode() {
        return statusCode;
    }

    /** The {@code errors} array of Flink's answer, verbatim; the raw body if it had none. */
    public List<String> errors() {
        return errors;
    }

    static String summarize(List<String> errors) {
        if (errors.isEmpty()) {
            return "";
        }
        StringBuilder summary = new StringBuilder(":");
        for (String error : errors) {
            String[] lines = error.split("\r?\n");
            summary.append(System.lineSeparator()).append("  ").append(lines[0].strip());
            for (int i = 1; i < lines.length; i++) {
                String line = lines[i].strip();
                if (line.startsWith("Caused by:")) {
                    summary.append(System.lineSeparator()).append("  ").append(line);
                }
            }
        }
        return summary.length() <= MAX_SUMMARY_CHARS
                ? summary.toString()
                : summary.substring(0, MAX_SUMMARY_CHARS) + " ...";
    }
}
