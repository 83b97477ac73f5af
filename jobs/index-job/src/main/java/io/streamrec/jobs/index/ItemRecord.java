package io.streamrec.jobs.index;

import io.streamrec.core.contract.Item;

/** The keyed state per item: its newest catalog record and the version written for it. A Flink POJO. */
public final class ItemRecord {
  public Item item;
  public long version;

  public ItemRecord() {}

  ItemRecord(Item item, long version) {
    this.item = item;
    this.version = version;
  }

  boolean deleted() {
    return item.op == io.streamrec.core.contract.ItemOp.DELETE;
  }
}
