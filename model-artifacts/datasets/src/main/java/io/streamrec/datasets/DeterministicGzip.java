package io.streamrec.datasets;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * gzip at level 9 with a reproducible header. {@link GZIPOutputStream} writes neither a file name nor a comment,
 * and its MTIME field is always 0 (checked by the tests), so the same bytes in give the same bytes out with the
 * same zlib build. (Another zlib version may choose different, equally valid deflate blocks: the content hashes in
 * the README are the version-independent check.)
 */
final class DeterministicGzip extends GZIPOutputStream {
    DeterministicGzip(OutputStream out) throws IOException {
        super(out, 1 << 16);
        def.setLevel(Deflater.BEST_COMPRESSION);
    }
}
