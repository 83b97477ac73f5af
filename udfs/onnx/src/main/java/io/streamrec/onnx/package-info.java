/**
 * Scoring with the committed ONNX models, for the index job and serving; no Flink types.
 *
 * <ul>
 *   <li>{@link io.streamrec.onnx.OnnxModels} — ONNX Runtime sessions (scoring options), a model's input/output
 *       contract and metadata, batch runs; shared with the trainer;
 *   <li>{@link io.streamrec.onnx.ModelSession} — one version of a model from the
 *       {@link io.streamrec.core.model.ModelRegistry}, checked against its manifest (sha256, tensors);
 *   <li>{@link io.streamrec.onnx.ItemTower}, {@link io.streamrec.onnx.UserTower} — the two-tower model's towers,
 *       batched and thread-safe;
 *   <li>{@link io.streamrec.onnx.Ranker} — the ranker over {@link io.streamrec.core.model.RankerFeatures} rows;
 *   <li>{@link io.streamrec.onnx.BatchingEmbedder} — one request at a time in, naturally batched item-tower
 *       inferences out, for an asynchronous operator.
 * </ul>
 */
package io.streamrec.onnx;
