package io.streamrec.datasets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Regenerates {@code model-artifacts/datasets/online-retail-ii/} from the raw UCI Online Retail II CSV.
 *
 * <pre>
 * mvn -q -pl model-artifacts/datasets exec:java \
 *   -Dexec.args="--input ../shared/data/online-retail-ii-2009-2010/online_retail_ii_2009_2010.csv.gz
 *                --output model-artifacts/datasets/online-retail-ii"
 * </pre>
 *
 * Without arguments it finds the repository root by walking up from the working directory and uses those two
 * paths. It prints the rows dropped by each rule, then the written files with their sizes and SHA-256.
 */
public final class PrepareOnlineRetail {
    /** The source, relative to the repository root. */
    public static final String DEFAULT_INPUT =
            "../shared/data/online-retail-ii-2009-2010/online_retail_ii_2009_2010.csv.gz";

    private PrepareOnlineRetail() {
    }

    public static void main(String[] args) throws IOException {
        Path input = null;
        Path output = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--input" -> input = Path.of(value(args, ++i, "--input"));
                case "--output" -> output = Path.of(value(args, ++i, "--output"));
                case "-h", "--help" -> {
                    usage(System.out);
                    return;
                }
                default -> {
                    usage(System.err);
                    throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
        }
        if (input == null || output == null) {
            Path root = repoRoot();
            input = input != null ? input : root.resolve(DEFAULT_INPUT).normalize();
            output = output != null ? output : root.resolve(OnlineRetailDataset.REPO_RELATIVE_DIR);
        }
        run(input, output, System.out);
    }

    /** Cleans {@code input} (a gzip CSV of the raw sheet) and writes the derivative into {@code output}. */
    public static OnlineRetailCleaner.Result run(Path input, Path output, PrintStream out) throws IOException {
        if (!Files.isRegularFile(input)) {
            throw new IllegalArgumentException("input not found: " + input.toAbsolutePath());
        }
        out.printf(Locale.ROOT, "input  %s (sha256 %s)%n", input, Sha256.ofFile(input));
        OnlineRetailCleaner.Result result;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(input), 1 << 16);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            result = OnlineRetailCleaner.clean(reader, input);
        }
        out.print(result.report());
        OnlineRetailDataset.write(output, result.items(), result.users(), result.purchases());
        out.printf(Locale.ROOT, "output %s%n", output);
        long total = 0;
        for (String name : List.of(OnlineRetailDataset.INTERACTIONS_FILE, OnlineRetailDataset.ITEMS_FILE,
                OnlineRetailDataset.USERS_FILE)) {
            Path f = output.resolve(name);
            long size = Files.size(f);
            total += size;
            String contentSha;
            try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
                contentSha = Sha256.of(in);
            }
            out.printf(Locale.ROOT, "  %-20s %,10d bytes  sha256 %s  (decompressed sha256 %s)%n", name, size,
                    Sha256.ofFile(f), contentSha);
        }
        out.printf(Locale.ROOT, "  total %,d bytes%n", total);
        return result;
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static Path repoRoot() {
        Path start = Path.of("").toAbsolutePath().normalize();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("model-artifacts/datasets"))) {
                return p;
            }
        }
        throw new IllegalStateException("no model-artifacts/datasets above " + start
                + ": pass --input and --output explicitly");
    }

    private static void usage(PrintStream s) {
        s.println("usage: PrepareOnlineRetail [--input <online_retail_ii.csv.gz>] [--output <dir>]");
        s.println("  defaults: --input <repo>/" + DEFAULT_INPUT);
        s.println("            --output <repo>/" + OnlineRetailDataset.REPO_RELATIVE_DIR);
    }
}
