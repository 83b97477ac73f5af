/**
 * Benchmarks of the trainer's artifacts, each a {@code main} whose last line of output is a {@code BENCH} line
 * (DESIGN §8).
 *
 * <p>{@link io.streamrec.trainer.bench.RankerBenchmark} — single-thread latency of the XGBoost ranker (300 trees,
 * depth 6, 40 features, 300 candidates) in ONNX Runtime versus xgboost4j. From the repository root:
 *
 * <pre>
 * mvn -o -q -pl model-artifacts/trainer install -DskipTests
 * mvn -o -q -pl model-artifacts/trainer dependency:build-classpath -Dmdep.includeScope=runtime \
 *     -Dmdep.outputFile=target/bench.classpath
 * java -cp model-artifacts/trainer/target/classes:$(cat model-artifacts/trainer/target/bench.classpath) \
 *     io.streamrec.trainer.bench.RankerBenchmark
 * </pre>
 *
 * or, in Maven's own JVM, {@code mvn -o -q -pl model-artifacts/trainer exec:java
 * -Dexec.mainClass=io.streamrec.trainer.bench.RankerBenchmark -Dexec.classpathScope=compile} (Debian's Maven 3.8
 * then appends an ANSI reset without a newline after the BENCH line). Options: {@code --help}, e.g.
 * {@code --iterations 5000 --rows 200}; with exec:java, {@code -Dexec.args="..."}. xgboost4j needs the Debian
 * package {@code libgomp1}. About 1.5 minutes: a few seconds to train, then 2,000 timed calls per configuration.
 * Run it on a quiet machine ({@code uptime}) and quote it with the machine and the date.
 */
package io.streamrec.trainer.bench;
