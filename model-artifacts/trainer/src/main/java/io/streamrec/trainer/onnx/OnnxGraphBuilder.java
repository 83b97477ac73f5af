package io.streamrec.trainer.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small, explicit builder over the raw ONNX protobuf classes ({@code ai.onnx.proto.OnnxMl}, shipped in
 * {@code tribuo-util-onnx}). It writes exactly what it is told: graph inputs and outputs with a symbolic batch
 * dimension, float/int64 initializers stored as little-endian {@code raw_data}, nodes with typed attributes, and
 * the model envelope (IR version, opset imports, producer and metadata).
 *
 * <p>Every value name is checked for uniqueness so that a typo does not silently alias two tensors.
 */
public final class OnnxGraphBuilder {
  /** IR version 8 is the one that goes with opset 17 (ONNX 1.12); ONNX Runtime 1.28 reads it. */
  public static final long IR_VERSION = 8;
  /** The default-domain opset every graph of this package imports. */
  public static final long OPSET = 17;
  /** The {@code ai.onnx.ml} opset that goes with opset 17 (TreeEnsembleRegressor version 3). */
  public static final long ML_OPSET = 3;
  public static final String ML_DOMAIN = "ai.onnx.ml";
  /** The symbolic batch dimension of every input and output. */
  public static final String BATCH_DIM = "N";

  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final Set<String> names = new HashSet<>();
  private boolean usesMlDomain;
  private int nodeCounter;

  public OnnxGraphBuilder(String graphName) {
    graph.setName(graphName);
  }

  /**
   * A graph input or output dimension: a {@code Long} for a fixed size, a {@code String} for a symbolic one.
   */
  private static TensorShapeProto.Dimension dim(Object d) {
    TensorShapeProto.Dimension.Builder b = TensorShapeProto.Dimension.newBuilder();
    if (d instanceof String s) {
      b.setDimParam(s);
    } else if (d instanceof Number n) {
      b.setDimValue(n.longValue());
    } else {
      throw new IllegalArgumentException("dimension must be a String (symbolic) or a number: " + d);
    }
    return b.build();
  }

  private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      shape.addDim(dim(d));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
        .build();
  }

  private String claim(String name) {
    if (!names.add(name)) {
      throw new IllegalStateException("ONNX value name used twice: " + name);
    }
    return name;
  }

  /** Declares a graph input; dims are {@code Long}/{@code Integer} (fixed) or {@code String} (symbolic). */
  public String input(String name, TensorProto.DataType type, Object... dims) {
    graph.addInput(valueInfo(claim(name), type, dims));
    return name;
  }

  /** Declares a graph output; the value must be produced by a node added with the same name. */
  public void output(String name, TensorProto.DataType type, Object... dims) {
    graph.addOutput(valueInfo(name, type, dims));
  }

  /** A float32 initializer of the given shape, row-major. */
  public String floatInitializer(String name, float[] values, long... shape) {
    checkSize(name, values.length, shape);
    ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    graph.addInitializer(tensor(claim(name), TensorProto.DataType.FLOAT, shape, buf));
    return name;
  }

  /** A float32 matrix initializer {@code [rows][cols]}; every row must have the same length. */
  public String floatInitializer(String name, float[][] matrix) {
    if (matrix.length == 0) {
      throw new IllegalArgumentException(name + ": empty matrix");
    }
    int cols = matrix[0].length;
    float[] flat = new float[matrix.length * cols];
    for (int r = 0; r < matrix.length; r++) {
      if (matrix[r].length != cols) {
        throw new IllegalArgumentException(
            name + ": row " + r + " has " + matrix[r].length + " columns, row 0 has " + cols);
      }
      System.arraycopy(matrix[r], 0, flat, r * cols, cols);
    }
    return floatInitializer(name, flat, matrix.length, cols);
  }

  /** An int64 initializer (axes, shapes) of the given shape. */
  public String longInitializer(String name, long[] values, long... shape) {
    checkSize(name, values.length, shape);
    ByteBuffer buf = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asLongBuffer().put(values);
    graph.addInitializer(tensor(claim(name), TensorProto.DataType.INT64, shape, buf));
    return name;
  }

  private static void checkSize(String name, int length, long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != length) {
      throw new IllegalArgumentException(name + ": " + length + " values do not fill shape " + List.of(shape));
    }
  }

  private static TensorProto tensor(String name, TensorProto.DataType type, long[] shape, ByteBuffer data) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
    for (long d : shape) {
      t.addDims(d);
    }
    data.rewind();
    return t.setRawData(ByteString.copyFrom(data)).build();
  }

  /** Adds a default-domain node with one output and returns the output's name. */
  public String node(String opType, List<String> inputs, String output, Map<String, Object> attributes) {
    return node("", opType, inputs, output, attributes);
  }

  /** Adds a node with one output to the given domain ("" = default, {@link #ML_DOMAIN}) and returns the output. */
  public String node(String domain, String opType, List<String> inputs, String output,
      Map<String, Object> attributes) {
    NodeProto.Builder n = NodeProto.newBuilder()
        .setOpType(opType)
        .setName(opType + "_" + (nodeCounter++))
        .addAllInput(inputs)
        .addOutput(claim(output));
    if (!domain.isEmpty()) {
      n.setDomain(domain);
      usesMlDomain |= ML_DOMAIN.equals(domain);
    }
    attributes.forEach((k, v) -> n.addAttribute(attribute(k, v)));
    graph.addNode(n);
    return output;
  }

  /**
   * An attribute from a Java value: {@code Long/Integer} → INT, {@code Float/Double} → FLOAT, {@code String} →
   * STRING, {@code long[]} → INTS, {@code float[]} → FLOATS, {@code String[]} → STRINGS.
   */
  static AttributeProto attribute(String name, Object value) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
    if (value instanceof Integer || value instanceof Long) {
      a.setType(AttributeProto.AttributeType.INT).setI(((Number) value).longValue());
    } else if (value instanceof Float || value instanceof Double) {
      a.setType(AttributeProto.AttributeType.FLOAT).setF(((Number) value).floatValue());
    } else if (value instanceof String s) {
      a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
    } else if (value instanceof long[] ls) {
      a.setType(AttributeProto.AttributeType.INTS);
      for (long l : ls) {
        a.addInts(l);
      }
    } else if (value instanceof float[] fs) {
      a.setType(AttributeProto.AttributeType.FLOATS);
      for (float f : fs) {
        a.addFloats(f);
      }
    } else if (value instanceof String[] ss) {
      a.setType(AttributeProto.AttributeType.STRINGS);
      for (String s : ss) {
        a.addStrings(ByteString.copyFromUtf8(s));
      }
    } else {
      throw new IllegalArgumentException("unsupported attribute type for " + name + ": " + value.getClass());
    }
    return a.build();
  }

  /** Wraps the graph in a model: IR version 8, opset 17 (+ ai.onnx.ml 3 if used), producer and metadata. */
  public ModelProto model(OnnxModelInfo info) {
    if (info.graphDocString() != null) {
      graph.setDocString(info.graphDocString());
    }
    ModelProto.Builder m = ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setProducerName(info.producerName())
        .setProducerVersion(info.producerVersion())
        .setDomain(info.domain())
        .setModelVersion(info.modelVersion())
        .setGraph(graph);
    if (usesMlDomain) {
      m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(ML_DOMAIN).setVersion(ML_OPSET));
    }
    if (info.docString() != null) {
      m.setDocString(info.docString());
    }
    info.metadata().forEach((k, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return m.build();
  }
}
