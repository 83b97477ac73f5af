/**
 * The offline evaluation protocol (docs/evaluation.md): an interaction log, a temporal split, full-ranking metrics
 * (Recall, NDCG, HitRate, coverage) and the baselines every model must beat. No DJL, no XGBoost, no Flink: the
 * trainer scores its models with it, and the launcher scores the running system with the same code.
 */
package io.streamrec.datasets.eval;
