package io.streamrec.jobs.feature;

/** One interaction's contribution to one region's trending list. */
public final class RegionEvent {
  public String region;
  public String itemId;
  public double weight;
  public long ts;

  public RegionEvent() {}

  public static RegionEvent of(String region, String itemId, double weight, long ts) {
    RegionEvent e = new RegionEvent();
    e.region = region;
    e.itemId = itemId;
    e.weight = weight;
    e.ts = ts;
    return e;
  }
}
