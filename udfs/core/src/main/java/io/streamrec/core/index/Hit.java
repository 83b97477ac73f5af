package io.streamrec.core.index;

/**
 * One search result. {@code score} is the inner product of the query and the item vector (the towers emit
 * L2-normalised vectors, so it is their cosine); higher is closer.
 */
public record Hit(String itemId, float score) {}
