package io.streamrec.trainer.twotower;

import ai.djl.engine.Engine;
import ai.djl.util.Utils;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads DJL's PyTorch engine from the natives that ship in Maven Central jars ({@code pytorch-native-cpu} and
 * {@code pytorch-jni}), never from the network.
 *
 * <p>{@code ai.djl.offline=true} is set here unless the JVM was started with an explicit value, so a trainer run
 * outside Maven (where surefire passes the flag) cannot try to download an engine either. DJL extracts the natives
 * once into its engine cache: {@code $ENGINE_CACHE_DIR}, else {@code $DJL_CACHE_DIR}, else {@code ~/.djl.ai} (each
 * readable as an environment variable or a {@code -D} system property), under
 * {@code pytorch/2.7.1-20250812-cpu-linux-x86_64} (≈ 450 MB, mostly {@code libtorch_cpu.so}).
 *
 * <p>PyTorch runs single-threaded unless {@code -Dai.djl.pytorch.num_threads=N} says otherwise: the two-tower model is
 * small (per-op work of microseconds), and on a shared machine OpenMP's intra-op threads wait for each other at every
 * op barrier whenever another process holds a core. Measured on the 2-core build box with one competing busy
 * process: 1 thread ≈ 5,000–12,000 examples/s, 2 threads ≈ 1,000–3,400 examples/s (and ≈ 500 examples/s during a
 * concurrent Maven build); without competition the two are within noise. These properties are read once, when the
 * engine first loads, so call {@link #engine()} before anything else touches DJL.
 */
public final class DjlPyTorch {
  private static final Logger LOG = LoggerFactory.getLogger(DjlPyTorch.class);
  public static final String ENGINE = "PyTorch";
  private static volatile Engine engine;

  private DjlPyTorch() {}

  /** The PyTorch engine, initialised on first use (a few seconds the first time natives are extracted). */
  public static Engine engine() {
    Engine e = engine;
    if (e != null) {
      return e;
    }
    synchronized (DjlPyTorch.class) {
      if (engine == null) {
        if (System.getProperty("ai.djl.offline") == null) {
          System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
          System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
          System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        long t0 = System.nanoTime();
        Engine loaded = Engine.getEngine(ENGINE);
        LOG.info("DJL {} engine {} ready in {} ms (natives under {}, offline={}, intra-op threads={})", ENGINE,
            loaded.getVersion(), (System.nanoTime() - t0) / 1_000_000, cacheDir(),
            System.getProperty("ai.djl.offline"), System.getProperty("ai.djl.pytorch.num_threads"));
        engine = loaded;
      }
      return engine;
    }
  }

  /** Where DJL extracts the engine natives (see the class comment for the overrides). */
  public static Path cacheDir() {
    return Utils.getEngineCacheDir("pytorch");
  }
}
