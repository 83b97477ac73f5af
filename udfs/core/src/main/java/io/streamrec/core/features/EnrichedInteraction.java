package io.streamrec.core.features;

import io.streamrec.core.contract.Interaction;

/**
 * An interaction with the catalog attributes of its item as they were when it happened: what user features
 * (category affinity, price preference) are computed from. Category and price are null for an item the catalog
 * does not know (yet).
 */
public final class EnrichedInteraction {
  public Interaction interaction;
  public String category;
  public Double price;

  public EnrichedInteraction() {}

  public static EnrichedInteraction of(Interaction interaction, String category, Double price) {
    EnrichedInteraction e = new EnrichedInteraction();
    e.interaction = interaction;
    e.category = category;
    e.price = price;
    return e;
  }
}
