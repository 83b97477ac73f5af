package io.streamrec.core.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.ItemOp;
import io.streamrec.core.features.ItemFeatureState;
import io.streamrec.core.features.ItemFeatureView;
import io.streamrec.core.serving.CandidateFilters.Counts;
import io.streamrec.core.serving.CandidateFilters.Reason;
import io.streamrec.core.serving.CandidateFilters.Viewer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each serving filter removes what it should, and counts it. */
class CandidateFiltersTest {

  private static ItemFeatureView item(String id, boolean inStock, String[] regions, int minAge) {
    Item i = new Item();
    i.itemId = id;
    i.op = ItemOp.UPSERT;
    i.title = id;
    i.category = "c";
    i.tags = new String[0];
    i.price = 1;
    i.inStock = inStock;
    i.regions = regions;
    i.minAge = minAge;
    i.ts = 1_000;
    ItemFeatureState s = ItemFeatureState.empty(id);
    s.applyCatalog(i);
    return s.view(2_000);
  }

  private static List<Candidate> candidates(String... ids) {
    return java.util.Arrays.stream(ids).map(Candidate::new).toList();
  }

  private static List<String> ids(List<Candidate> cs) {
    return cs.stream().map(Candidate::itemId).toList();
  }

  @Test
  void viewerFiltersRemoveExcludedBoughtAndSeenItems() {
    Viewer v = new Viewer("UK", 30, Set.of("bought"), Set.of("seen"), Set.of("excluded"));
    Counts counts = new Counts();
    List<Candidate> out = CandidateFilters.byViewer(candidates("a", "bought", "seen", "excluded", "b"), v, counts);
    assertThat(ids(out)).containsExactly("a", "b");
    assertThat(counts.get(Reason.BOUGHT)).isEqualTo(1);
    assertThat(counts.get(Reason.SEEN)).isEqualTo(1);
    assertThat(counts.get(Reason.EXCLUDED)).isEqualTo(1);
    assertThat(counts.total()).isEqualTo(3);
  }

  @Test
  void catalogFiltersRemoveUnknownSoldOutOtherRegionAndAgeRestrictedItems() {
    Map<String, ItemFeatureView> items = new HashMap<>();
    items.put("ok", item("ok", true, new String[] {"UK"}, 0));
    items.put("everywhere", item("everywhere", true, new String[0], 0));
    items.put("sold", item("sold", false, new String[0], 0));
    items.put("de", item("de", true, new String[] {"DE"}, 0));
    items.put("wine", item("wine", true, new String[0], 18));
    Counts counts = new Counts();
    Viewer minor = new Viewer("UK", 16, Set.of(), Set.of(), Set.of());
    List<Candidate> out = CandidateFilters.byCatalog(
        candidates("ok", "everywhere", "sold", "de", "wine", "ghost"), items, minor, counts);
    assertThat(ids(out)).containsExactly("ok", "everywhere");
    for (Reason r : List.of(Reason.SOLD_OUT, Reason.REGION, Reason.AGE, Reason.UNKNOWN_ITEM)) {
      assertThat(counts.get(r)).as(r.wireName()).isEqualTo(1);
    }

    Viewer adult = new Viewer("UK", 40, Set.of(), Set.of(), Set.of());
    assertThat(ids(CandidateFilters.byCatalog(candidates("wine"), items, adult, new Counts()))).containsExactly(
        "wine");
    Viewer unknownAge = new Viewer(null, null, Set.of(), Set.of(), Set.of());
    assertThat(ids(CandidateFilters.byCatalog(candidates("wine", "de"), items, unknownAge, new Counts())))
        .containsExactly("de");
  }
}
