package io.streamrec.core.features;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.User;
import java.util.HashMap;
import java.util.Map;

/**
 * Computes features offline from an event log with the very classes the feature job runs, so training data is
 * point-in-time correct by construction: feed events in event-time order and read a view "as of t" before applying
 * the events at t, and you get what the online store held for a request at t (up to the store's write delay).
 *
 * <p>Interactions are enriched from the catalog as known when they happened, as the job does.
 */
public final class FeatureReplay {
  private final Map<String, UserFeatureState> users = new HashMap<>();
  private final Map<String, ItemFeatureState> items = new HashMap<>();
  private long duplicates;

  public void item(Item item) {
    items.computeIfAbsent(item.itemId, ItemFeatureState::empty).applyCatalog(item);
  }

  public void user(User user) {
    users.computeIfAbsent(user.userId, UserFeatureState::empty).applyProfile(user);
  }

  public void interaction(Interaction interaction) {
    // The job's order: the item operator counts (and de-duplicates) first, then the user operator.
    ItemFeatureState item = items.computeIfAbsent(interaction.itemId, ItemFeatureState::empty);
    EnrichedInteraction enriched = enrich(item, interaction);
    if (!item.apply(interaction)) {
      duplicates++;
      return;
    }
    UserFeatureState user = users.computeIfAbsent(interaction.userId, UserFeatureState::empty);
    if (!user.apply(enriched)) {
      duplicates++;
    }
  }

  /** The enrichment the job applies: the item's catalog category and price at the time, if known. */
  public static EnrichedInteraction enrich(ItemFeatureState item, Interaction interaction) {
    boolean known = item.catalogTs > 0 && !item.deleted;
    return EnrichedInteraction.of(interaction, known ? item.category : null, known ? item.price : null);
  }

  /** The user's features as of {@code asOf}; an unknown user gets an empty view. */
  public UserFeatureView user(String userId, long asOf) {
    return users.getOrDefault(userId, UserFeatureState.empty(userId)).view(asOf);
  }

  public ItemFeatureView item(String itemId, long asOf) {
    return items.getOrDefault(itemId, ItemFeatureState.empty(itemId)).view(asOf);
  }

  public Map<String, UserFeatureState> userStates() {
    return users;
  }

  public Map<String, ItemFeatureState> itemStates() {
    return items;
  }

  /** Interactions ignored as duplicates of an event id already seen. */
  public long duplicates() {
    return duplicates;
  }
}
