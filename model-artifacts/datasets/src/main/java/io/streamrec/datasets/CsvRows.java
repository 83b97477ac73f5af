package io.streamrec.datasets;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Row-at-a-time RFC 4180 reading with Jackson's CSV parser (no data binding, no schema): every record comes back
 * as its raw string fields together with the physical line it started on, so that callers can report errors as
 * "file line N". The first record (the header) is checked against the expected column names.
 */
final class CsvRows implements Closeable {
    private static final CsvFactory FACTORY = new CsvFactory();

    private final CsvParser parser;
    private final Path file;
    private int columns;
    private long line;

    /**
     * Opens the reader and checks the header.
     *
     * @param file   the name used in error messages
     * @param header the exact expected column names
     */
    CsvRows(Reader reader, Path file, List<String> header) throws IOException {
        this.parser = FACTORY.createParser(reader);
        this.parser.setSchema(CsvSchema.emptySchema());
        this.file = file;
        this.columns = -1;                      // the header is checked as a whole below
        String[] first = next();
        if (first == null) {
            throw new DatasetFormatException(file, 1, "empty file, expected header " + String.join(",", header));
        }
        if (!List.of(first).equals(header)) {
            throw new DatasetFormatException(file, line, "unexpected header " + String.join(",", first)
                    + ", expected " + String.join(",", header));
        }
        this.columns = header.size();
    }

    /** The next record's fields (exactly as many as the header has), or {@code null} at the end of the file. */
    String[] next() throws IOException {
        try {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return null;
            }
            // The token location of START_ARRAY is stale (it is the previous row's last value); the reader's
            // position at that point, and the first value's token location, are the row's first line.
            line = parser.currentLocation().getLineNr();
            if (token != JsonToken.START_ARRAY) {
                throw error("unexpected CSV token " + token);
            }
            List<String> fields = new ArrayList<>(Math.max(columns, 1));
            while ((token = parser.nextToken()) == JsonToken.VALUE_STRING) {
                if (fields.isEmpty()) {
                    line = parser.currentTokenLocation().getLineNr();
                }
                fields.add(parser.getText());
            }
            if (token != JsonToken.END_ARRAY) {
                throw error("unexpected CSV token " + token);
            }
            if (columns > 0 && fields.size() != columns) {
                throw error("expected " + columns + " fields, found " + fields.size());
            }
            return fields.toArray(new String[0]);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            long where = at != null && at.getLineNr() > 0 ? at.getLineNr() : line;
            throw new DatasetFormatException(file, where, "malformed CSV: " + e.getOriginalMessage(), e);
        }
    }

    /** The physical line (1-based) on which the record last returned by {@link #next()} starts. */
    long line() {
        return line;
    }

    /** The file name used in error messages. */
    Path file() {
        return file;
    }

    /** An error about the record last returned by {@link #next()}. */
    DatasetFormatException error(String problem) {
        return new DatasetFormatException(file, line, problem);
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
