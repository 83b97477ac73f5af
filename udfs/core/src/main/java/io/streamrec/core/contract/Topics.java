package io.streamrec.core.contract;

import java.util.List;

/**
 * Every topic of the system, declared once (DESIGN §4). Writers, readers, the launcher that creates topics and the
 * tests all take names, keys and partition counts from here.
 */
public final class Topics {

  public static final TopicSpec INTERACTIONS = new TopicSpec("interactions", "user_id", 4, false);
  public static final TopicSpec ITEMS = new TopicSpec("items", "item_id", 2, true);
  public static final TopicSpec USERS = new TopicSpec("users", "user_id", 2, true);
  public static final TopicSpec REC_REQUESTS = new TopicSpec("rec-requests", "user_id", 4, false);
  public static final TopicSpec REC_RESPONSES = new TopicSpec("rec-responses", "user_id", 4, false);
  public static final TopicSpec PREDICTION_LOG = new TopicSpec("prediction-log", "request_id", 2, false);
  public static final TopicSpec DEAD_LETTERS = new TopicSpec("dead-letters", "topic", 1, false);
  /** Labelled examples of the training-log job (the same examples also go to files for the trainer). */
  public static final TopicSpec TRAINING_EXAMPLES = new TopicSpec("training-examples", "user_id", 2, false);

  public static final List<TopicSpec> ALL =
      List.of(INTERACTIONS, ITEMS, USERS, REC_REQUESTS, REC_RESPONSES, PREDICTION_LOG, DEAD_LETTERS,
          TRAINING_EXAMPLES);

  private Topics() {}

  /** Looks a topic up by its unprefixed name. */
  public static TopicSpec byName(String name) {
    for (TopicSpec spec : ALL) {
      if (spec.name().equals(name)) {
        return spec;
      }
    }
    throw new IllegalArgumentException("unknown topic '" + name + "'; known: " + ALL.stream().map(TopicSpec::name).toList());
  }
}
