/**
 * ONNX export and checking, written straight with the ONNX protobuf classes ({@code ai.onnx.proto.OnnxMl} from
 * {@code tribuo-util-onnx}); opset 17, IR version 8, loaded with ONNX Runtime 1.28.
 *
 * <ul>
 *   <li>{@link io.streamrec.trainer.onnx.TwoTowerOnnx} — the item and user towers from
 *       {@link io.streamrec.core.model.TwoTowerWeights}, with the tensor names of
 *       {@link io.streamrec.core.model.TwoTowerInputs};
 *   <li>{@link io.streamrec.trainer.onnx.XgboostOnnx} — an XGBoost JSON model as an {@code ai.onnx.ml}
 *       TreeEnsembleRegressor that outputs the raw margin;
 *   <li>{@link io.streamrec.trainer.onnx.OnnxModelInfo} — producer, version and metadata stamped into each model;
 *   <li>{@link io.streamrec.trainer.onnx.OnnxGraphBuilder} — the small builder over the protobuf classes.
 * </ul>
 *
 * <p>Loading, describing and running models (sessions for scoring, the input/output contract and metadata of a model
 * file, batch runs) is {@link io.streamrec.onnx.OnnxModels} in {@code streamrec-udfs-onnx}, shared with the jobs
 * that serve the models.
 */
package io.streamrec.trainer.onnx;
