package io.streamrec.vespa;

import io.streamrec.core.index.VectorIndex;
import io.streamrec.core.index.VectorIndexFactory;
import io.streamrec.core.index.VectorIndexSpec;

/**
 * Opens {@code vespa+http://} and {@code vespa+https://} vector indexes (registered in {@code META-INF/services}):
 * parses the spec into {@link VespaSettings} and opens a {@link VespaVectorIndex}, whose feed client handshakes with
 * the endpoint. A bad spec fails with an {@link IllegalArgumentException}; an unreachable endpoint with a retryable
 * {@link io.streamrec.core.index.VectorIndexException} "cannot reach Vespa at ...".
 */
public final class VespaIndexFactory implements VectorIndexFactory {

  @Override
  public boolean supports(String backend) {
    return VespaSettings.HTTP_SCHEME.equals(backend) || VespaSettings.HTTPS_SCHEME.equals(backend);
  }

  @Override
  public VectorIndex open(VectorIndexSpec spec) {
    if (spec.uri() == null) {
      throw new IllegalArgumentException("the Vespa index needs a URI spec, got " + spec);
    }
    return VespaVectorIndex.open(VespaSettings.parse(spec.uri()));
  }
}
