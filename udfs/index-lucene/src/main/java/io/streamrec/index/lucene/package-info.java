/**
 * The embedded {@link io.streamrec.core.index.VectorIndex}: Apache Lucene 9.12 HNSW ({@code KnnFloatVectorField})
 * with near-real-time refresh. See {@link io.streamrec.index.lucene.LuceneVectorIndex} for how searches are planned.
 */
package io.streamrec.index.lucene;
