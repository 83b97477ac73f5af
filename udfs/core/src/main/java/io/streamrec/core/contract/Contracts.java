package io.streamrec.core.contract;

/**
 * The parser of each input topic (DESIGN §4). Field names are the wire names; the bounds are in {@link Limits}.
 * Unknown fields are ignored so producers can add fields before consumers know them.
 */
public final class Contracts {

  public static final ContractParser<Interaction> INTERACTIONS = new InteractionParser();
  public static final ContractParser<Item> ITEMS = new ItemParser();
  public static final ContractParser<User> USERS = new UserParser();
  public static final ContractParser<RecRequest> REC_REQUESTS = new RecRequestParser();

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
}
