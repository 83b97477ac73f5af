package io.streamrec.jobs.feature;

import io.streamrec.core.contract.StoreLayout;
import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;

/**
 * A bound on the distinct regions one subtask passes on to the per-region operators (trending, newest items).
 * Regions are free-form ids on the input topics, so without a bound a producer that puts, say, a city or a session
 * id in {@code region} would grow the per-region state and the store's boards without limit. The first
 * {@code maxRegions} regions a subtask sees are admitted; events of later ones still count in the global board.
 *
 * <p>Per subtask and in memory: after a restart the set is rebuilt in arrival order, so which regions are admitted
 * past the bound may differ; the bound itself (at most {@code maxRegions} × parallelism) holds.
 */
final class RegionBound implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Default bound: far more regions than any shop sells in, far fewer than ids a mistake would produce. */
  static final int DEFAULT_MAX_REGIONS = 1_000;

  private final int maxRegions;
  private transient Set<String> admitted;

  RegionBound(int maxRegions) {
    if (maxRegions < 1) {
      throw new IllegalArgumentException("maxRegions must be >= 1, got " + maxRegions);
    }
    this.maxRegions = maxRegions;
  }

  /** Whether events of {@code region} go to its own board (the global region always does). */
  boolean admit(String region) {
    if (StoreLayout.GLOBAL_REGION.equals(region)) {
      return true;
    }
    if (admitted == null) {
      admitted = new HashSet<>();
    }
    if (admitted.contains(region)) {
      return true;
    }
    if (admitted.size() >= maxRegions) {
      return false;
    }
    admitted.add(region);
    return true;
  }
}
