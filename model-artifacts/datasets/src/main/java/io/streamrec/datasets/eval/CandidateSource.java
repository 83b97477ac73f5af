package io.streamrec.datasets.eval;

import java.util.List;
import java.util.Set;

/** Where a ranker's candidates come from: a retrieval model that scores items for a user. */
public interface CandidateSource {

  /** A candidate and its retrieval score. */
  record Candidate(String itemId, double score) {}

  String name();

  /** The best {@code n} items for {@code userId}, best first, none of them in {@code exclude}. */
  List<Candidate> candidates(String userId, int n, Set<String> exclude);
}
