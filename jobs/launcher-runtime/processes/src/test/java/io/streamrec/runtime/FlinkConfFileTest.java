package io.streamrec.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlinkConfFileTest {

    private static final List<String> LINES = List.of(
            "# The cluster's configuration",
            "rest.port: 8081",
            "taskmanager.numberOfTaskSlots: 4   # trailing comment",
            "  env.java.opts: \"-XX:+UseG1GC -Dfoo=bar\"",
            "not-a-pair",
            "no.space.after.colon:1",
            "empty.value: ",
            "url: http://host:1/path",
            "rest.port: 8082");

    @Test
    void parsesLikeFlinksGlobalConfiguration() {
        assertThat(FlinkConfFile.parse(LINES)).containsExactly(
                entry("rest.port", "8082"),
                entry("taskmanager.numberOfTaskSlots", "4"),
                entry("env.java.opts", "\"-XX:+UseG1GC -Dfoo=bar\""),
                entry("url", "http://host:1/path"));
    }

    @Test
    void overridesCommentOutTheOriginalAndAppend() {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("rest.port", "18081");
        overrides.put("io.tmp.dirs", "/w/tmp");
        List<String> out = FlinkConfFile.withOverrides(LINES, overrides, "managed");

        assertThat(out).contains("# (overridden below) rest.port: 8081", "# (overridden below) rest.port: 8082",
                "# managed", "rest.port: 18081", "io.tmp.dirs: /w/tmp");
        assertThat(FlinkConfFile.parse(out))
                .contains(entry("rest.port", "18081"), entry("io.tmp.dirs", "/w/tmp"),
                        entry("taskmanager.numberOfTaskSlots", "4"));
    }

    @Test
    void refusesValuesFlinkCannotRead() {
        assertThatThrownBy(() -> FlinkConfFile.withOverrides(List.of(), Map.of("a", "x # y"), "h"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FlinkConfFile.withOverrides(List.of(), Map.of("a", "x\ny: z"), "h"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FlinkConfFile.withOverrides(List.of(), Map.of("a", " "), "h"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rewritesAFileInPlace(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("flink-conf.yaml"), LINES);
        FlinkConfFile.applyOverrides(file, Map.of("rest.port", "1"), "managed");
        assertThat(FlinkConfFile.read(file)).contains(entry("rest.port", "1"));
    }
}
