package io.streamrec.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {

  @Test
  void onATerminalUpdatesRewriteOneLineAndTheResultEndsIt() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
    p.step("Waiting");
    p.update("behind: 1,000");
    p.update("behind: 5");
    p.done("caught up");
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out.chars().filter(ch -> ch == '\n').count()).as("one line: %s", out).isEqualTo(1);
    // the last thing on the line after the final carriage return is the result, not a stale update
    String lastFrame = out.substring(out.lastIndexOf('\r') + 1);
    assertThat(lastFrame).startsWith("• Waiting … caught up (").doesNotContain("behind");
  }

  @Test
  void inALogUpdatesAreSeparateLinesAndRateLimited() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
    p.step("Waiting");
    for (int i = 0; i < 100; i++) {
      p.update("behind: " + i); // within 5 s of the step's start: none printed
    }
    p.done("caught up");
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).doesNotContain("\r").doesNotContain("behind");
    assertThat(out.chars().filter(ch -> ch == '\n').count()).isEqualTo(1);
    assertThat(out).startsWith("• Waiting … caught up (");
  }
}
