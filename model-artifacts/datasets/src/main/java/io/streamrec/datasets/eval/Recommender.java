package io.streamrec.datasets.eval;

import java.util.List;
import java.util.Set;

/** A model under evaluation: the top {@code k} items for a user, never one of {@code exclude}. */
public interface Recommender {
  String name();

  List<String> recommend(String userId, int k, Set<String> exclude);
}
