package io.streamrec.jobs.serving;

import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.ItemOp;
import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.features.ItemFeatureState;
import io.streamrec.core.features.TopNBoard;
import io.streamrec.core.features.TrendingFeatures;
import io.streamrec.core.index.Generation;
import io.streamrec.core.index.IndexWrite;
import io.streamrec.core.index.ItemAttributes;
import io.streamrec.core.index.VectorIndexSpec;
import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.core.store.EmbeddedFeatureStore;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureStoreSpec;
import io.streamrec.index.lucene.LuceneVectorIndex;
import io.streamrec.onnx.ItemTower;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A small world for the serving function and job: the embedded store and index named {@code name} filled with 120
 * catalog items embedded by the committed item tower, their catalog records and a global trending list; the
 * committed user tower, first stage and ranker.
 */
final class ServingWorld {
  private ServingWorld() {}

  static Path repoModels() {
    return ModelRegistry.findAbove(Path.of("")).root();
  }

  static Item item(int i, long now) {
    Item it = new Item();
    it.itemId = "item-" + i;
    it.op = ItemOp.UPSERT;
    it.category = "cat" + (i % 6);
    it.title = "handmade " + it.category + " " + (i % 11);
    it.tags = new String[0];
    it.price = 2 + i % 30;
    it.inStock = true;
    it.regions = new String[0];
    it.minAge = 0;
    it.ts = now - 60_000;
    return it;
  }

  static void fill(String name, long now) {
    EmbeddedFeatureStore store = EmbeddedFeatureStore.shared(name);
    LuceneVectorIndex index = LuceneVectorIndex.shared(name);
    ModelRegistry registry = new ModelRegistry(repoModels());
    String version = registry.currentVersion(ModelRegistry.TWO_TOWER_ITEM);
    List<Item> catalog = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      catalog.add(item(i, now));
    }
    try (ItemTower tower = ItemTower.open(registry, version)) {
      index.create(new Generation(1, version, tower.dimension()));
      index.publish(1);
      float[][] v = tower.embed(catalog.stream()
          .map(i -> new TwoTowerInputs.ItemInput(i.itemId, i.title, i.category, i.price)).toList());
      List<CompletableFuture<?>> writes = new ArrayList<>();
      for (int i = 0; i < catalog.size(); i++) {
        writes.add(index.write(new IndexWrite.Upsert(1, catalog.get(i).itemId, v[i],
            ItemAttributes.of(catalog.get(i)), 1)));
      }
      writes.forEach(CompletableFuture::join); // one refresh makes them all searchable
    }
    for (Item it : catalog) {
      ItemFeatureState s = ItemFeatureState.empty(it.itemId);
      s.applyCatalog(it);
      store.upsert(new FeatureKey(StoreLayout.ItemBins.SET, it.itemId), s.toBins(), s.storeVersion(),
          Duration.ZERO);
    }
    TrendingFeatures trending = TrendingFeatures.defaults();
    TopNBoard board = new TopNBoard(10);
    board.offer("item-1", trending.decay().add(Double.NEGATIVE_INFINITY, 3, now));
    board.offer("item-2", trending.decay().add(Double.NEGATIVE_INFINITY, 2, now));
    store.upsert(TrendingFeatures.key(StoreLayout.GLOBAL_REGION), trending.toBins(board, now), now, Duration.ZERO);
  }

  static ServingSpec spec(String name) {
    return new ServingSpec(FeatureStoreSpec.parse("embedded:" + name), VectorIndexSpec.parse("embedded:" + name),
        repoModels().toString(), "rec-responses", "prediction-log", Duration.ofMinutes(30), Duration.ofMinutes(10));
  }

  static void drop(String name) {
    EmbeddedFeatureStore.clearShared(name);
    LuceneVectorIndex.dropShared(name);
  }
}
