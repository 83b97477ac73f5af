package io.streamrec.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StandaloneFlinkClusterTest {

    @Test
    void managedOverridesKeepEverythingOnLoopbackAndUnderTheWorkDir() {
        Map<String, String> o = StandaloneFlinkCluster.managedOverrides(Path.of("/w"), 18081, 16123);
        assertThat(o).contains(
                entry("rest.port", "18081"),
                entry("rest.address", "127.0.0.1"),
                entry("rest.bind-address", "127.0.0.1"),
                entry("jobmanager.rpc.address", "127.0.0.1"),
                entry("jobmanager.rpc.port", "16123"),
                entry("jobmanager.bind-host", "127.0.0.1"),
                entry("taskmanager.host", "127.0.0.1"),
                entry("taskmanager.bind-host", "127.0.0.1"),
                entry("blob.server.port", "0"),
                entry("state.checkpoints.dir", "file:///w/checkpoints"),
                entry("state.savepoints.dir", "file:///w/savepoints"),
                entry("io.tmp.dirs", "/w/tmp"),
                entry("web.tmpdir", "/w/web-tmp"),
                entry("web.upload.dir", "/w/web-upload"));
    }

    @Test
    void splitsJvmOptionsLikeTheScripts() {
        assertThat(StandaloneFlinkCluster.splitOptions("  --add-opens=a=ALL  \n -Xss1m ")).containsExactly(
                "--add-opens=a=ALL", "-Xss1m");
        assertThat(StandaloneFlinkCluster.splitOptions("\"-XX:+UseG1GC -Dx=1\"")).containsExactly(
                "-XX:+UseG1GC", "-Dx=1");
        assertThat(StandaloneFlinkCluster.splitOptions("")).isEmpty();
        assertThat(StandaloneFlinkCluster.splitOptions(null)).isEmpty();
    }

    @Test
    void restPortIsASettingNotAnOverride() {
        StandaloneFlinkCluster.Settings s =
                StandaloneFlinkCluster.Settings.of(Path.of("cp"), Path.of("conf"), Path.of("w"));
        assertThat(s.restPort()).isEqualTo(8081);
        assertThat(s.withJvmFlags("-Da=1  -Db=2").jvmFlags()).containsExactly("-Da=1", "-Db=2");
        assertThatThrownBy(() -> s.withOverrides(Map.of("rest.port", "1")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
