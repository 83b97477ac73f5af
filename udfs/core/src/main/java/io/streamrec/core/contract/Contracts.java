package io.streamrec.core.contract;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parser of each input topic (DESIGN §4). Field names are the wire names; the bounds are in {@link Limits}.
 * Unknown fields are ignored so producers can add fields before consumers know them.
 */
public final class Contracts {

  public static final ContractParser<Interaction> INTERACTIONS = new InteractionParser();
  public static final ContractParser<Item> ITEMS = new ItemParser();
  public static final ContractParser<User> USERS = new UserParser();
  public static final ContractParser<RecRequest> REC_REQUESTS = new RecRequestParser();
  /** Our own output, read back by the training-log job: as strict as the others, for the same reasons. */
  public static final ContractParser<PredictionLog> PREDICTION_LOG = new PredictionLogParser();

  private Contracts() {}

  private static final class InteractionParser extends ContractParser<Interaction> {
    private static final long serialVersionUID = 1L;

    InteractionParser() {
      super(Topics.INTERACTIONS, Interaction.class);
    }

    @Override
    Interaction read(FieldReader f) {
      Interaction i = new Interaction();
      i.eventId = f.requiredId("event_id");
      i.userId = f.requiredId("user_id");
      i.itemId = f.requiredId("item_id");
      i.type = f.requiredEnum("type", InteractionType::fromWire, InteractionType.values());
      i.ts = f.requiredTimestamp("ts");
      i.requestId = f.optionalId("request_id");
      i.position = f.optionalInt("position", 0, Limits.MAX_POSITION);
      i.dwellMs = f.optionalLong("dwell_ms", 0, Limits.MAX_DWELL_MS);
      i.region = f.optionalId("region");
      return i;
    }

    @Override
    Interaction readPlain(byte[] value) {
      return InteractionFastPath.read(value);
    }

    private Object readResolve() {
      return INTERACTIONS;
    }
  }

  private static final class ItemParser extends ContractParser<Item> {
    private static final long serialVersionUID = 1L;

    ItemParser() {
      super(Topics.ITEMS, Item.class);
    }

    @Override
    Item read(FieldReader f) {
      Item item = new Item();
      item.itemId = f.requiredId("item_id");
      item.op = f.requiredEnum("op", ItemOp::fromWire, ItemOp.values());
      item.ts = f.requiredTimestamp("ts");
      if (item.op == ItemOp.DELETE) {
        item.tags = new String[0];
        item.regions = new String[0];
        return item;
      }
      item.title = f.requiredText("title");
      item.category = f.requiredId("category");
      item.tags = f.optionalIdList("tags");
      item.price = f.requiredFiniteDouble("price", 0, Limits.MAX_PRICE);
      item.inStock = f.requiredBoolean("in_stock");
      item.regions = f.optionalIdList("regions");
      Integer minAge = f.optionalInt("min_age", 0, Limits.MAX_AGE);
      item.minAge = minAge == null ? 0 : minAge;
      return item;
    }

    private Object readResolve() {
      return ITEMS;
    }
  }

  private static final class UserParser extends ContractParser<User> {
    private static final long serialVersionUID = 1L;

    UserParser() {
      super(Topics.USERS, User.class);
    }

    @Override
    User read(FieldReader f) {
      User u = new User();
      u.userId = f.requiredId("user_id");
      u.age = f.optionalInt("age", 0, Limits.MAX_AGE);
      u.region = f.optionalId("region");
      u.ts = f.requiredTimestamp("ts");
      return u;
    }

    private Object readResolve() {
      return USERS;
    }
  }

  private static final class RecRequestParser extends ContractParser<RecRequest> {
    private static final long serialVersionUID = 1L;

    RecRequestParser() {
      super(Topics.REC_REQUESTS, RecRequest.class);
    }

    @Override
    protected boolean addressable() {
      return true;
    }

    @Override
    RecRequest read(FieldReader f) {
      RecRequest r = new RecRequest();
      r.requestId = f.requiredId("request_id");
      r.userId = f.requiredId("user_id");
      r.ts = f.requiredTimestamp("ts");
      Integer k = f.optionalInt("k", 1, Limits.MAX_K);
      r.k = k == null ? Limits.DEFAULT_K : k;
      r.region = f.optionalId("region");
      r.query = f.optionalText("query");
      r.exclude = f.optionalIdList("exclude");
      Integer deadline = f.optionalInt("deadline_ms", 1, Limits.MAX_DEADLINE_MS);
      r.deadlineMs = deadline == null ? Limits.DEFAULT_DEADLINE_MS : deadline;
      return r;
    }

    private Object readResolve() {
      return REC_REQUESTS;
    }
  }

  private static final class PredictionLogParser extends ContractParser<PredictionLog> {
    private static final long serialVersionUID = 1L;

    PredictionLogParser() {
      super(Topics.PREDICTION_LOG, PredictionLog.class);
    }

    @Override
    protected int maxRecordBytes() {
      return Limits.MAX_PREDICTION_LOG_BYTES;
    }

    @Override
    PredictionLog read(FieldReader f) {
      String requestId = f.requiredId("request_id");
      String userId = f.requiredId("user_id");
      long ts = f.requiredTimestamp("ts");
      RecResponse.Models models = f.optionalObject("models", m -> new RecResponse.Models(
          m.optionalId("retrieval"), m.optionalId("ranking"), m.optionalId("first_stage")));
      boolean degraded = f.optionalBoolean("degraded", false);
      String reason = f.optionalText("reason");
      List<String> featureNames = List.of(f.optionalIdList("feature_names"));
      int width = featureNames.size();
      List<PredictionLog.Entry> served =
          f.optionalObjectList("served", Limits.MAX_LOGGED_ENTRIES, e -> entry(e, width));
      List<PredictionLog.Entry> negatives =
          f.optionalObjectList("negatives", Limits.MAX_LOGGED_ENTRIES, e -> entry(e, width));
      Integer ranked = f.optionalInt("ranked", 0, Integer.MAX_VALUE);
      Integer firstStageScored = f.optionalInt("first_stage_scored", 0, Integer.MAX_VALUE);
      return new PredictionLog(requestId, userId, ts, models, degraded, reason, featureNames, served, negatives,
          ranked == null ? 0 : ranked, firstStageScored == null ? 0 : firstStageScored,
          counts(f.optionalNumberMap("candidates"), "candidates"), counts(f.optionalNumberMap("filtered"), "filtered"),
          f.optionalNumberMap("timings_ms"));
    }

    private static PredictionLog.Entry entry(FieldReader e, int width) {
      String itemId = e.requiredId("item_id");
      Integer rank = e.optionalInt("rank", 0, Limits.MAX_K);
      float[] features = e.optionalFloats("features", Limits.MAX_LIST_SIZE);
      if (features.length != 0 && features.length != width) {
        throw new ContractViolation("field 'features' has " + features.length + " values but 'feature_names' has "
            + width);
      }
      String scoredBy = e.optionalId("scored_by");
      return new PredictionLog.Entry(itemId, rank == null ? 0 : rank, e.requiredNumberOrMissing("score"),
          List.of(e.optionalIdList("sources")), features, scoredBy == null ? RecResponse.RecItem.RETRIEVAL : scoredBy,
          e.optionalFiniteDouble("first_stage_score"));
    }

    private static Map<String, Integer> counts(Map<String, Double> numbers, String field) {
      Map<String, Integer> out = new LinkedHashMap<>();
      numbers.forEach((name, v) -> {
        if (v < 0 || v > Integer.MAX_VALUE || v != Math.rint(v)) {
          throw new ContractViolation("field '" + field + "." + name + "' must be a count, got " + v);
        }
        out.put(name, v.intValue());
      });
      return out;
    }

    private Object readResolve() {
      return PREDICTION_LOG;
    }
  }
}
