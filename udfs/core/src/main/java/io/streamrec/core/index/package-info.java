/**
 * The vector index seam (DESIGN §5): item vectors with filterable attributes, kept fresh by the index job and queried
 * by serving. Backends: the embedded Lucene HNSW index ({@code udfs/index-lucene}, default) and Vespa
 * ({@code udfs/vespa}). No Flink types here.
 */
package io.streamrec.core.index;
