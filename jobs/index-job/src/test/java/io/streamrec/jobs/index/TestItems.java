package io.streamrec.jobs.index;

import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.ItemOp;
import io.streamrec.core.contract.Json;
import io.streamrec.core.model.ModelRegistry;
import io.streamrec.jobs.common.OutRecord;
import io.streamrec.jobs.common.RawRecord;
import io.streamrec.jobs.common.StreamInput;
import io.streamrec.jobs.common.TestQueues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;

/** Test plumbing: an open-ended items source fed from the test, a collecting dead-letter sink, model copies. */
final class TestItems {
  private TestItems() {}

  private static final AtomicLong OFFSETS = new AtomicLong();

  static Item item(String id, String title, String category, double price, boolean inStock, List<String> regions,
      int minAge, long ts) {
    Item i = new Item();
    i.itemId = id;
    i.op = ItemOp.UPSERT;
    i.title = title;
    i.category = category;
    i.tags = new String[0];
    i.price = price;
    i.inStock = inStock;
    i.regions = regions.toArray(String[]::new);
    i.minAge = minAge;
    i.ts = ts;
    return i;
  }

  static Item delete(String id, long ts) {
    Item i = new Item();
    i.itemId = id;
    i.op = ItemOp.DELETE;
    i.ts = ts;
    return i;
  }

  static void send(String queue, Object value) {
    send(queue, Json.write(value));
  }

  static void send(String queue, byte[] raw) {
    TestQueues.queue(queue).add(RawRecord.of("items", 0, OFFSETS.incrementAndGet(), System.currentTimeMillis(), null, raw));
  }

  static void sendRaw(String queue, String text) {
    send(queue, text.getBytes(StandardCharsets.UTF_8));
  }

  static StreamInput<RawRecord> input(String queue) {
    return TestQueues.input(queue, "items");
  }

  static Sink<OutRecord> deadLetters(String name) {
    return TestQueues.collector(name);
  }

  /** The dead letters the sink named {@code name} collected, as text. */
  static List<String> deadLetterTexts(String name) {
    return TestQueues.collectedText(name);
  }

  /** The repository's model-artifacts directory (walking up from the working directory). */
  static Path repoModels() {
    return ModelRegistry.findAbove(Path.of("")).root();
  }

  /** A private registry holding the committed item tower as {@code version}, made current. */
  static Path registryWithItemTower(Path root, String version) {
    copyVersion(root, "v1", version);
    try {
      Files.writeString(root.resolve("two-tower-item").resolve("CURRENT"), version + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return root;
  }

  /** Copies the committed item tower v1 into {@code root} under another version name. */
  static void copyVersion(Path root, String from, String to) {
    Path src = repoModels().resolve("two-tower-item").resolve("v1");
    Path dst = root.resolve("two-tower-item").resolve(to);
    try {
      Files.createDirectories(dst);
      for (String f : List.of("model.onnx", "manifest.json")) {
        String text = f.equals("manifest.json") ? Files.readString(src.resolve(f)) : null;
        if (text != null) {
          // The manifest names its version; the copy is the same model under another name.
          Files.writeString(dst.resolve(f), text.replace("\"version\" : \"v1\"", "\"version\" : \"" + to + "\"")
              .replace("\"version\":\"v1\"", "\"version\":\"" + to + "\""));
        } else {
          Files.copy(src.resolve(f), dst.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
