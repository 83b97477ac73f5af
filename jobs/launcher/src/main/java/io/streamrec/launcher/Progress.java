package io.streamrec.launcher;

import java.io.PrintStream;

/** Console progress for long steps: "Starting Kafka ... done (1.9 s)". */
public final class Progress {
  private final PrintStream out;
  private long stepStart;

  public Progress(PrintStream out) {
    this.out = out;
  }

  public static Progress silent() {
    return new Progress(new PrintStream(java.io.OutputStream.nullOutputStream()));
  }

  public void step(String what) {
    stepStart = System.nanoTime();
    out.print("• " + what + " … ");
    out.flush();
  }

  public void done(String result) {
    out.printf("%s (%.1f s)%n", result, (System.nanoTime() - stepStart) / 1e9);
  }

  /** Rewrites the current line with a counter, for steps that take a while. */
  public void update(String line) {
    out.print("\r  " + line + "   ");
    out.flush();
  }

  public void line(String text) {
    out.println(text);
  }
}
