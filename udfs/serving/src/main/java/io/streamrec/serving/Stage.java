package io.streamrec.serving;

/**
 * The timed stages of a request, in the order they run; their wire names are the keys of a response's
 * {@code timings_ms} and of the serving job's {@code stageUs_<name>} histograms.
 */
public enum Stage {
  /** From the request's arrival at the function to the pipeline starting on the serving pool. */
  QUEUE("queue"),
  /** User record and the region's trending and newest-items lists: one store round trip. */
  FEATURES("features"),
  USER_TOWER("user_tower"),
  /** ANN, item-to-item, trending and fresh items, merged, and the viewer filters. */
  RETRIEVAL("retrieval"),
  /** One batched item-feature lookup (and the stored vectors of non-ANN candidates), then the catalog filters. */
  ITEM_FEATURES("item_features"),
  /** The light first ranking stage over every kept candidate. */
  FIRST_STAGE("first_stage"),
  /** The heavy ranker over the first stage's best. */
  RANK("rank"),
  /** Category cap and exploration slot. */
  FINAL("final"),
  /** The whole pipeline, queue included. */
  TOTAL("total");

  private final String wireName;

  Stage(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** Every wire name, in stage order. */
  public static String[] wireNames() {
    Stage[] all = values();
    String[] out = new String[all.length];
    for (int i = 0; i < all.length; i++) {
      out[i] = all[i].wireName;
    }
    return out;
  }
}
