package io.streamrec.jobs.feature.jmh;

import io.streamrec.core.codec.Bytes;
import io.streamrec.core.contract.Contracts;
import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.Item;
import io.streamrec.core.contract.Json;
import io.streamrec.core.contract.Parsed;
import io.streamrec.core.features.EnrichedInteraction;
import io.streamrec.core.features.FeatureReplay;
import io.streamrec.core.features.ItemFeatureState;
import io.streamrec.core.features.StoreForms;
import io.streamrec.core.features.UserFeatureState;
import io.streamrec.core.synthetic.SyntheticEvents;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The feature job's per-interaction work without Flink around it, step by step: parse the contract JSON, update the
 * item's and the user's state, encode the user's and the item's store records (what the store sinks do on a
 * flush). The states are warm (the synthetic history of {@value #USERS} users and {@value #ITEMS} items is applied
 * first), so the updates touch realistically filled records. The job's goal is 10 µs per interaction for all of
 * it, Flink included (issue 13).
 *
 * <p>Run: {@code mvn -o -q -pl jobs/feature-job test-compile exec:exec -Dexec.classpathScope=test
 * -Dexec.executable=java "-Dexec.args=-cp %classpath io.streamrec.jobs.feature.jmh.FeatureHotPathBenchmark -prof gc"}
 * (exec:exec, not exec:java: JMH forks a JVM that needs the test class path on its command line)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class FeatureHotPathBenchmark {
  static final int USERS = 20_000;
  static final int ITEMS = 10_000;
  private static final int EVENTS = 200_000;

  private byte[][] json;
  private Interaction[] parsed;
  private final Map<String, UserFeatureState> users = new HashMap<>();
  private final Map<String, ItemFeatureState> items = new HashMap<>();
  private final Bytes.Writer buffer = new Bytes.Writer(1024);
  private String[] eventIds;
  private long span;
  private int pass;
  private int next;
  private int nextJson;

  @Setup(Level.Trial)
  public void setUp() {
    long end = 1_760_000_000_000L;
    SyntheticEvents history = new SyntheticEvents(new SyntheticEvents.Spec(7, USERS, ITEMS, EVENTS,
        end - 3_600_000L, 3_600_000L, 5_000, 0.0, 50, List.of("UK", "FR", "DE", "US"), ""));
    for (Item item : history.items()) {
      items.computeIfAbsent(item.itemId, ItemFeatureState::empty).applyCatalog(item);
    }
    List<byte[]> bytes = new ArrayList<>();
    List<Interaction> events = new ArrayList<>();
    Iterator<Interaction> it = history.interactions();
    while (it.hasNext()) {
      Interaction i = it.next();
      bytes.add(Json.write(i));
      events.add(i);
    }
    // Warm states from the whole history; the benchmark replays its second half over and over, each pass with new
    // event ids and later times (see nextParsed), so that the updates are new events, not duplicates.
    for (Interaction i : events) {
      apply(i);
    }
    int half = events.size() / 2;
    json = bytes.subList(half, bytes.size()).toArray(new byte[0][]);
    parsed = events.subList(half, events.size()).toArray(new Interaction[0]);
    eventIds = new String[parsed.length];
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (int k = 0; k < parsed.length; k++) {
      eventIds[k] = parsed[k].eventId;
      first = Math.min(first, parsed[k].ts);
      last = Math.max(last, parsed[k].ts);
    }
    span = last - first + 1;
  }

  private Interaction nextParsed() {
    Interaction i = parsed[next];
    next = next + 1 == parsed.length ? 0 : next + 1;
    if (next == 0) {
      pass++;
      for (int k = 0; k < parsed.length; k++) {
        parsed[k].eventId = eventIds[k] + "/" + pass;
        parsed[k].ts += span;
      }
    }
    return i;
  }

  private EnrichedInteraction apply(Interaction i) {
    ItemFeatureState item = items.computeIfAbsent(i.itemId, ItemFeatureState::empty);
    EnrichedInteraction e = FeatureReplay.enrich(item, i);
    item.apply(i);
    users.computeIfAbsent(i.userId, UserFeatureState::empty).apply(e);
    return e;
  }

  /** Contract JSON to an {@link Interaction}. */
  @Benchmark
  public Object parse() {
    byte[] b = json[nextJson];
    nextJson = nextJson + 1 == json.length ? 0 : nextJson + 1;
    return ((Parsed.Valid<Interaction>) Contracts.INTERACTIONS.parse(b)).value();
  }

  /** The item's and the user's state updates. */
  @Benchmark
  public Object updateStates() {
    return apply(nextParsed());
  }

  /** Encoding the user's and the item's store records, as the sinks do for each flush. */
  @Benchmark
  public void encodeRecords(Blackhole bh) throws Exception {
    Interaction i = nextParsed();
    StoreForms.USERS.write(users.get(i.userId), buffer.reset());
    bh.consume(buffer.toByteArray());
    ItemFeatureState item = items.get(i.itemId);
    if (item != null) {
      StoreForms.ITEMS.write(item, buffer.reset());
      bh.consume(buffer.toByteArray());
    }
  }

  /** All three, as one interaction costs them. */
  @Benchmark
  public void perInteraction(Blackhole bh) throws Exception {
    bh.consume(parse());
    Interaction i = nextParsed();
    bh.consume(apply(i));
    StoreForms.USERS.write(users.get(i.userId), buffer.reset());
    bh.consume(buffer.toByteArray());
    StoreForms.ITEMS.write(items.get(i.itemId), buffer.reset());
    bh.consume(buffer.toByteArray());
  }

  /**
   * JMH's own command-line options apply, e.g. {@code -prof gc} for the bytes allocated per operation, or a
   * pattern such as {@code .*encodeRecords} for one benchmark (all four without one).
   */
  public static void main(String[] args) throws Exception {
    CommandLineOptions cli = new CommandLineOptions(args);
    ChainedOptionsBuilder options = new OptionsBuilder().parent(cli);
    if (cli.getIncludes().isEmpty()) {
      options.include(FeatureHotPathBenchmark.class.getName());
    }
    new Runner(options.build()).run();
  }
}
