package io.streamrec.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The memory settings of a JobManager or TaskManager process, as Flink's start scripts get them: they run
 * {@code org.apache.flink.runtime.util.bash.BashJavaUtils GET_JM_RESOURCE_PARAMS|GET_TM_RESOURCE_PARAMS --configDir
 * <conf>}, which derives the process memory model from the configuration and prints two result lines, each
 * prefixed {@value #PREFIX}:
 *
 * <pre>
 * BASH_JAVA_UTILS_EXEC_RESULT:-Xmx161061270 -Xms161061270 -XX:MaxDirectMemorySize=201326592 -XX:MaxMetaspaceSize=268435456
 * BASH_JAVA_UTILS_EXEC_RESULT:-D taskmanager.memory.network.min=67108864b -D taskmanager.cpu.cores=2.0 ...
 * </pre>
 *
 * The first line holds JVM options; the second, dynamic properties that the scripts append to the entrypoint's
 * arguments, so the process runs with exactly the memory budget the JVM was sized for. Anything else printed
 * (logging, warnings) is ignored, as the scripts do.
 *
 * @param jvmArgs e.g. {@code -Xmx...}, {@code -XX:MaxMetaspaceSize=...}
 * @param dynamicProperties key to value, in Flink's order
 */
record FlinkResourceParams(List<String> jvmArgs, Map<String, String> dynamicProperties) {

    static final String PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

    FlinkResourceParams {
        jvmArgs = List.copyOf(jvmArgs);
        dynamicProperties = Collections.unmodifiableMap(new LinkedHashMap<>(dynamicProperties));
    }

    /** The dynamic properties as entrypoint arguments: {@code -D key=value} pairs. */
    List<String> dynamicArgs() {
        List<String> args = new ArrayList<>();
        dynamicProperties.forEach((k, v) -> {
            args.add("-D");
            args.add(k + "=" + v);
        });
        return args;
    }

    /** @throws IllegalArgumentException unless the output holds exactly two well-formed result lines */
    static FlinkResourceParams parse(String output) {
        List<String> results = new ArrayList<>();
        for (String line : output.split("\r?\n")) {
            int at = line.indexOf(PREFIX);
            if (at >= 0) {
                results.add(line.substring(at + PREFIX.length()).strip());
            }
        }
        if (results.size() != 2) {
            throw new IllegalArgumentException("expected 2 lines starting " + PREFIX + " from BashJavaUtils, got "
                    + results.size() + "; its output:" + System.lineSeparator() + output);
        }
        List<String> jvmArgs = tokens(results.get(0));
        for (String arg : jvmArgs) {
            if (!arg.startsWith("-")) {
                throw new IllegalArgumentException("not a JVM option in BashJavaUtils output: " + arg);
            }
        }
        return new FlinkResourceParams(jvmArgs, parseDynamicProperties(results.get(1)));
    }

    /** Accepts {@code -D key=value} (what Flink prints) and {@code -Dkey=value}. */
    static Map<String, String> parseDynamicProperties(String line) {
        Map<String, String> properties = new LinkedHashMap<>();
        List<String> tokens = tokens(line);
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            String assignment;
            if (token.equals("-D") && i + 1 < tokens.size()) {
                assignment = tokens.get(++i);
            } else if (token.startsWith("-D") && token.length() > 2) {
                assignment = token.substring(2);
            } else {
                throw new IllegalArgumentException("unexpected token '" + token + "' in dynamic properties: " + line);
            }
            int eq = assignment.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("not key=value: '" + assignment + "' in: " + line);
            }
            properties.put(assignment.substring(0, eq), assignment.substring(eq + 1));
        }
        return properties;
    }

    private static List<String> tokens(String line) {
        return line.isBlank() ? List.of() : Arrays.asList(line.strip().split("\\s+"));
    }
}
