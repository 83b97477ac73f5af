package io.streamrec.launcher.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/streamrec-bench}: the benchmarks listed in docs/benchmarks.md, one subcommand each. */
@Command(
    name = "streamrec-bench",
    mixinStandardHelpOptions = true,
    subcommands = {FeatureBenchmark.class, AnnBenchmark.class, IndexIngestBenchmark.class, ServingBenchmark.class,
        PipelineBenchmark.class},
    description = {
      "Benchmarks of the streamrec jobs on this machine (see docs/benchmarks.md).",
      "Each prints a readable report; its last line is 'BENCH <name> <key>=<value> ...'."
    })
public final class BenchMain implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a benchmark, e.g. 'features'");
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }
}
