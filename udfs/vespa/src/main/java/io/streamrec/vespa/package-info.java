/**
 * The Vespa backend of {@link io.streamrec.core.index.VectorIndex} (DESIGN §5): {@link
 * io.streamrec.vespa.VespaVectorIndex} feeds with vespa-feed-client and queries {@code /search/} with
 * nearestNeighbor YQL; {@link io.streamrec.vespa.VespaIndexFactory} opens it from a {@code vespa+http(s)://} spec.
 * The application package it needs is in {@code udfs/vespa/src/main/application}.
 */
package io.streamrec.vespa;
