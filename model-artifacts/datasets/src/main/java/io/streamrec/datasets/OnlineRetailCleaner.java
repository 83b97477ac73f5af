package io.streamrec.datasets;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The cleaning rules that turn the raw UCI Online Retail II sheet (as CSV) into the shipped derivative. Pure logic:
 * no files are written here (see {@link PrepareOnlineRetail}).
 *
 * <p>The rules run in the order of {@link Rule}; a dropped row is counted under the first rule that drops it.
 */
public final class OnlineRetailCleaner {

    /** The header of the source CSV (the shared copy's conversion of the UCI sheet "Year 2009-2010"). */
    public static final List<String> SOURCE_HEADER = List.of(
            "Invoice", "StockCode", "Description", "Quantity", "InvoiceDate", "Price", "Customer ID", "Country");

    /** InvoiceDate is a local time of this zone (the retailer is UK-based). */
    public static final ZoneId SOURCE_ZONE = ZoneId.of("Europe/London");

    /** InvoiceDate's format in the source CSV. */
    public static final DateTimeFormatter SOURCE_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT).withResolverStyle(ResolverStyle.STRICT);

    /** The cleaning rules, in the order they are applied. */
    public enum Rule {
        MISSING_CUSTOMER_ID("Customer ID is empty"),
        CANCELLATION("Invoice starts with \"C\" (cancellation)"),
        NON_POSITIVE_QUANTITY("Quantity <= 0"),
        NON_POSITIVE_PRICE("Price <= 0"),
        NON_PRODUCT_STOCK_CODE("StockCode is not a product code (postage, fees, adjustments, vouchers, tests)"),
        DUPLICATE_LINE("exact duplicate of a kept line (same invoice, item, quantity, price, time)");

        private final String description;

        Rule(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /**
     * The outcome of a cleaning run.
     *
     * @param inputRows data rows read (header excluded)
     * @param dropped   rows dropped per rule, every rule present, in rule order
     * @param purchases kept lines sorted by ts, then invoice, then source row order
     * @param items     one per kept StockCode, sorted by item_id
     * @param users     one per kept customer, sorted by user_id
     */
    public record Result(long inputRows, Map<Rule, Long> dropped, List<Purchase> purchases, List<Item> items,
                         List<User> users) {

        /** Rows remaining after the given rule (and all rules before it) ran. */
        public long remainingAfter(Rule rule) {
            long remaining = inputRows;
            for (Rule r : Rule.values()) {
                remaining -= dropped.get(r);
                if (r == rule) {
                    break;
                }
            }
            return remaining;
        }

        /** The per-rule table printed by the tool and copied into the dataset README. */
        public String report() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "%-3s %-24s %10s %10s  %s%n", "#", "rule", "dropped", "remaining",
                    "what"));
            b.append(String.format(Locale.ROOT, "%-3s %-24s %10s %10d  %s%n", "", "input", "", inputRows,
                    "data rows of the source CSV"));
            for (Rule r : Rule.values()) {
                b.append(String.format(Locale.ROOT, "%-3d %-24s %10d %10d  %s%n", r.ordinal() + 1, r.name(),
                        dropped.get(r), remainingAfter(r), r.description()));
            }
            Set<String> invoices = new HashSet<>();
            long minTs = Long.MAX_VALUE;
            long maxTs = Long.MIN_VALUE;
            for (Purchase p : purchases) {
                invoices.add(p.invoice());
                minTs = Math.min(minTs, p.ts());
                maxTs = Math.max(maxTs, p.ts());
            }
            b.append(String.format(Locale.ROOT, "kept %d purchase lines, %d invoices, %d items, %d users",
                    purchases.size(), invoices.size(), items.size(), users.size()));
            if (!purchases.isEmpty()) {
                b.append(String.format(Locale.ROOT, ", ts %d..%d", minTs, maxTs));
            }
            Map<String, Integer> perCategory = new TreeMap<>();
            for (Item item : items) {
                perCategory.merge(item.category(), 1, Integer::sum);
            }
            b.append(String.format(Locale.ROOT, "%nitems per category %s%n", perCategory));
            return b.toString();
        }
    }

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern DIGIT = Pattern.compile(".*[0-9].*");
    private static final Pattern SERVICE_WITH_DIGITS = Pattern.compile("(ADJUST|TEST|GIFT_).*|C[0-9]+");
    private static final Pattern CUSTOMER_ID = Pattern.compile("([0-9]+)(\\.0+)?");

    private OnlineRetailCleaner() {
    }

    /** StockCode as an item id: surrounding whitespace removed, upper-cased ({@code "85123a"} = {@code "85123A"}). */
    public static String normalizeStockCode(String stockCode) {
        return stockCode.strip().toUpperCase(Locale.ROOT);
    }

    /**
     * Whether a normalised StockCode names a product. Decided from the 2009-2010 sheet:
     * <ul>
     *   <li>codes starting with {@code DCGS} are products (a range of goods: ashtrays, pet collars, party bags),
     *       including {@code DCGSSBOY}/{@code DCGSSGIRL} which have no digit;</li>
     *   <li>otherwise a code without any digit is not a product: {@code POST}, {@code DOT}, {@code M} (manual),
     *       {@code D} (discount), {@code S} (samples), {@code B} (bad debt), {@code PADS}, {@code CRUK},
     *       {@code BANK CHARGES}, {@code AMAZONFEE}, {@code ADJUST}, {@code GIFT};</li>
     *   <li>codes with digits are products except {@code ADJUST*}, {@code TEST*}, {@code GIFT_*} (gift vouchers)
     *       and {@code C} followed only by digits ({@code C2}, {@code C3}: carriage).</li>
     * </ul>
     * Everything kept is then a 5-digit code with an optional letter suffix, a {@code DCGS*} code, or
     * {@code SP1002} (a chalkboard easel).
     */
    public static boolean isProductCode(String code) {
        if (code.startsWith("DCGS")) {
            return true;
        }
        if (!DIGIT.matcher(code).matches()) {
            return false;
        }
        return !SERVICE_WITH_DIGITS.matcher(code).matches();
    }

    /** A Description as a title: surrounding whitespace removed, inner whitespace runs collapsed to one space. */
    public static String normalizeTitle(String description) {
        return WHITESPACE.matcher(description.strip()).replaceAll(" ");
    }

    /**
     * A source InvoiceDate as epoch milliseconds, read as Europe/London local time. In an autumn overlap the earlier
     * offset (BST) is used, and a time in the spring gap is moved forward ({@link java.time.ZonedDateTime#of}); the
     * 2009-2010 sheet has no invoice in either hour.
     */
    public static long toEpochMillis(LocalDateTime invoiceDate) {
        return invoiceDate.atZone(SOURCE_ZONE).toInstant().toEpochMilli();
    }

    /**
     * Cleans a source CSV.
     *
     * @param source the decompressed CSV with header {@link #SOURCE_HEADER}
     * @param name   the file name used in error messages
     * @throws DatasetFormatException if a row cannot be parsed (names the line)
     */
    public static Result clean(Reader source, Path name) throws IOException {
        Map<Rule, Long> dropped = new EnumMap<>(Rule.class);
        for (Rule r : Rule.values()) {
            dropped.put(r, 0L);
        }
        List<Kept> kept = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Map<String, String> pool = new HashMap<>();
        long inputRows = 0;
        try (CsvRows rows = new CsvRows(source, name, SOURCE_HEADER)) {
            String[] f;
            while ((f = rows.next()) != null) {
                inputRows++;
                Rule rule = null;
                String invoice = f[0].strip();
                String itemId = normalizeStockCode(f[1]);
                String customer = f[6].strip();
                int quantity = parseQuantity(rows, f[3]);
                BigDecimal price = parsePrice(rows, f[5]);
                long ts = parseTime(rows, f[4]);
                if (invoice.isEmpty()) {
                    throw rows.error("empty Invoice");
                }
                if (customer.isEmpty()) {
                    rule = Rule.MISSING_CUSTOMER_ID;
                } else if (invoice.startsWith("C") || invoice.startsWith("c")) {
                    rule = Rule.CANCELLATION;
                } else if (quantity <= 0) {
                    rule = Rule.NON_POSITIVE_QUANTITY;
                } else if (price.signum() <= 0) {
                    rule = Rule.NON_POSITIVE_PRICE;
                } else if (!isProductCode(itemId)) {
                    rule = Rule.NON_PRODUCT_STOCK_CODE;
                } else {
                    String priceText = price.stripTrailingZeros().toPlainString();
                    String key = invoice + '\u0001' + itemId + '\u0001' + quantity + '\u0001' + priceText + '\u0001'
                            + ts;
                    if (!seen.add(key)) {
                        rule = Rule.DUPLICATE_LINE;
                    }
                }
                if (rule != null) {
                    dropped.merge(rule, 1L, Long::sum);
                    continue;
                }
                var m = CUSTOMER_ID.matcher(customer);
                if (!m.matches()) {
                    throw rows.error("Customer ID is not a number: " + customer);
                }
                String country = f[7].strip();
                if (country.isEmpty() || country.contains(";")) {
                    throw rows.error("Country is empty or contains ';': " + f[7]);
                }
                kept.add(new Kept(ts, intern(pool, m.group(1)), intern(pool, itemId), intern(pool, invoice),
                        quantity, price, intern(pool, country), normalizeTitle(f[2])));
            }
        }
        // List.sort is stable: equal (ts, invoice) keep the source row order.
        kept.sort(Comparator.comparingLong(Kept::ts).thenComparing(Kept::invoice));
        return new Result(inputRows, Collections.unmodifiableMap(dropped), purchases(kept), items(kept), users(kept));
    }

    private record Kept(long ts, String userId, String itemId, String invoice, int quantity, BigDecimal price,
                        String country, String title) {
    }

    private static List<Purchase> purchases(List<Kept> kept) {
        List<Purchase> out = new ArrayList<>(kept.size());
        for (Kept k : kept) {
            out.add(new Purchase(k.ts, k.userId, k.itemId, k.invoice, k.quantity, k.price.doubleValue(), k.country));
        }
        return Collections.unmodifiableList(out);
    }

    private static final class ItemAcc {
        final Map<String, Integer> titles = new HashMap<>();
        final List<BigDecimal> prices = new ArrayList<>();
        final Set<String> countries = new TreeSet<>();
        long firstSeen = Long.MAX_VALUE;
    }

    private static List<Item> items(List<Kept> kept) {
        Map<String, ItemAcc> byId = new TreeMap<>();
        for (Kept k : kept) {
            ItemAcc acc = byId.computeIfAbsent(k.itemId, id -> new ItemAcc());
            if (!k.title.isEmpty()) {
                acc.titles.merge(k.title, 1, Integer::sum);
            }
            acc.prices.add(k.price);
            acc.countries.add(k.country);
            acc.firstSeen = Math.min(acc.firstSeen, k.ts);
        }
        List<Item> out = new ArrayList<>(byId.size());
        byId.forEach((id, acc) -> {
            String title = mostFrequent(acc.titles, "");
            out.add(new Item(id, title, median(acc.prices).doubleValue(), Categories.of(title), acc.firstSeen,
                    List.copyOf(acc.countries)));
        });
        return Collections.unmodifiableList(out);
    }

    private static final class UserAcc {
        final Map<String, Integer> countries = new HashMap<>();
        long firstSeen = Long.MAX_VALUE;
    }

    private static List<User> users(List<Kept> kept) {
        Map<String, UserAcc> byId = new TreeMap<>();
        for (Kept k : kept) {
            UserAcc acc = byId.computeIfAbsent(k.userId, id -> new UserAcc());
            acc.countries.merge(k.country, 1, Integer::sum);
            acc.firstSeen = Math.min(acc.firstSeen, k.ts);
        }
        List<User> out = new ArrayList<>(byId.size());
        byId.forEach((id, acc) -> out.add(new User(id, mostFrequent(acc.countries, ""), acc.firstSeen)));
        return Collections.unmodifiableList(out);
    }

    /** The key with the highest count; ties go to the lexicographically smallest key. */
    static String mostFrequent(Map<String, Integer> counts, String ifEmpty) {
        String best = null;
        int bestCount = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            int c = e.getValue();
            if (best == null || c > bestCount || (c == bestCount && e.getKey().compareTo(best) < 0)) {
                best = e.getKey();
                bestCount = c;
            }
        }
        return best == null ? ifEmpty : best;
    }

    /** The exact median (the mean of the two middle values for an even count). */
    static BigDecimal median(List<BigDecimal> values) {
        List<BigDecimal> sorted = new ArrayList<>(values);
        sorted.sort(Comparator.naturalOrder());
        int n = sorted.size();
        if (n % 2 == 1) {
            return sorted.get(n / 2);
        }
        return sorted.get(n / 2 - 1).add(sorted.get(n / 2)).divide(BigDecimal.valueOf(2));
    }

    private static String intern(Map<String, String> pool, String s) {
        String existing = pool.putIfAbsent(s, s);
        return existing == null ? s : existing;
    }

    private static int parseQuantity(CsvRows rows, String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw rows.error("Quantity is not an integer: " + text);
        }
    }

    private static BigDecimal parsePrice(CsvRows rows, String text) {
        try {
            return new BigDecimal(text.strip());
        } catch (NumberFormatException e) {
            throw rows.error("Price is not a number: " + text);
        }
    }

    private static long parseTime(CsvRows rows, String text) {
        try {
            return toEpochMillis(LocalDateTime.parse(text.strip(), SOURCE_TIME));
        } catch (DateTimeParseException e) {
            throw rows.error("InvoiceDate is not yyyy-MM-dd HH:mm:ss: " + text);
        }
    }
}
