package io.streamrec.index.lucene;

import io.streamrec.core.index.VectorIndex;
import io.streamrec.core.index.VectorIndexFactory;
import io.streamrec.core.index.VectorIndexSpec;

/** Opens {@code embedded[:name]}: the JVM-wide {@link LuceneVectorIndex#shared(String) shared} Lucene index. */
public final class EmbeddedIndexFactory implements VectorIndexFactory {
  @Override
  public boolean supports(String backend) {
    return "embedded".equals(backend);
  }

  @Override
  public VectorIndex open(VectorIndexSpec spec) {
    return LuceneVectorIndex.shared(spec.name());
  }
}
