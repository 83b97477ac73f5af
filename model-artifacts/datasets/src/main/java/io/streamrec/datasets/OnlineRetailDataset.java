package io.streamrec.datasets;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

/**
 * The cleaned Online Retail II derivative shipped in {@code model-artifacts/datasets/online-retail-ii/}: items,
 * users and purchase lines (see that folder's README for the columns, the cleaning rules and the licence).
 *
 * <pre>{@code
 * OnlineRetailDataset data = OnlineRetailDataset.load(OnlineRetailDataset.defaultDir());
 * data.items(); data.users(); data.purchases();          // everything in memory (~400k purchases)
 *
 * try (Stream<Purchase> s = OnlineRetailDataset.streamPurchases(dir)) { ... }   // one row at a time
 * }</pre>
 *
 * <p>Every file is validated while it is read; a malformed one raises {@link DatasetFormatException} naming the
 * file and the line. {@link #load} also checks that every purchase refers to a listed item and user.
 */
public final class OnlineRetailDataset {

    /** The folder, relative to the repository root, that holds the shipped files. */
    public static final String REPO_RELATIVE_DIR = "model-artifacts/datasets/online-retail-ii";
    /** System property that overrides {@link #defaultDir()}. */
    public static final String DIR_PROPERTY = "streamrec.datasets.onlineRetailDir";

    public static final String INTERACTIONS_FILE = "interactions.csv.gz";
    public static final String ITEMS_FILE = "items.csv.gz";
    public static final String USERS_FILE = "users.csv.gz";
    public static final String CHECKSUMS_FILE = "SHA256SUMS";

    public static final List<String> INTERACTIONS_HEADER =
            List.of("ts", "user_id", "item_id", "invoice", "quantity", "price", "country");
    public static final List<String> ITEMS_HEADER =
            List.of("item_id", "title", "price", "category", "first_seen_ts", "countries");
    public static final List<String> USERS_HEADER = List.of("user_id", "country", "first_seen_ts");

    /** Separator of the {@code countries} column of items. */
    public static final String LIST_SEPARATOR = ";";

    private final List<Item> items;
    private final List<User> users;
    private final List<Purchase> purchases;
    private final Map<String, Item> itemsById;
    private final Map<String, User> usersById;

    private OnlineRetailDataset(List<Item> items, List<User> users, List<Purchase> purchases,
                                Map<String, Item> itemsById, Map<String, User> usersById) {
        this.items = items;
        this.users = users;
        this.purchases = purchases;
        this.itemsById = itemsById;
        this.usersById = usersById;
    }

    /** All items, sorted by item id. */
    public List<Item> items() {
        return items;
    }

    /** All users, sorted by user id. */
    public List<User> users() {
        return users;
    }

    /** All purchase lines in file order: by ts, then invoice, then source row order. */
    public List<Purchase> purchases() {
        return purchases;
    }

    /** Items by item id (iteration in item id order). */
    public Map<String, Item> itemsById() {
        return itemsById;
    }

    /** Users by user id (iteration in user id order). */
    public Map<String, User> usersById() {
        return usersById;
    }

    // ------------------------------------------------------------------------------------------------ reading

    /**
     * Loads and validates all three files of a dataset folder.
     *
     * @throws DatasetFormatException if a file is malformed, or a purchase names an unknown item or user
     * @throws IOException            if a file cannot be read
     */
    public static OnlineRetailDataset load(Path dir) throws IOException {
        List<Item> items = loadItems(dir);
        List<User> users = loadUsers(dir);
        Map<String, Item> itemsById = new LinkedHashMap<>();
        for (Item i : items) {
            itemsById.put(i.itemId(), i);
        }
        Map<String, User> usersById = new LinkedHashMap<>();
        for (User u : users) {
            usersById.put(u.userId(), u);
        }
        List<Purchase> purchases = new ArrayList<>(1 << 16);
        try (PurchaseIterator it = openPurchases(dir)) {
            while (it.hasNext()) {
                Purchase p = it.next();
                if (!itemsById.containsKey(p.itemId())) {
                    throw it.error("item_id " + p.itemId() + " is not in " + ITEMS_FILE);
                }
                if (!usersById.containsKey(p.userId())) {
                    throw it.error("user_id " + p.userId() + " is not in " + USERS_FILE);
                }
                purchases.add(p);
            }
        }
        return new OnlineRetailDataset(items, users, Collections.unmodifiableList(purchases),
                Collections.unmodifiableMap(itemsById), Collections.unmodifiableMap(usersById));
    }

    /** Reads and validates {@code items.csv.gz} (item ids unique and ascending). */
    public static List<Item> loadItems(Path dir) throws IOException {
        Path file = dir.resolve(ITEMS_FILE);
        List<Item> out = new ArrayList<>();
        try (CsvRows rows = open(file, ITEMS_HEADER)) {
            String[] f;
            String previous = null;
            while ((f = rows.next()) != null) {
                String id = nonEmpty(rows, "item_id", f[0]);
                if (previous != null && id.compareTo(previous) <= 0) {
                    throw rows.error("item_id " + id + " is not after " + previous + " (ids must be unique, sorted)");
                }
                previous = id;
                String category = nonEmpty(rows, "category", f[3]);
                if (!Categories.ALL.contains(category)) {
                    throw rows.error("unknown category " + category);
                }
                List<String> countries = List.of(nonEmpty(rows, "countries", f[5]).split(LIST_SEPARATOR, -1));
                for (String c : countries) {
                    if (c.isEmpty()) {
                        throw rows.error("empty country in countries: " + f[5]);
                    }
                }
                out.add(new Item(id, f[1], positiveDecimal(rows, "price", f[2]), category,
                        timestamp(rows, "first_seen_ts", f[4]), countries));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Reads and validates {@code users.csv.gz} (user ids unique and ascending). */
    public static List<User> loadUsers(Path dir) throws IOException {
        Path file = dir.resolve(USERS_FILE);
        List<User> out = new ArrayList<>();
        try (CsvRows rows = open(file, USERS_HEADER)) {
            String[] f;
            String previous = null;
            while ((f = rows.next()) != null) {
                String id = nonEmpty(rows, "user_id", f[0]);
                if (previous != null && id.compareTo(previous) <= 0) {
                    throw rows.error("user_id " + id + " is not after " + previous + " (ids must be unique, sorted)");
                }
                previous = id;
                out.add(new User(id, nonEmpty(rows, "country", f[1]), timestamp(rows, "first_seen_ts", f[2])));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Opens {@code interactions.csv.gz} for reading one validated row at a time. Close it (try-with-resources).
     * Rows must be in non-decreasing ts order; each {@link PurchaseIterator#next()} may throw
     * {@link DatasetFormatException}, or {@link UncheckedIOException} for I/O errors.
     */
    public static PurchaseIterator openPurchases(Path dir) throws IOException {
        Path file = dir.resolve(INTERACTIONS_FILE);
        return new PurchaseIterator(open(file, INTERACTIONS_HEADER));
    }

    /**
     * The purchase lines of a dataset folder as a lazily read, sequential stream. The stream holds an open file:
     * close it (try-with-resources).
     */
    public static Stream<Purchase> streamPurchases(Path dir) throws IOException {
        PurchaseIterator it = openPurchases(dir);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it,
                        Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.IMMUTABLE), false)
                .onClose(() -> {
                    try {
                        it.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    /** A validating, closeable iterator over {@code interactions.csv.gz}. */
    public static final class PurchaseIterator implements Iterator<Purchase>, Closeable {
        private final CsvRows rows;
        private final Map<String, String> pool = new HashMap<>();
        private Purchase next;
        private boolean done;
        private long lastTs = Long.MIN_VALUE;

        private PurchaseIterator(CsvRows rows) {
            this.rows = rows;
        }

        @Override
        public boolean hasNext() {
            if (next == null && !done) {
                try {
                    next = read();
                } catch (IOException e) {
                    throw new UncheckedIOException(rows.file() + " line " + rows.line() + ": " + e.getMessage(), e);
                }
                done = next == null;
            }
            return next != null;
        }

        @Override
        public Purchase next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Purchase p = next;
            next = null;
            return p;
        }

        /** The physical line of the row last returned. */
        public long line() {
            return rows.line();
        }

        DatasetFormatException error(String problem) {
            return rows.error(problem);
        }

        private Purchase read() throws IOException {
            String[] f = rows.next();
            if (f == null) {
                return null;
            }
            long ts = timestamp(rows, "ts", f[0]);
            if (ts < lastTs) {
                throw rows.error("ts " + ts + " is before the previous row's " + lastTs + " (rows must be sorted)");
            }
            lastTs = ts;
            int quantity;
            try {
                quantity = Integer.parseInt(f[4]);
            } catch (NumberFormatException e) {
                throw rows.error("quantity is not an integer: " + f[4]);
            }
            if (quantity <= 0) {
                throw rows.error("quantity must be > 0: " + f[4]);
            }
            return new Purchase(ts, pooled(nonEmpty(rows, "user_id", f[1])), pooled(nonEmpty(rows, "item_id", f[2])),
                    pooled(nonEmpty(rows, "invoice", f[3])), quantity, positiveDecimal(rows, "price", f[5]),
                    pooled(nonEmpty(rows, "country", f[6])));
        }

        private String pooled(String s) {
            String existing = pool.putIfAbsent(s, s);
            return existing == null ? s : existing;
        }

        @Override
        public void close() throws IOException {
            rows.close();
        }
    }

    /**
     * Finds the shipped folder: the system property {@value #DIR_PROPERTY} if set, else the first
     * {@value #REPO_RELATIVE_DIR} found in the working directory or one of its parents.
     *
     * @throws IllegalStateException if there is none
     */
    public static Path defaultDir() {
        String override = System.getProperty(DIR_PROPERTY);
        if (override != null && !override.isBlank()) {
            Path dir = Path.of(override).toAbsolutePath().normalize();
            if (!Files.isRegularFile(dir.resolve(INTERACTIONS_FILE))) {
                throw new IllegalStateException("-D" + DIR_PROPERTY + "=" + override + " has no " + INTERACTIONS_FILE);
            }
            return dir;
        }
        Path start = Path.of("").toAbsolutePath().normalize();
        for (Path p = start; p != null; p = p.getParent()) {
            Path candidate = p.resolve(REPO_RELATIVE_DIR);
            if (Files.isRegularFile(candidate.resolve(INTERACTIONS_FILE))) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find " + REPO_RELATIVE_DIR + "/" + INTERACTIONS_FILE + " in " + start
                + " or any parent: run from inside the streamrec checkout, or set -D" + DIR_PROPERTY + "=<dir>");
    }

    private static CsvRows open(Path file, List<String> header) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            GZIPInputStream gz = new GZIPInputStream(in, 1 << 16);
            return new CsvRows(new BufferedReader(new InputStreamReader(gz, StandardCharsets.UTF_8), 1 << 16),
                    file, header);
        } catch (ZipException e) {
            in.close();
            throw new DatasetFormatException(file, 0, "not a gzip file: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static String nonEmpty(CsvRows rows, String column, String value) {
        if (value.isEmpty()) {
            throw rows.error(column + " is empty");
        }
        return value;
    }

    private static long timestamp(CsvRows rows, String column, String value) {
        try {
            long ts = Long.parseLong(value);
            if (ts <= 0) {
                throw rows.error(column + " must be > 0: " + value);
            }
            return ts;
        } catch (NumberFormatException e) {
            throw rows.error(column + " is not an epoch-millis integer: " + value);
        }
    }

    private static double positiveDecimal(CsvRows rows, String column, String value) {
        double d;
        try {
            d = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw rows.error(column + " is not a number: " + value);
        }
        if (!(d > 0) || Double.isInfinite(d)) {
            throw rows.error(column + " must be a finite number > 0: " + value);
        }
        return d;
    }

    // ------------------------------------------------------------------------------------------------ writing

    /**
     * Writes the three files into {@code dir} (created if missing) as deterministic gzip (level 9, no name, MTIME 0),
     * UTF-8, "\n" line ends, RFC 4180 quoting where needed, then {@value #CHECKSUMS_FILE}. The same records give the
     * same bytes. Each file is written to a temporary name and then moved into place.
     *
     * @return the {@code SHA256SUMS} text written
     */
    public static String write(Path dir, List<Item> items, List<User> users, List<Purchase> purchases)
            throws IOException {
        Files.createDirectories(dir);
        writeCsv(dir.resolve(INTERACTIONS_FILE), INTERACTIONS_HEADER, purchases, p -> new String[] {
            Long.toString(p.ts()), p.userId(), p.itemId(), p.invoice(), Integer.toString(p.quantity()),
            decimal(p.price()), p.country()});
        writeCsv(dir.resolve(ITEMS_FILE), ITEMS_HEADER, items, i -> new String[] {
            i.itemId(), i.title(), decimal(i.price()), i.category(), Long.toString(i.firstSeenTs()),
            joinCountries(i)});
        writeCsv(dir.resolve(USERS_FILE), USERS_HEADER, users, u -> new String[] {
            u.userId(), u.country(), Long.toString(u.firstSeenTs())});
        StringBuilder sums = new StringBuilder();
        for (String name : List.of(INTERACTIONS_FILE, ITEMS_FILE, USERS_FILE)) {
            sums.append(Sha256.ofFile(dir.resolve(name))).append("  ").append(name).append('\n');
        }
        Path tmp = dir.resolve(CHECKSUMS_FILE + ".tmp");
        Files.writeString(tmp, sums, StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(CHECKSUMS_FILE), StandardCopyOption.REPLACE_EXISTING);
        return sums.toString();
    }

    /** A decimal in its shortest plain form: 2.1 → "2.1", 10.0 → "10", 0.001 → "0.001". */
    static String decimal(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    private static String joinCountries(Item item) {
        for (String c : item.countries()) {
            if (c.isEmpty() || c.contains(LIST_SEPARATOR)) {
                throw new IllegalArgumentException("item " + item.itemId() + ": country '" + c
                        + "' is empty or contains '" + LIST_SEPARATOR + "'");
            }
        }
        return String.join(LIST_SEPARATOR, item.countries());
    }

    /** Quotes a field only when RFC 4180 needs it (a comma, a quote or a line break), not for every space. */
    private static final CsvFactory WRITER_FACTORY =
            CsvFactory.builder().enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).build();

    private interface RowFormat<T> {
        String[] fields(T value);
    }

    private static <T> void writeCsv(Path file, List<String> header, List<T> values, RowFormat<T> format)
            throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp);
             Writer w = new BufferedWriter(new OutputStreamWriter(new DeterministicGzip(out), StandardCharsets.UTF_8),
                     1 << 16);
             JsonGenerator g = WRITER_FACTORY.createGenerator(w)) {
            g.setSchema(CsvSchema.emptySchema().withLineSeparator("\n"));
            writeRow(g, header.toArray(new String[0]));
            for (T v : values) {
                writeRow(g, format.fields(v));
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void writeRow(JsonGenerator g, String[] fields) throws IOException {
        g.writeStartArray();
        for (String f : fields) {
            g.writeString(f);
        }
        g.writeEndArray();
    }
}
