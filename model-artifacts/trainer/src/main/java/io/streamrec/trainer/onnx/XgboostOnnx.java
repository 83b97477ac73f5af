package io.streamrec.trainer.onnx;

import static io.streamrec.trainer.onnx.OnnxGraphBuilder.BATCH_DIM;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Converts an XGBoost model saved as JSON ({@code booster.saveModel("model.json")} or
 * {@code booster.toByteArray("json")}, XGBoost 1.x–3.x schema) into one ONNX {@code ai.onnx.ml}
 * {@code TreeEnsembleRegressor} (ai.onnx.ml opset 3, default opset 17).
 *
 * <p><b>Input / output.</b> Input {@code float[N, F]}, a missing value is {@code NaN} (what XGBoost's
 * {@code DMatrix(data, rows, cols, Float.NaN)} treats as missing). Output {@code float[N, 1]}: the <em>raw
 * margin</em>, equal to XGBoost's {@code predict(dmatrix, outputMargin = true)}. For {@code binary:logistic} that is
 * the log-odds, so a probability is {@code 1 / (1 + exp(-margin))}; the ranker only needs the order, and the
 * margin keeps it while avoiding float saturation near 0 and 1.
 *
 * <p><b>Splits.</b> XGBoost sends a row left when {@code x < split_condition} (strict), and a missing value to the
 * left child when {@code default_left} is set. That maps one to one onto ONNX {@code BRANCH_LT} with the left child
 * as the true branch and {@code nodes_missing_value_tracks_true = default_left}. Thresholds are XGBoost's float32
 * values, written unchanged as ONNX floats, so the comparisons are bit-identical. (ONNX converters that emit
 * {@code BRANCH_LEQ} with the threshold nudged down are only right when no value lies exactly on a split.)
 *
 * <p><b>Leaf values</b> come from {@code split_conditions} at leaf nodes (XGBoost stores the leaf value there; the
 * learning rate is already applied). {@code base_weights} is not used: it can differ from the leaf value after
 * pruning or {@code refresh}. For {@code dart} boosters each tree is scaled by its {@code weight_drop}, as XGBoost
 * does at inference.
 *
 * <p><b>base_score.</b> {@code learner.learner_model_param.base_score} is stored in the objective's
 * <em>output</em> space (a probability for logistic objectives) and XGBoost converts it into the margin with the
 * objective's {@code ProbToMargin} before adding the trees. The converter does the same and writes the result as
 * the ensemble's {@code base_values}:
 *
 * <ul>
 *   <li>{@code binary:logistic}, {@code binary:logitraw}, {@code reg:logistic}: {@code logit(p) = ln(p / (1-p))}
 *       (so the default 0.5 becomes 0);
 *   <li>{@code count:poisson}, {@code reg:gamma}, {@code reg:tweedie}: {@code ln(base_score)};
 *   <li>{@code reg:squarederror}, {@code reg:pseudohubererror}, {@code reg:absoluteerror}, {@code binary:hinge},
 *       {@code rank:pairwise}, {@code rank:ndcg}, {@code rank:map}: as stored.
 * </ul>
 *
 * The objective name is read from {@code learner.objective.name}; any other objective (multi-class, multi-target,
 * survival, custom) is rejected rather than converted with a possibly wrong intercept. XGBoost 3 writes
 * base_score as a string, as a scalar ({@code "5.42E-1"}) or, from 3.1, as a vector ({@code "[5.42E-1]"}); both
 * forms are read, a vector must hold exactly one value. Categorical splits, vector leaves and
 * {@code gblinear} are rejected with a message saying so.
 */
public final class XgboostOnnx {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Set<String> LOGIT_OBJECTIVES = Set.of("binary:logistic", "binary:logitraw", "reg:logistic");
  private static final Set<String> LOG_OBJECTIVES = Set.of("count:poisson", "reg:gamma", "reg:tweedie");
  private static final Set<String> IDENTITY_OBJECTIVES = Set.of("reg:squarederror", "reg:pseudohubererror",
      "reg:absoluteerror", "binary:hinge", "rank:pairwise", "rank:ndcg", "rank:map");

  private XgboostOnnx() {}

  /** How {@code base_score} becomes the margin intercept. */
  public enum BaseScoreLink {
    /** {@code ln(p / (1 - p))}. */
    LOGIT,
    /** {@code ln(x)}. */
    LOG,
    /** unchanged. */
    IDENTITY
  }

  /** One decision tree in XGBoost's array layout (node i's children are indices into the same arrays). */
  public record Tree(int[] left, int[] right, int[] feature, float[] condition, boolean[] defaultLeft,
      float weight) {
    public int numNodes() {
      return left.length;
    }

    boolean isLeaf(int node) {
      return left[node] == -1;
    }
  }

  /** An XGBoost model as read from JSON, already validated. */
  public record XgboostModel(String objective, String booster, String baseScoreRaw, double baseScore,
      BaseScoreLink link, float baseMargin, int numFeature, int maxFeatureIndex, List<Tree> trees,
      List<Integer> version) {}

  /**
   * Converts with default metadata: producer "streamrec-trainer", metadata {@code xgboost_objective},
   * {@code xgboost_version}, {@code xgboost_base_score}, {@code xgboost_base_margin}, {@code num_trees}.
   *
   * @param xgboostModelJson the JSON model
   * @param numFeatures F, the width of the input; must equal the model's {@code num_feature} when it states one
   * @param inputName the ONNX input name (float[N, F])
   * @param outputName the ONNX output name (float[N, 1], raw margin)
   * @return a serialized ONNX {@code ModelProto}
   * @throws IllegalArgumentException if the JSON is not a supported XGBoost model; the message says what and where
   */
  public static byte[] convert(String xgboostModelJson, int numFeatures, String inputName, String outputName) {
    return convert(xgboostModelJson, numFeatures, inputName, outputName, OnnxModelInfo.of("unversioned"));
  }

  /** As {@link #convert(String, int, String, String)}, stamped with {@code info}. */
  public static byte[] convert(String xgboostModelJson, int numFeatures, String inputName, String outputName,
      OnnxModelInfo info) {
    return convert(parse(xgboostModelJson), numFeatures, inputName, outputName, info);
  }

  /** Writes an already parsed model. */
  public static byte[] convert(XgboostModel model, int numFeatures, String inputName, String outputName,
      OnnxModelInfo info) {
    if (numFeatures < 1) {
      throw new IllegalArgumentException("numFeatures must be at least 1, is " + numFeatures);
    }
    if (model.numFeature() > 0 && model.numFeature() != numFeatures) {
      throw new IllegalArgumentException("the XGBoost model was trained on num_feature=" + model.numFeature()
          + " columns but numFeatures=" + numFeatures + " was requested: the ranker's feature list and the "
          + "training matrix disagree");
    }
    if (model.maxFeatureIndex() >= numFeatures) {
      throw new IllegalArgumentException("the XGBoost model splits on feature index " + model.maxFeatureIndex()
          + " but the input has only " + numFeatures + " columns");
    }
    if (inputName.equals(outputName)) {
      throw new IllegalArgumentException("input and output names must differ: " + inputName);
    }

    List<Long> treeIds = new ArrayList<>();
    List<Long> nodeIds = new ArrayList<>();
    List<Long> featureIds = new ArrayList<>();
    List<Float> values = new ArrayList<>();
    List<String> modes = new ArrayList<>();
    List<Long> trueIds = new ArrayList<>();
    List<Long> falseIds = new ArrayList<>();
    List<Long> missingTrue = new ArrayList<>();
    List<Long> targetTree = new ArrayList<>();
    List<Long> targetNode = new ArrayList<>();
    List<Float> targetWeight = new ArrayList<>();

    for (int t = 0; t < model.trees().size(); t++) {
      Tree tree = model.trees().get(t);
      // ONNX wants node ids 0, 1, 2, ... per tree; XGBoost's are, but nodes deleted by pruning may linger in the
      // arrays, so renumber the nodes reachable from the root in pre-order.
      int[] newId = renumber(tree, t);
      int n = 0;
      for (int old = 0; old < tree.numNodes(); old++) {
        if (newId[old] >= 0) {
          n++;
        }
      }
      int[] oldOf = new int[n];
      for (int old = 0; old < tree.numNodes(); old++) {
        if (newId[old] >= 0) {
          oldOf[newId[old]] = old;
        }
      }
      for (int id = 0; id < n; id++) {
        int old = oldOf[id];
        treeIds.add((long) t);
        nodeIds.add((long) id);
        if (tree.isLeaf(old)) {
          featureIds.add(0L);
          values.add(0f);
          modes.add("LEAF");
          trueIds.add(0L);
          falseIds.add(0L);
          missingTrue.add(0L);
          targetTree.add((long) t);
          targetNode.add((long) id);
          targetWeight.add(tree.condition()[old] * tree.weight());
        } else {
          featureIds.add((long) tree.feature()[old]);
          values.add(tree.condition()[old]);
          modes.add("BRANCH_LT");
          trueIds.add((long) newId[tree.left()[old]]);
          falseIds.add((long) newId[tree.right()[old]]);
          missingTrue.add(tree.defaultLeft()[old] ? 1L : 0L);
        }
      }
    }

    OnnxGraphBuilder g = new OnnxGraphBuilder("xgboost_ranker");
    String x = g.input(inputName, DataType.FLOAT, BATCH_DIM, (long) numFeatures);
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("n_targets", 1L);
    attrs.put("aggregate_function", "SUM");
    attrs.put("post_transform", "NONE");
    attrs.put("base_values", new float[] {model.baseMargin()});
    attrs.put("nodes_treeids", longs(treeIds));
    attrs.put("nodes_nodeids", longs(nodeIds));
    attrs.put("nodes_featureids", longs(featureIds));
    attrs.put("nodes_values", floats(values));
    attrs.put("nodes_modes", modes.toArray(String[]::new));
    attrs.put("nodes_truenodeids", longs(trueIds));
    attrs.put("nodes_falsenodeids", longs(falseIds));
    attrs.put("nodes_missing_value_tracks_true", longs(missingTrue));
    attrs.put("target_treeids", longs(targetTree));
    attrs.put("target_nodeids", longs(targetNode));
    attrs.put("target_ids", new long[targetTree.size()]);
    attrs.put("target_weights", floats(targetWeight));
    g.node(OnnxGraphBuilder.ML_DOMAIN, "TreeEnsembleRegressor", List.of(x), outputName, attrs);
    g.output(outputName, DataType.FLOAT, BATCH_DIM, 1L);

    OnnxModelInfo stamped = info
        .withMetadata("xgboost_objective", model.objective())
        .withMetadata("xgboost_booster", model.booster())
        .withMetadata("xgboost_version", model.version().toString())
        .withMetadata("xgboost_base_score", model.baseScoreRaw())
        .withMetadata("xgboost_base_margin", Float.toString(model.baseMargin()))
        .withMetadata("num_trees", Integer.toString(model.trees().size()))
        .withDefaultDocString(String.format(Locale.ROOT,
            "XGBoost %s (%s, %d trees) as a TreeEnsembleRegressor: %s float[N,%d] (NaN = missing) -> %s "
                + "float[N,1], the raw margin (predict with outputMargin=true)%s.",
            model.objective(), model.booster(), model.trees().size(), inputName, numFeatures, outputName,
            model.link() == BaseScoreLink.LOGIT ? "; probability = sigmoid(margin)" : ""));
    return g.model(stamped).toByteArray();
  }

  /** Pre-order ids of the nodes reachable from the root; -1 for unreachable ones. Detects cycles. */
  private static int[] renumber(Tree tree, int t) {
    int[] newId = new int[tree.numNodes()];
    java.util.Arrays.fill(newId, -1);
    Deque<Integer> stack = new ArrayDeque<>();
    stack.push(0);
    int next = 0;
    while (!stack.isEmpty()) {
      int node = stack.pop();
      if (newId[node] >= 0) {
        throw new IllegalArgumentException("tree " + t + ": node " + node + " is reached twice (not a tree)");
      }
      newId[node] = next++;
      if (!tree.isLeaf(node)) {
        stack.push(tree.right()[node]);
        stack.push(tree.left()[node]);
      }
    }
    return newId;
  }

  private static long[] longs(List<Long> l) {
    return l.stream().mapToLong(Long::longValue).toArray();
  }

  private static float[] floats(List<Float> l) {
    float[] f = new float[l.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = l.get(i);
    }
    return f;
  }

  // ---------------------------------------------------------------------------------------------------- parsing

  /**
   * Reads and validates an XGBoost JSON model.
   *
   * @throws IllegalArgumentException naming the JSON path of the first problem found
   */
  public static XgboostModel parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not an XGBoost JSON model: invalid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not an XGBoost JSON model: the document is not a JSON object");
    }
    JsonNode learner = object(root, "learner", "learner");
    String objective = text(object(learner, "objective", "learner.objective"), "name", "learner.objective.name");
    BaseScoreLink link = linkOf(objective);

    JsonNode param = object(learner, "learner_model_param", "learner.learner_model_param");
    int numClass = intOr(param, "num_class", 0, "learner.learner_model_param.num_class");
    int numTarget = intOr(param, "num_target", 1, "learner.learner_model_param.num_target");
    if (numClass > 1 || numTarget > 1) {
      throw new IllegalArgumentException("unsupported XGBoost model: num_class=" + numClass + ", num_target="
          + numTarget + "; only single-output models (one margin per row) are converted");
    }
    int numFeature = intOr(param, "num_feature", 0, "learner.learner_model_param.num_feature");
    String baseScoreRaw = baseScoreText(param);
    double baseScore = parseBaseScore(baseScoreRaw);
    float baseMargin = toMargin(baseScore, link, objective);

    JsonNode booster = object(learner, "gradient_booster", "learner.gradient_booster");
    String boosterName = booster.path("name").asText("gbtree");
    JsonNode model;
    JsonNode weightDrop = null;
    String modelPath;
    switch (boosterName) {
      case "gbtree" -> {
        model = object(booster, "model", "learner.gradient_booster.model");
        modelPath = "learner.gradient_booster.model";
      }
      case "dart" -> {
        JsonNode gbtree = object(booster, "gbtree", "learner.gradient_booster.gbtree");
        model = object(gbtree, "model", "learner.gradient_booster.gbtree.model");
        modelPath = "learner.gradient_booster.gbtree.model";
        weightDrop = array(booster, "weight_drop", "learner.gradient_booster.weight_drop");
      }
      default -> throw new IllegalArgumentException("unsupported XGBoost booster '" + boosterName
          + "' at learner.gradient_booster.name: only tree boosters (gbtree, dart) become a tree ensemble");
    }
    JsonNode trees = array(model, "trees", modelPath + ".trees");
    if (trees.isEmpty()) {
      throw new IllegalArgumentException(modelPath + ".trees is empty: the model has no trees");
    }
    if (weightDrop != null && weightDrop.size() != trees.size()) {
      throw new IllegalArgumentException("learner.gradient_booster.weight_drop has " + weightDrop.size()
          + " entries for " + trees.size() + " trees");
    }
    JsonNode treeInfo = model.get("tree_info");
    if (treeInfo != null && treeInfo.isArray()) {
      for (JsonNode c : treeInfo) {
        if (c.asInt() != 0) {
          throw new IllegalArgumentException(modelPath + ".tree_info assigns a tree to output group " + c.asInt()
              + ": only single-output models are converted");
        }
      }
    }

    List<Tree> parsed = new ArrayList<>(trees.size());
    int maxFeature = -1;
    for (int t = 0; t < trees.size(); t++) {
      float weight = weightDrop == null ? 1f : (float) weightDrop.get(t).asDouble();
      Tree tree = parseTree(trees.get(t), modelPath + ".trees[" + t + "]", weight);
      for (int i = 0; i < tree.numNodes(); i++) {
        if (!tree.isLeaf(i)) {
          maxFeature = Math.max(maxFeature, tree.feature()[i]);
        }
      }
      parsed.add(tree);
    }
    List<Integer> version = new ArrayList<>();
    root.path("version").forEach(v -> version.add(v.asInt()));
    return new XgboostModel(objective, boosterName, baseScoreRaw, baseScore, link, baseMargin, numFeature,
        maxFeature, List.copyOf(parsed), List.copyOf(version));
  }

  private static BaseScoreLink linkOf(String objective) {
    if (LOGIT_OBJECTIVES.contains(objective)) {
      return BaseScoreLink.LOGIT;
    }
    if (LOG_OBJECTIVES.contains(objective)) {
      return BaseScoreLink.LOG;
    }
    if (IDENTITY_OBJECTIVES.contains(objective)) {
      return BaseScoreLink.IDENTITY;
    }
    throw new IllegalArgumentException("unsupported XGBoost objective '" + objective
        + "' at learner.objective.name; supported: logit base_score " + new java.util.TreeSet<>(LOGIT_OBJECTIVES)
        + ", log base_score " + new java.util.TreeSet<>(LOG_OBJECTIVES) + ", as-is base_score "
        + new java.util.TreeSet<>(IDENTITY_OBJECTIVES));
  }

  private static String baseScoreText(JsonNode param) {
    JsonNode b = param.get("base_score");
    if (b == null || b.isNull()) {
      throw new IllegalArgumentException("learner.learner_model_param.base_score is missing");
    }
    return b.isTextual() ? b.asText() : b.toString();
  }

  /** "5E-1", "[5E-1]" (XGBoost ≥ 3.1 writes a vector), or a JSON number. */
  static double parseBaseScore(String raw) {
    String s = raw.trim();
    if (s.startsWith("[") && s.endsWith("]")) {
      String inner = s.substring(1, s.length() - 1).trim();
      if (inner.isEmpty() || inner.contains(",")) {
        throw new IllegalArgumentException("learner.learner_model_param.base_score '" + raw
            + "' must hold exactly one value (multi-target intercepts are not supported)");
      }
      s = inner;
    }
    try {
      double v = Double.parseDouble(s);
      if (!Double.isFinite(v)) {
        throw new NumberFormatException("not finite");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "learner.learner_model_param.base_score '" + raw + "' is not a finite number", e);
    }
  }

  private static float toMargin(double baseScore, BaseScoreLink link, String objective) {
    switch (link) {
      case LOGIT -> {
        if (!(baseScore > 0 && baseScore < 1)) {
          throw new IllegalArgumentException("base_score " + baseScore + " of objective " + objective
              + " is a probability and must lie strictly between 0 and 1");
        }
        return (float) Math.log(baseScore / (1 - baseScore));
      }
      case LOG -> {
        if (!(baseScore > 0)) {
          throw new IllegalArgumentException(
              "base_score " + baseScore + " of objective " + objective + " must be positive (its log is taken)");
        }
        return (float) Math.log(baseScore);
      }
      default -> {
        return (float) baseScore;
      }
    }
  }

  private static Tree parseTree(JsonNode tree, String path, float weight) {
    if (!tree.isObject()) {
      throw new IllegalArgumentException(path + " is not an object");
    }
    JsonNode tp = tree.get("tree_param");
    if (tp != null) {
      int leafVector = intOr(tp, "size_leaf_vector", 1, path + ".tree_param.size_leaf_vector");
      if (leafVector > 1) {
        throw new IllegalArgumentException(path + " has vector leaves (size_leaf_vector=" + leafVector
            + "): multi-target trees are not supported");
      }
    }
    int[] left = ints(tree, "left_children", path);
    int n = left.length;
    if (n == 0) {
      throw new IllegalArgumentException(path + ".left_children is empty: a tree has at least a root");
    }
    if (tp != null && tp.has("num_nodes")) {
      int declared = intOr(tp, "num_nodes", n, path + ".tree_param.num_nodes");
      if (declared != n) {
        throw new IllegalArgumentException(
            path + ".tree_param.num_nodes is " + declared + " but left_children has " + n + " entries");
      }
    }
    int[] right = ints(tree, "right_children", path);
    int[] feature = ints(tree, "split_indices", path);
    float[] condition = floats(tree, "split_conditions", path);
    boolean[] defaultLeft = booleans(tree, "default_left", path);
    sameLength(path, n, "right_children", right.length);
    sameLength(path, n, "split_indices", feature.length);
    sameLength(path, n, "split_conditions", condition.length);
    sameLength(path, n, "default_left", defaultLeft.length);
    JsonNode splitType = tree.get("split_type");
    if (splitType != null && splitType.isArray()) {
      sameLength(path, n, "split_type", splitType.size());
      for (int i = 0; i < n; i++) {
        if (splitType.get(i).asInt() != 0 && left[i] != -1) {
          throw new IllegalArgumentException(path + " node " + i
              + " is a categorical split (split_type=1): categorical features are not supported; one-hot or "
              + "ordinal-encode them before training");
        }
      }
    }
    for (int i = 0; i < n; i++) {
      boolean leafL = left[i] == -1;
      boolean leafR = right[i] == -1;
      if (leafL != leafR) {
        throw new IllegalArgumentException(path + " node " + i + " has only one child (left_children="
            + left[i] + ", right_children=" + right[i] + ")");
      }
      if (!Float.isFinite(condition[i])) {
        throw new IllegalArgumentException(path + ".split_conditions[" + i + "] is not finite: " + condition[i]);
      }
      if (!leafL) {
        checkChild(path, i, "left_children", left[i], n);
        checkChild(path, i, "right_children", right[i], n);
        if (feature[i] < 0) {
          throw new IllegalArgumentException(path + ".split_indices[" + i + "] is negative: " + feature[i]);
        }
      }
    }
    return new Tree(left, right, feature, condition, defaultLeft, weight);
  }

  private static void checkChild(String path, int node, String field, int child, int n) {
    if (child <= 0 || child >= n) {
      throw new IllegalArgumentException(
          path + "." + field + "[" + node + "] = " + child + " is not a node of this tree (1.." + (n - 1) + ")");
    }
  }

  private static void sameLength(String path, int n, String field, int length) {
    if (length != n) {
      throw new IllegalArgumentException(
          path + "." + field + " has " + length + " entries, left_children has " + n);
    }
  }

  private static JsonNode object(JsonNode parent, String field, String path) {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      throw new IllegalArgumentException("not an XGBoost JSON model: missing " + path);
    }
    if (!n.isObject()) {
      throw new IllegalArgumentException("not an XGBoost JSON model: " + path + " is not an object");
    }
    return n;
  }

  private static JsonNode array(JsonNode parent, String field, String path) {
    JsonNode n = parent.get(field);
    if (n == null || !n.isArray()) {
      throw new IllegalArgumentException(
          "not an XGBoost JSON model: " + path + (n == null ? " is missing" : " is not an array"));
    }
    return n;
  }

  private static String text(JsonNode parent, String field, String path) {
    JsonNode n = parent.get(field);
    if (n == null || !n.isTextual() || n.asText().isEmpty()) {
      throw new IllegalArgumentException("not an XGBoost JSON model: missing or empty " + path);
    }
    return n.asText();
  }

  /** XGBoost writes numeric parameters as strings ("0"); accept numbers too. */
  private static int intOr(JsonNode parent, String field, int dflt, String path) {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      return dflt;
    }
    try {
      return n.isNumber() ? n.intValue() : Integer.parseInt(n.asText().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(path + " is not an integer: " + n, e);
    }
  }

  private static int[] ints(JsonNode tree, String field, String path) {
    JsonNode a = array(tree, field, path + "." + field);
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = a.get(i);
      if (!v.isIntegralNumber()) {
        throw new IllegalArgumentException(path + "." + field + "[" + i + "] is not an integer: " + v);
      }
      out[i] = v.intValue();
    }
    return out;
  }

  private static float[] floats(JsonNode tree, String field, String path) {
    JsonNode a = array(tree, field, path + "." + field);
    float[] out = new float[a.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = a.get(i);
      if (!v.isNumber()) {
        throw new IllegalArgumentException(path + "." + field + "[" + i + "] is not a number: " + v);
      }
      // XGBoost prints float32 values with the shortest round-trip digits, so this cast restores them exactly.
      out[i] = (float) v.doubleValue();
    }
    return out;
  }

  /** {@code default_left} is an int array (0/1) in JSON, booleans in some writers; accept both. */
  private static boolean[] booleans(JsonNode tree, String field, String path) {
    JsonNode a = array(tree, field, path + "." + field);
    boolean[] out = new boolean[a.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = a.get(i);
      if (v.isBoolean()) {
        out[i] = v.booleanValue();
      } else if (v.isIntegralNumber()) {
        out[i] = v.intValue() != 0;
      } else {
        throw new IllegalArgumentException(path + "." + field + "[" + i + "] is not 0/1 or a boolean: " + v);
      }
    }
    return out;
  }
}
