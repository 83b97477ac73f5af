package io.streamrec.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.streamrec.core.model.TwoTowerInputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads ONNX models into ONNX Runtime (1.28.0; 1.29.0 segfaults on these hosts) for scoring and checking, reads
 * their input/output contract and metadata, and runs batches. Shared by the trainer (export checks, offline
 * evaluation, benchmarks) and by the jobs that score with the committed models ({@link ItemTower},
 * {@link UserTower}, {@link Ranker}). No Flink types.
 *
 * <p>Session options for scoring ({@link Options#scoring()}): one intra-op and one inter-op thread (each serving
 * task already owns a core; a thread pool per session only adds hand-offs and contention on 2 cores), sequential
 * execution, graph optimization level ALL, and no spinning of idle worker threads.
 */
public final class OnnxModels {
  private OnnxModels() {}

  /** The process-wide ONNX Runtime environment (a singleton in ORT). */
  public static OrtEnvironment env() {
    return OrtEnvironment.getEnvironment();
  }

  /** How a session is configured. */
  public record Options(int intraOpThreads, int interOpThreads, OrtSession.SessionOptions.OptLevel optLevel) {
    /** Single-threaded, optimization level ALL: the configuration the ranker benchmark and serving use. */
    public static Options scoring() {
      return new Options(1, 1, OrtSession.SessionOptions.OptLevel.ALL_OPT);
    }

    public OrtSession.SessionOptions toSessionOptions() throws OrtException {
      OrtSession.SessionOptions o = new OrtSession.SessionOptions();
      o.setIntraOpNumThreads(intraOpThreads);
      o.setInterOpNumThreads(interOpThreads);
      o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      o.setOptimizationLevel(optLevel);
      // Idle pool threads must not burn the core the caller needs (only matters with > 1 thread).
      o.addConfigEntry("session.intra_op.allow_spinning", "0");
      o.addConfigEntry("session.inter_op.allow_spinning", "0");
      return o;
    }
  }

  /** Opens a model file with {@link Options#scoring()}. */
  public static OrtSession load(Path model) throws OrtException {
    return load(model, Options.scoring());
  }

  public static OrtSession load(Path model, Options options) throws OrtException {
    try {
      return load(Files.readAllBytes(model), options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read ONNX model " + model, e);
    }
  }

  /** Opens a serialized model with {@link Options#scoring()}. */
  public static OrtSession load(byte[] model) throws OrtException {
    return load(model, Options.scoring());
  }

  public static OrtSession load(byte[] model, Options options) throws OrtException {
    try (OrtSession.SessionOptions o = options.toSessionOptions()) {
      return env().createSession(model, o);
    }
  }

  // ------------------------------------------------------------------------------------------------- contract

  /**
   * One input or output as ONNX Runtime sees it.
   *
   * @param name the tensor name
   * @param type the element type as ONNX names it ("float", "int64", ...)
   * @param shape dimensions; -1 for a symbolic (dynamic) one
   * @param dimNames symbolic dimension names ("N"), "" for fixed dimensions
   */
  public record TensorSpec(String name, String type, long[] shape, String[] dimNames) {
    /** For messages and manifests: {@code float[N,8]}. */
    public String signature() {
      StringBuilder b = new StringBuilder(type).append('[');
      for (int i = 0; i < shape.length; i++) {
        if (i > 0) {
          b.append(',');
        }
        b.append(shape[i] < 0 && !dimNames[i].isEmpty() ? dimNames[i] : Long.toString(shape[i]));
      }
      return b.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof TensorSpec t && name.equals(t.name) && type.equals(t.type)
          && Arrays.equals(shape, t.shape) && Arrays.equals(dimNames, t.dimNames);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
      return name + ": " + signature();
    }
  }

  /**
   * What a loaded model declares: inputs and outputs in graph order, and the metadata its producer wrote
   * ({@code ModelProto} producer, domain, doc string, model version, graph name and {@code metadata_props}).
   */
  public record Description(List<TensorSpec> inputs, List<TensorSpec> outputs, String producerName,
      String domain, String docString, long modelVersion, String graphName, Map<String, String> metadata) {
    public TensorSpec input(String name) {
      return inputs.stream().filter(t -> t.name().equals(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no input " + name + " in " + inputs));
    }

    public TensorSpec output(String name) {
      return outputs.stream().filter(t -> t.name().equals(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no output " + name + " in " + outputs));
    }
  }

  public static Description describe(OrtSession session) throws OrtException {
    OnnxModelMetadata m = session.getMetadata();
    return new Description(specs(session.getInputInfo()), specs(session.getOutputInfo()), m.getProducerName(),
        m.getDomain(), m.getDescription(), m.getVersion(), m.getGraphName(),
        Map.copyOf(m.getCustomMetadata()));
  }

  private static List<TensorSpec> specs(Map<String, NodeInfo> infos) {
    return infos.values().stream().map(info -> {
      if (!(info.getInfo() instanceof TensorInfo t)) {
        throw new IllegalStateException(info.getName() + " is not a tensor: " + info.getInfo());
      }
      return new TensorSpec(info.getName(), onnxTypeName(t), t.getShape(), t.getDimensionNames());
    }).toList();
  }

  private static String onnxTypeName(TensorInfo t) {
    return switch (t.onnxType) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> "float";
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> "double";
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> "int64";
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> "int32";
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> "bool";
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> "string";
      default -> t.onnxType.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "").toLowerCase(java.util.Locale.ROOT);
    };
  }

  // ---------------------------------------------------------------------------------------------------- running

  /** A float tensor over a row-major array (copied into a direct buffer by ORT). */
  public static OnnxTensor floats(float[] data, long... shape) throws OrtException {
    return OnnxTensor.createTensor(env(), FloatBuffer.wrap(data), shape);
  }

  /** An int64 tensor over a row-major array. */
  public static OnnxTensor longs(long[] data, long... shape) throws OrtException {
    return OnnxTensor.createTensor(env(), LongBuffer.wrap(data), shape);
  }

  /**
   * Runs the session and returns one float output as {@code [rows][cols]}; closes the input tensors.
   *
   * @param inputs tensors by input name; every tensor is closed afterwards, also on failure
   */
  public static float[][] runFloatMatrix(OrtSession session, Map<String, OnnxTensor> inputs, String output)
      throws OrtException {
    try (OrtSession.Result result = session.run(inputs, java.util.Set.of(output))) {
      OnnxValue v = result.get(output).orElseThrow(() -> new IllegalStateException("no output " + output));
      if (!(v instanceof OnnxTensor t) || t.getInfo().type != OnnxJavaType.FLOAT
          || t.getInfo().getShape().length != 2) {
        throw new IllegalStateException(output + " is not a float matrix: " + v.getInfo());
      }
      return (float[][]) t.getValue();
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  /** Scores a row-major {@code float[rows × cols]} matrix with a one-input, one-output {@code [N,1]} model. */
  public static float[] scoreRows(OrtSession session, float[] rowMajor, int rows, int cols) throws OrtException {
    if (rowMajor.length != rows * cols) {
      throw new IllegalArgumentException(rowMajor.length + " values for " + rows + " x " + cols);
    }
    String in = session.getInputNames().iterator().next();
    String out = session.getOutputNames().iterator().next();
    float[][] m = runFloatMatrix(session, Map.of(in, floats(rowMajor, rows, cols)), out);
    float[] scores = new float[rows];
    for (int r = 0; r < rows; r++) {
      scores[r] = m[r][0];
    }
    return scores;
  }

  /** Runs an item-tower model on a batch: {@code [n][D]}. */
  public static float[][] itemVectors(OrtSession itemTower, TwoTowerInputs.ItemBatch b) throws OrtException {
    long n = b.n();
    Map<String, OnnxTensor> in = new LinkedHashMap<>();
    try {
      in.put(TwoTowerInputs.IN_ITEM_ID, longs(b.itemId(), n));
      in.put(TwoTowerInputs.IN_TITLE_TOKENS, longs(b.titleTokens(), n, TwoTowerInputs.MAX_TOKENS));
      in.put(TwoTowerInputs.IN_TITLE_MASK, floats(b.titleMask(), n, TwoTowerInputs.MAX_TOKENS));
      in.put(TwoTowerInputs.IN_CATEGORY, longs(b.category(), n));
      in.put(TwoTowerInputs.IN_PRICE_BUCKET, longs(b.priceBucket(), n));
    } catch (OrtException | RuntimeException e) {
      in.values().forEach(OnnxTensor::close);
      throw e;
    }
    return runFloatMatrix(itemTower, in, TwoTowerInputs.OUT_ITEM_VECTOR);
  }

  /** Runs a user-tower model on a batch: {@code [n][D]}. */
  public static float[][] userVectors(OrtSession userTower, TwoTowerInputs.UserBatch b) throws OrtException {
    long n = b.n();
    Map<String, OnnxTensor> in = new LinkedHashMap<>();
    try {
      in.put(TwoTowerInputs.IN_RECENT_ITEMS, longs(b.recentItems(), n, TwoTowerInputs.MAX_RECENT));
      in.put(TwoTowerInputs.IN_RECENT_MASK, floats(b.recentMask(), n, TwoTowerInputs.MAX_RECENT));
      in.put(TwoTowerInputs.IN_REGION, longs(b.region(), n));
      in.put(TwoTowerInputs.IN_AGE_BUCKET, longs(b.ageBucket(), n));
    } catch (OrtException | RuntimeException e) {
      in.values().forEach(OnnxTensor::close);
      throw e;
    }
    return runFloatMatrix(userTower, in, TwoTowerInputs.OUT_USER_VECTOR);
  }
}
