package io.streamrec.runtime;

import java.io.FileNotFoundException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A {@code multipart/form-data} body (RFC 7578) holding one file, which is all Flink's {@code /jars/upload} needs.
 * The file is streamed from disk, not loaded: shaded job jars run to tens of megabytes. The length is known up
 * front, so the request carries a Content-Length rather than chunked encoding.
 */
final class MultipartBody {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String boundary;
    private final byte[] head;
    private final byte[] tail;
    private final Path file;

    private MultipartBody(String boundary, byte[] head, byte[] tail, Path file) {
        this.boundary = boundary;
        this.head = head;
        this.tail = tail;
        this.file = file;
    }

    /**
     * @param fieldName the form field, e.g. {@code jarfile}
     * @param file the file to send; its name becomes the part's filename
     * @param contentType the part's content type, e.g. {@code application/x-java-archive}
     */
    static MultipartBody ofFile(String fieldName, Path file, String contentType) {
        // 32 random hex digits: a collision with the file's bytes is not a practical concern, so the content
        // needs no scanning.
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return ofFile(fieldName, file, contentType, "streamrec-" + HexFormat.of().formatHex(random));
    }

    static MultipartBody ofFile(String fieldName, Path file, String contentType, String boundary) {
        String crlf = "\r\n";
        String head = "--" + boundary + crlf
                + "Content-Disposition: form-data; name=\"" + quotable(fieldName) + "\"; filename=\""
                + quotable(file.getFileName().toString()) + "\"" + crlf
                + "Content-Type: " + contentType + crlf
                + crlf;
        String tail = crlf + "--" + boundary + "--" + crlf;
        return new MultipartBody(boundary, head.getBytes(StandardCharsets.UTF_8),
                tail.getBytes(StandardCharsets.UTF_8), file);
    }

    /** The request's Content-Type header value. */
    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    String boundary() {
        return boundary;
    }

    HttpRequest.BodyPublisher publisher() throws FileNotFoundException {
        return HttpRequest.BodyPublishers.concat(
                HttpRequest.BodyPublishers.ofByteArray(head),
                HttpRequest.BodyPublishers.ofFile(file),
                HttpRequest.BodyPublishers.ofByteArray(tail));
    }

    /**
     * A value safe inside a quoted header parameter. Servers disagree on escapes inside quoted strings (Flink's
     * Netty decoder takes backslashes literally), so the characters that would need one are replaced instead.
     * The filename only labels the upload; Flink stores it under a generated id.
     */
    static String quotable(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            out.append(c == '"' || c == '\\' || c < 0x20 || c == 0x7f ? '_' : c);
        }
        return out.toString();
    }
}
