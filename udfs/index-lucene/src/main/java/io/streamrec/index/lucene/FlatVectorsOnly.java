package io.streamrec.index.lucene;

import java.io.IOException;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.hnsw.DefaultFlatVectorScorer;
import org.apache.lucene.codecs.hnsw.FlatVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99FlatVectorsFormat;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * The vector field's format when large segments are searched through inverted-file lists: Lucene's flat vector
 * storage alone, so no HNSW graph is built on flush or merge (at 100,000 × 64-d the graph cost 55 s of inserts and
 * a 121 s merge that the inverted-file search never reads). Registered for Lucene's SPI under {@link #NAME} so
 * segments written with it can be read back; its reader answers no nearest-neighbour searches of its own, which the
 * index never asks of it ({@link GenerationIndex} scans exactly or through {@link IvfLists}).
 */
public final class FlatVectorsOnly extends KnnVectorsFormat {
  public static final String NAME = "StreamrecFlatVectorsOnly";
  private final FlatVectorsFormat flat = new Lucene99FlatVectorsFormat(DefaultFlatVectorScorer.INSTANCE);

  public FlatVectorsOnly() {
    super(NAME);
  }

  @Override
  public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
    return flat.fieldsWriter(state);
  }

  @Override
  public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
    return flat.fieldsReader(state);
  }

  @Override
  public int getMaxDimensions(String fieldName) {
    return 1024;
  }
}
