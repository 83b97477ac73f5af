package io.streamrec.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessLogsTest {

    @TempDir
    Path dir;

    @Test
    void tailOfAFileLargerThanTheReadChunk() throws Exception {
        Path log = dir.resolve("big.log");
        List<String> lines = new ArrayList<>();
        IntStream.range(0, 20_000).forEach(i -> lines.add("line " + i + " " + "x".repeat(i % 50)));
        Files.write(log, lines, StandardCharsets.UTF_8);

        assertThat(ProcessLogs.tail(log, 3)).containsExactly(
                lines.get(19_997), lines.get(19_998), lines.get(19_999));
        assertThat(ProcessLogs.tail(log, 1_000)).isEqualTo(lines.subList(19_000, 20_000));
    }

    @Test
    void tailOfASmallFileWithoutFinalNewline() throws Exception {
        Path log = dir.resolve("small.log");
        Files.writeString(log, "a\r\nb\nc");
        assertThat(ProcessLogs.tail(log, 40)).containsExactly("a", "b", "c");
        assertThat(ProcessLogs.tail(log, 2)).containsExactly("b", "c");
    }

    @Test
    void missingOrEmptyFilesHaveNoTail() throws Exception {
        assertThat(ProcessLogs.tail(dir.resolve("missing.log"), 5)).isEmpty();
        assertThat(ProcessLogs.tailForMessage(dir.resolve("missing.log"))).contains("is empty or missing");
        Path empty = Files.createFile(dir.resolve("empty.log"));
        assertThat(ProcessLogs.tail(empty, 5)).isEmpty();
    }

    @Test
    void rotateKeepsOnePreviousRun() throws Exception {
        Path log = dir.resolve("kafka.log");
        Files.writeString(log, "run 1 started");
        ProcessLogs.rotate(log);
        Files.writeString(log, "run 2");
        ProcessLogs.rotate(log);

        assertThat(log).doesNotExist();
        assertThat(dir.resolve("kafka.log.1")).hasContent("run 2");
        assertThat(ProcessLogs.contains(dir.resolve("kafka.log.1"), "started")).isFalse();
        assertThat(ProcessLogs.contains(log, "anything")).isFalse();
        ProcessLogs.rotate(log); // nothing to rotate
    }
}
