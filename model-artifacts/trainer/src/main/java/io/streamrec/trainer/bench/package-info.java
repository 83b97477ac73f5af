/**
 * Benchmarks of the trainer's artifacts, each a {@code main} whose last line of output is a {@code BENCH} line
 * (DESIGN §8).
 *
 * <p>{@link io.streamrec.trainer.bench.RankerBenchmark} — single-thread latency of the XGBoost ranker (300 trees,
 * depth 6, 40 features, 300 candidates) in ONNX Runtime versus xgboost4j. From the repository root:
 *
 * <pre>
 * mvn -o -q -pl model-artifacts/trainer install -DskipTests
 * mvn -o -q -pl model-artifacts/trainer exec:java \
 *     -Dexec.mainClass=io.streamrec.trainer.bench.RankerBenchmark -Dexec.classpathScope=compile
 * </pre>
 *
 * Options go in {@code -Dexec.args="--iterations 5000 --rows 200"} ({@code --help} lists them). exec:java runs in
 * Maven's own JVM (so {@code -Dai.djl.offline} does not matter; DJL is not used); xgboost4j needs the Debian
 * package {@code libgomp1}. It takes about a minute: ~20 s to train, then 2,000 timed calls per configuration.
 * Run it on a quiet machine ({@code uptime}) and quote it with the machine and the date.
 */
package io.streamrec.trainer.bench;
