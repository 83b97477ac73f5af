package io.streamrec.core.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model directory layout: {@code <root>/<model>/<version>/{model.onnx, manifest.json, MODEL_CARD.md}} and
 * {@code <root>/<model>/CURRENT} holding the version in use. Switching a version is one atomic file replace of
 * CURRENT, so readers never see a half-written pointer.
 */
public final class ModelRegistry {
  public static final String TWO_TOWER_ITEM = "two-tower-item";
  public static final String TWO_TOWER_USER = "two-tower-user";
  public static final String RANKER = "ranker";
  /**
   * The light first ranking stage: same input rows as {@link #RANKER} (the {@link RankerFeatures} of a candidate),
   * a much smaller model, run over every merged candidate so that the heavy ranker only scores the best few.
   */
  public static final String FIRST_STAGE = "first-stage";
  public static final String CURRENT = "CURRENT";

  private final Path root;

  public ModelRegistry(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /**
   * The repository's registry for tools and tests run from a source checkout: the first {@code model-artifacts}
   * directory holding {@code two-tower-item/CURRENT} at or above {@code start}.
   */
  public static ModelRegistry findAbove(Path start) {
    for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("model-artifacts");
      if (Files.isRegularFile(candidate.resolve(TWO_TOWER_ITEM).resolve(CURRENT))) {
        return new ModelRegistry(candidate);
      }
    }
    throw new IllegalStateException("no model-artifacts/" + TWO_TOWER_ITEM + "/" + CURRENT + " at or above "
        + start.toAbsolutePath());
  }

  /** The version CURRENT points at. */
  public String currentVersion(String model) {
    Path pointer = root.resolve(model).resolve(CURRENT);
    try {
      String version = Files.readString(pointer, StandardCharsets.UTF_8).trim();
      if (version.isEmpty()) {
        throw new IllegalStateException("empty model pointer " + pointer);
      }
      return version;
    } catch (IOException e) {
      throw new UncheckedIOException("no current version of model '" + model + "' (" + pointer + ")", e);
    }
  }

  public Path versionDir(String model, String version) {
    return root.resolve(model).resolve(version);
  }

  public Path currentDir(String model) {
    return versionDir(model, currentVersion(model));
  }

  public ModelManifest currentManifest(String model) {
    return ModelManifest.read(currentDir(model).resolve(ModelManifest.MANIFEST_FILE));
  }

  /** Points CURRENT at {@code version}, atomically. */
  public void setCurrent(String model, String version) {
    Path dir = root.resolve(model);
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, CURRENT, ".tmp");
      Files.writeString(tmp, version + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, dir.resolve(CURRENT), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot point " + model + " at " + version, e);
    }
  }
}
