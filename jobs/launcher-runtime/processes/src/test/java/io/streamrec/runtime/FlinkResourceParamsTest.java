package io.streamrec.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

class FlinkResourceParamsTest {

    /** Verbatim from flink-runtime 1.16.3 for taskmanager.memory.process.size 1024m and 2 slots, plus noise. */
    private static final String TM_OUTPUT = String.join("\n",
            "WARNING: sun.reflect.Reflection.getCallerClass is not supported. This will impact performance.",
            "INFO  [] - Loading configuration property: taskmanager.memory.process.size, 1024m",
            "BASH_JAVA_UTILS_EXEC_RESULT:-Xmx161061270 -Xms161061270 -XX:MaxDirectMemorySize=201326592"
                    + " -XX:MaxMetaspaceSize=268435456",
            "BASH_JAVA_UTILS_EXEC_RESULT:-D taskmanager.memory.network.min=67108864b -D taskmanager.cpu.cores=2.0"
                    + " -D taskmanager.memory.task.off-heap.size=0b -D taskmanager.memory.jvm-metaspace.size=268435456b"
                    + " -D external-resources=none -D taskmanager.memory.jvm-overhead.min=201326592b"
                    + " -D taskmanager.memory.framework.off-heap.size=134217728b"
                    + " -D taskmanager.memory.network.max=67108864b"
                    + " -D taskmanager.memory.framework.heap.size=134217728b"
                    + " -D taskmanager.memory.managed.size=241591914b -D taskmanager.memory.task.heap.size=26843542b"
                    + " -D taskmanager.numberOfTaskSlots=2 -D taskmanager.memory.jvm-overhead.max=201326592b",
            "");

    @Test
    void parsesTaskManagerParamsAsTheScriptsDo() {
        FlinkResourceParams params = FlinkResourceParams.parse(TM_OUTPUT);

        assertThat(params.jvmArgs()).containsExactly("-Xmx161061270", "-Xms161061270",
                "-XX:MaxDirectMemorySize=201326592", "-XX:MaxMetaspaceSize=268435456");
        assertThat(params.dynamicProperties()).hasSize(13);
        assertThat(params.dynamicProperties().keySet()).startsWith(
                "taskmanager.memory.network.min", "taskmanager.cpu.cores");
        assertThat(params.dynamicProperties()).contains(
                entry("external-resources", "none"),
                entry("taskmanager.numberOfTaskSlots", "2"));
        assertThat(params.dynamicArgs()).startsWith(
                "-D", "taskmanager.memory.network.min=67108864b", "-D", "taskmanager.cpu.cores=2.0");
        assertThat(params.dynamicArgs()).hasSize(26);
    }

    @Test
    void parsesJobManagerParams() {
        FlinkResourceParams params = FlinkResourceParams.parse(
                "BASH_JAVA_UTILS_EXEC_RESULT:-Xmx201326592 -Xms201326592 -XX:MaxMetaspaceSize=268435456\n"
                        + "BASH_JAVA_UTILS_EXEC_RESULT:-D jobmanager.memory.off-heap.size=134217728b"
                        + " -D jobmanager.memory.heap.size=201326592b\n");
        assertThat(params.jvmArgs()).containsExactly(
                "-Xmx201326592", "-Xms201326592", "-XX:MaxMetaspaceSize=268435456");
        assertThat(params.dynamicArgs()).containsExactly("-D", "jobmanager.memory.off-heap.size=134217728b",
                "-D", "jobmanager.memory.heap.size=201326592b");
    }

    @Test
    void acceptsAttachedDynamicPropertiesAndValuesWithEquals() {
        assertThat(FlinkResourceParams.parseDynamicProperties("-Da=1 -D b=x=y"))
                .containsExactly(entry("a", "1"), entry("b", "x=y"));
    }

    @Test
    void rejectsOutputWithoutExactlyTwoResults() {
        String failure = "Exception in thread \"main\" org.apache.flink.configuration.IllegalConfigurationException:"
                + " Either required fine-grained memory (jobmanager.memory.heap.size), or Total Flink Memory size"
                + " (Key: 'jobmanager.memory.flink.size') or Total Process Memory size need to be configured"
                + " explicitly.";
        assertThatThrownBy(() -> FlinkResourceParams.parse(failure))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 0")
                .hasMessageContaining("jobmanager.memory.flink.size");
        assertThatThrownBy(() -> FlinkResourceParams.parse("BASH_JAVA_UTILS_EXEC_RESULT:-Xmx1"))
                .hasMessageContaining("got 1");
        assertThatThrownBy(() -> FlinkResourceParams.parse(
                "BASH_JAVA_UTILS_EXEC_RESULT:-Xmx1\nBASH_JAVA_UTILS_EXEC_RESULT:-D novalue"))
                .hasMessageContaining("not key=value");
    }
}
