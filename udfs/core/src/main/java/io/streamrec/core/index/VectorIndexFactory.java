package io.streamrec.core.index;

/**
 * Opens a {@link VectorIndex} from its spec. Each backend module registers one through
 * {@code META-INF/services/io.streamrec.core.index.VectorIndexFactory}: the embedded Lucene index for
 * {@code embedded}, the Vespa adapter for {@code vespa+http} / {@code vespa+https}. A job carries a backend by having
 * its module on the classpath.
 */
public interface VectorIndexFactory {

  /** The backend this factory opens: {@code embedded} or a URI scheme such as {@code vespa+http}. */
  boolean supports(String backend);

  /** Opens an index; the caller closes it. Fails with a clear message on a bad spec or an unreachable index. */
  VectorIndex open(VectorIndexSpec spec);
}
