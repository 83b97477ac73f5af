package io.streamrec.core.serving;

/** Where a candidate came from; its wire name appears in a response item's {@code sources}. */
public enum RetrievalSource {
  /** Nearest neighbours of the user vector (user tower) in the vector index. */
  ANN("ann"),
  /** Neighbours of the items the user touched last (item-to-item). */
  ITEM_TO_ITEM("item2item"),
  /** Trending in the user's region (or globally). */
  TRENDING("trending"),
  /** New items, so that the system can learn about them (item cold start). */
  FRESH("fresh"),
  /** Put in the exploration slot by the final stage. */
  EXPLORE("explore");

  private final String wireName;

  RetrievalSource(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
