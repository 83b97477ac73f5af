package io.streamrec.datasets;

import java.nio.file.Path;

/** A dataset file that cannot be read as the expected format; the message names the file and the line. */
public class DatasetFormatException extends RuntimeException {
    private final Path file;
    private final long line;

    public DatasetFormatException(Path file, long line, String problem) {
        this(file, line, problem, null);
    }

    public DatasetFormatException(Path file, long line, String problem, Throwable cause) {
        super(file + (line > 0 ? " line " + line : "") + ": " + problem, cause);
        this.file = file;
        this.line = line;
    }

    /** The file that failed to parse. */
    public Path file() {
        return file;
    }

    /** 1-based physical line number of the offending record (the header is line 1); 0 if not known. */
    public long line() {
        return line;
    }
}
