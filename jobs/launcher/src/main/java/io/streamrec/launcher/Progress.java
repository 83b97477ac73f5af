package io.streamrec.launcher;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * Console progress for long steps: "• Starting Kafka … done (1.9 s)". While a step runs, {@link #update} shows
 * where it stands: on a terminal it rewrites one line in place; otherwise (a log file, CI) it prints a line at most
 * every {@link #LOG_EVERY_NANOS} nanoseconds, so a log holds a readable line per tick instead of one run-on line.
 */
public final class Progress {
  static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final PrintStream out;
  private final boolean terminal;
  private long stepStart;
  private long lastLogged;
  private String header = "";
  private int shownWidth;
  private boolean inLine;

  /** Progress on {@code out}, rewriting lines in place when this process runs on a terminal. */
  public Progress(PrintStream out) {
    this(out, System.console() != null);
  }

  Progress(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  public static Progress silent() {
    return new Progress(new PrintStream(java.io.OutputStream.nullOutputStream()), false);
  }

  public void step(String what) {
    stepStart = System.nanoTime();
    lastLogged = stepStart;
    header = "• " + what + " … ";
    shownWidth = 0;
    out.print(header);
    out.flush();
    inLine = true;
  }

  public void done(String result) {
    String text = String.format("%s (%.1f s)", result, (System.nanoTime() - stepStart) / 1e9);
    if (shownWidth > 0) {
      // the in-place progress line becomes the result line
      out.print("\r" + header + text + " ".repeat(Math.max(0, shownWidth - text.length())));
      shownWidth = 0;
      out.println();
    } else {
      out.println(text);
    }
    inLine = false;
  }

  /** Shows where a long step stands (see the class comment for how often it prints). */
  public void update(String line) {
    long now = System.nanoTime();
    if (terminal) {
      out.print("\r" + header + line + " ".repeat(Math.max(0, shownWidth - line.length())));
      shownWidth = Math.max(shownWidth, line.length());
      out.flush();
      return;
    }
    if (now - lastLogged < LOG_EVERY_NANOS) {
      return;
    }
    lastLogged = now;
    if (inLine) {
      out.println();
      inLine = false;
    }
    out.printf("  %s (%.0f s)%n", line, (now - stepStart) / 1e9);
    out.flush();
  }

  public void line(String text) {
    out.println(text);
  }
}
