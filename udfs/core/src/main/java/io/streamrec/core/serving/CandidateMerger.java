package io.streamrec.core.serving;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the sources' ranked lists into one de-duplicated candidate list with weighted reciprocal-rank fusion:
 * an item at rank r (1-based) of source s adds {@code weight(s) / (C + r)}. Ranks, not raw scores, because the
 * sources score on unrelated scales (cosine, trend counts, recency); C = 60 (the usual RRF constant) keeps the
 * head of one list from drowning the others. An item proposed by several sources sums its contributions and
 * carries every source's tag.
 */
public final class CandidateMerger {
  public static final double RRF_C = 60.0;

  /** Per-source weights; 0 turns a source off. */
  public record Weights(double ann, double itemToItem, double trending, double fresh) {
    public Weights {
      for (double w : new double[] {ann, itemToItem, trending, fresh}) {
        if (!(w >= 0) || Double.isInfinite(w)) {
          throw new IllegalArgumentException("source weights must be finite and >= 0");
        }
      }
    }

    public static Weights defaults() {
      return new Weights(1.0, 0.8, 0.5, 0.3);
    }

    public double of(RetrievalSource s) {
      return switch (s) {
        case ANN -> ann;
        case ITEM_TO_ITEM -> itemToItem;
        case TRENDING -> trending;
        case FRESH -> fresh;
        case EXPLORE -> 0;
      };
    }
  }

  /** One source's proposal: an item and the source's own score (kept only for ANN: the ranker's input). */
  public record Proposal(String itemId, double score) {}

  private final Weights weights;

  public CandidateMerger(Weights weights) {
    this.weights = weights;
  }

  /**
   * Merges the lists (each best first) into at most {@code max} candidates, best merged score first (ties: the
   * order in which items were first proposed, sources in enum order).
   */
  public List<Candidate> merge(Map<RetrievalSource, List<Proposal>> lists, int max) {
    Map<String, Candidate> byId = new LinkedHashMap<>();
    Map<RetrievalSource, List<Proposal>> ordered = new EnumMap<>(RetrievalSource.class);
    ordered.putAll(lists);
    ordered.forEach((source, proposals) -> {
      double w = weights.of(source);
      if (w == 0) {
        return;
      }
      int rank = 0;
      for (Proposal p : proposals) {
        rank++;
        Candidate c = byId.computeIfAbsent(p.itemId(), Candidate::new);
        if (c.sources().add(source)) {
          c.addMerged(w / (RRF_C + rank));
          if (source == RetrievalSource.ANN) {
            c.annScore(p.score());
          }
        }
      }
    });
    List<Candidate> out = new ArrayList<>(byId.values());
    out.sort(Comparator.comparingDouble(Candidate::mergedScore).reversed());
    return out.size() > max ? new ArrayList<>(out.subList(0, max)) : out;
  }
}
