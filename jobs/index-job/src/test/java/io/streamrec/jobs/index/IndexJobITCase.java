package io.streamrec.jobs.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.contract.Item;
import io.streamrec.core.index.Generation;
import io.streamrec.core.index.Hit;
import io.streamrec.core.index.SearchFilter;
import io.streamrec.core.model.ModelRegistry;
import io.streamrec.core.model.TwoTowerInputs;
import io.streamrec.index.lucene.LuceneVectorIndex;
import io.streamrec.jobs.common.JobConfig;
import io.streamrec.onnx.ItemTower;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index job on a MiniCluster (two item tasks) with the committed item tower and the embedded index: items
 * become searchable with their attributes, changes follow, and a new item-tower version is rolled out into a new
 * generation that replaces the old one atomically. (The same job through real Kafka: the launcher's
 * LocalStackITCase.)
 */
class IndexJobITCase {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4)
          .build());

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + DEADLINE + " waiting for: " + what);
      }
      Thread.sleep(20);
    }
  }

  private record Running(String name, LuceneVectorIndex index, JobClient client) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      client.cancel().get();
      LuceneVectorIndex.dropShared(name);
    }
  }

  private static Running start(Path models) throws Exception {
    String name = "index-it-" + UUID.randomUUID();
    JobConfig config = JobConfig.fromArgs("--vector-index", "embedded:" + name, "--model-dir", models.toString());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(500);
    IndexJob job = new IndexJob(config, IndexJob.Settings.defaults().withControlPoll(Duration.ofMillis(100)),
        TestItems.input(name), TestItems.deadLetters(name));
    JobClient client = job.executeAsync(env);
    return new Running(name, LuceneVectorIndex.shared(name), client);
  }

  private static List<Item> catalog(int n, long ts) {
    List<Item> items = new ArrayList<>();
    String[] cats = {"mugs", "lamps", "candles", "wine"};
    for (int i = 0; i < n; i++) {
      List<String> regions = i % 3 == 0 ? List.of() : List.of(i % 3 == 1 ? "United Kingdom" : "Germany");
      items.add(TestItems.item("item-" + i, "retro " + cats[i % 4] + " number " + i, cats[i % 4], 2.0 + i,
          true, regions, cats[i % 4].equals("wine") ? 18 : 0, ts));
    }
    return items;
  }

  private static float[] vector(ItemTower tower, Item i) {
    return tower.embed(List.of(new TwoTowerInputs.ItemInput(i.itemId, i.title, i.category, i.price)))[0];
  }

  /** The item's score among the hits, or −∞ when it is not there. */
  private static float scoreOf(List<Hit> hits, String itemId) {
    return hits.stream().filter(h -> h.itemId().equals(itemId)).map(Hit::score).findFirst()
        .orElse(Float.NEGATIVE_INFINITY);
  }

  private static List<String> ids(List<Hit> hits) {
    return hits.stream().map(Hit::itemId).toList();
  }

  @Test
  void itemsBecomeSearchableWithTheirAttributesAndChangesFollow(@TempDir Path models) throws Exception {
    TestItems.registryWithItemTower(models, "v1");
    long now = System.currentTimeMillis();
    List<Item> items = catalog(40, now);
    try (Running job = start(models); ItemTower tower = ItemTower.open(new ModelRegistry(models), "v1")) {
      items.forEach(i -> TestItems.send(job.name(), i));
      TestItems.sendRaw(job.name(), "{\"item_id\": \"broken\", \"op\": \"upsert\"");

      // Items with the same category, price bucket and title words get (nearly) the same vector from the tower,
      // so "found" means: among the results, with the score of its own vector.
      await("every item searchable by its own vector", () -> items.stream().allMatch(i ->
          scoreOf(job.index().searchNow(vector(tower, i), 40, SearchFilter.none()), i.itemId) > 0.999f));
      assertThat(job.index().active()).map(Generation::modelVersion).contains("v1");

      // Filters pushed into the index: a 16-year-old in the UK sees no German-only and no 18+ items.
      List<Hit> forMinor = job.index().searchNow(vector(tower, items.get(0)), 40,
          SearchFilter.forViewer("United Kingdom", 16));
      assertThat(forMinor).isNotEmpty().allSatisfy(h -> {
        Item it = items.get(Integer.parseInt(h.itemId().substring(5)));
        assertThat(it.minAge).isZero();
        assertThat(it.regions).doesNotContain("Germany");
      });

      // Sold out: filtered away, the vector stays (an attribute-only update).
      Item soldOut = TestItems.item("item-5", items.get(5).title, items.get(5).category, items.get(5).price, false,
          List.of(items.get(5).regions), items.get(5).minAge, now + 1);
      TestItems.send(job.name(), soldOut);
      float[] v5 = vector(tower, items.get(5));
      await("sold-out item filtered", () -> !ids(job.index().searchNow(v5, 40,
          SearchFilter.none().inStockOnly(true))).contains("item-5"));
      assertThat(scoreOf(job.index().searchNow(v5, 40, SearchFilter.none()), "item-5")).isGreaterThan(0.999f);

      // Deleted: gone from searches and from item-to-item.
      TestItems.send(job.name(), TestItems.delete("item-7", now + 1));
      float[] v7 = vector(tower, items.get(7));
      await("deleted item gone", () -> !ids(job.index().searchNow(v7, 40, SearchFilter.none())).contains("item-7"));
      assertThat(job.index().similarNow("item-7", 5, SearchFilter.none())).isEmpty();

      await("the broken record is dead-lettered", () -> TestItems.deadLetterTexts(job.name()).size() == 1);
      assertThat(TestItems.deadLetterTexts(job.name()).get(0)).contains("broken").contains("\"topic\"");
    }
  }

  @Test
  void aNewItemTowerIsRolledOutIntoANewGenerationThatReplacesTheOldOneAtomically(@TempDir Path models)
      throws Exception {
    TestItems.registryWithItemTower(models, "v1");
    long now = System.currentTimeMillis();
    List<Item> items = catalog(60, now);
    try (Running job = start(models); ItemTower tower = ItemTower.open(new ModelRegistry(models), "v1")) {
      items.forEach(i -> TestItems.send(job.name(), i));
      float[] q = vector(tower, items.get(0));
      await("catalog in generation 1", () -> job.index().searchNow(q, 100, SearchFilter.none()).size() == 60);
      long first = job.index().active().orElseThrow().id();

      // Searches during the roll-out must always see one whole generation: all 60 items.
      List<Integer> sizes = new CopyOnWriteArrayList<>();
      AtomicBoolean searching = new AtomicBoolean(true);
      Thread searcher = new Thread(() -> {
        while (searching.get()) {
          sizes.add(job.index().searchNow(q, 100, SearchFilter.none()).size());
        }
      });
      searcher.start();
      TestItems.copyVersion(models, "v1", "v2");
      Files.writeString(models.resolve("two-tower-item").resolve("CURRENT"), "v2\n");
      await("generation for v2 published", () -> job.index().active().map(Generation::modelVersion)
          .filter("v2"::equals).isPresent());
      searching.set(false);
      searcher.join();

      Generation active = job.index().active().orElseThrow();
      assertThat(active.id()).isGreaterThan(first);
      assertThat(job.index().generations()).containsExactly(active);
      assertThat(sizes).isNotEmpty().allMatch(s -> s == 60);
      assertThat(job.index().searchNow(q, 100, SearchFilter.none())).hasSize(60);

      // Live changes now go to the new generation.
      Item sold = TestItems.item("item-0", items.get(0).title, items.get(0).category, items.get(0).price, false,
          List.of(items.get(0).regions), 0, now + 1);
      TestItems.send(job.name(), sold);
      await("sold-out item filtered in the new generation", () -> !ids(job.index().searchNow(q, 100,
          SearchFilter.none().inStockOnly(true))).contains("item-0"));
      assertThat(Set.copyOf(ids(job.index().searchNow(q, 100, SearchFilter.none())))).hasSize(60);
    }
  }
}
