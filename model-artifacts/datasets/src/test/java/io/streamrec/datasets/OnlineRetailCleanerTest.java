package io.streamrec.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.datasets.OnlineRetailCleaner.Result;
import io.streamrec.datasets.OnlineRetailCleaner.Rule;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OnlineRetailCleanerTest {

    private static final String HEADER = "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n";
    /** A line that every rule keeps; tests vary one field at a time. */
    private static final String GOOD = "489434,85048,GLASS BALL LIGHTS,12,2009-12-01 07:45:00,6.95,13085,United Kingdom\n";

    private static Result clean(String body) throws IOException {
        return OnlineRetailCleaner.clean(new StringReader(HEADER + body), Path.of("test.csv"));
    }

    private static void assertOnlyDropped(Result r, Rule rule, long count) {
        for (Rule other : Rule.values()) {
            assertThat(r.dropped().get(other)).as(other.name()).isEqualTo(other == rule ? count : 0L);
        }
    }

    @Test
    void keepsAGoodLine() throws IOException {
        Result r = clean(GOOD);
        assertThat(r.inputRows()).isEqualTo(1);
        assertThat(r.dropped().values()).containsOnly(0L);
        assertThat(r.purchases()).containsExactly(new Purchase(
                Instant.parse("2009-12-01T07:45:00Z").toEpochMilli(), "13085", "85048", "489434", 12, 6.95,
                "United Kingdom"));
    }

    @Test
    void dropsRowsWithoutCustomerId() throws IOException {
        Result r = clean(GOOD + GOOD.replace(",13085,", ",,").replace("489434", "489435")
                + GOOD.replace(",13085,", ",  ,").replace("489434", "489436"));
        assertOnlyDropped(r, Rule.MISSING_CUSTOMER_ID, 2);
        assertThat(r.purchases()).extracting(Purchase::invoice).containsExactly("489434");
    }

    @Test
    void dropsCancellations() throws IOException {
        // a cancellation with a positive quantity is still dropped as a cancellation
        Result r = clean(GOOD + GOOD.replace("489434", "C489434").replace(",12,", ",-12,")
                + GOOD.replace("489434", "C489435"));
        assertOnlyDropped(r, Rule.CANCELLATION, 2);
        assertThat(r.purchases()).hasSize(1);
    }

    @Test
    void dropsNonPositiveQuantity() throws IOException {
        Result r = clean(GOOD + GOOD.replace(",12,", ",0,").replace("489434", "489435")
                + GOOD.replace(",12,", ",-3,").replace("489434", "489436"));
        assertOnlyDropped(r, Rule.NON_POSITIVE_QUANTITY, 2);
        assertThat(r.purchases()).extracting(Purchase::quantity).containsExactly(12);
    }

    @Test
    void dropsNonPositivePrice() throws IOException {
        Result r = clean(GOOD + GOOD.replace(",6.95,", ",0,").replace("489434", "489435")
                + GOOD.replace(",6.95,", ",0.000,").replace("489434", "489436")
                + GOOD.replace(",6.95,", ",-11062.06,").replace("489434", "489437"));
        assertOnlyDropped(r, Rule.NON_POSITIVE_PRICE, 3);
        assertThat(r.purchases()).extracting(Purchase::price).containsExactly(6.95);
    }

    @Test
    void dropsNonProductStockCodes() throws IOException {
        Result r = clean(GOOD + GOOD.replace("85048", "POST") + GOOD.replace("85048", "BANK CHARGES")
                + GOOD.replace("85048", "gift_0001_20") + GOOD.replace("85048", "C2")
                + GOOD.replace("85048", "ADJUST2") + GOOD.replace("85048", "TEST001")
                + GOOD.replace("85048", "DCGSSBOY") + GOOD.replace("85048", "SP1002"));
        assertOnlyDropped(r, Rule.NON_PRODUCT_STOCK_CODE, 6);
        assertThat(r.purchases()).extracting(Purchase::itemId).containsExactly("85048", "DCGSSBOY", "SP1002");
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "DOT", "M", "D", "S", "B", "C2", "C3", "CRUK", "PADS", "BANK CHARGES", "AMAZONFEE",
        "ADJUST", "ADJUST2", "TEST001", "TEST002", "GIFT", "GIFT_0001_10", "GIFT_0001_90", ""})
    void nonProductCodes(String code) {
        assertThat(OnlineRetailCleaner.isProductCode(code)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"85048", "79323P", "85123A", "15056BL", "DCGS0003", "DCGS0066N", "DCGSSBOY", "DCGSLGIRL",
        "SP1002", "10123C", "C12345X"})
    void productCodes(String code) {
        assertThat(OnlineRetailCleaner.isProductCode(code)).isTrue();
    }

    @Test
    void collapsesExactDuplicatesOnly() throws IOException {
        Result r = clean(GOOD + GOOD + GOOD
                + GOOD.replace(",12,", ",24,")                                  // other quantity: kept
                + GOOD.replace(",6.95,", ",6.75,")                              // other price: kept
                + GOOD.replace("07:45:00", "07:46:00")                          // other time: kept
                + GOOD.replace(",6.95,", ",6.950,")                             // same price written differently
                + GOOD.replace(",85048,", ", 85048 ,"));                        // same item after normalising
        assertOnlyDropped(r, Rule.DUPLICATE_LINE, 4);
        assertThat(r.purchases()).hasSize(4);
    }

    @Test
    void countsARowUnderTheFirstRuleThatDropsIt() throws IOException {
        // no customer AND cancellation AND negative quantity AND postage: counted once, as MISSING_CUSTOMER_ID
        Result r = clean("C489434,POST,POSTAGE,-1,2009-12-01 07:45:00,0,,United Kingdom\n"
                + "C489435,POST,POSTAGE,-1,2009-12-01 07:45:00,0,13085,United Kingdom\n");
        assertThat(r.dropped()).containsEntry(Rule.MISSING_CUSTOMER_ID, 1L).containsEntry(Rule.CANCELLATION, 1L)
                .containsEntry(Rule.NON_POSITIVE_PRICE, 0L).containsEntry(Rule.NON_PRODUCT_STOCK_CODE, 0L);
        assertThat(r.remainingAfter(Rule.MISSING_CUSTOMER_ID)).isEqualTo(1);
        assertThat(r.remainingAfter(Rule.DUPLICATE_LINE)).isZero();
        assertThat(r.report()).contains("MISSING_CUSTOMER_ID", "DUPLICATE_LINE", "kept 0 purchase lines");
    }

    @Test
    void normalisesStockCodesAndCustomerIds() throws IOException {
        Result r = clean(GOOD.replace(",85048,", ", 85123a ,").replace(",13085,", ",13085.0,")
                + GOOD.replace(",85048,", ",85123A,").replace("489434", "489435"));
        assertThat(r.purchases()).extracting(Purchase::itemId).containsExactly("85123A", "85123A");
        assertThat(r.purchases()).extracting(Purchase::userId).containsOnly("13085");
        assertThat(r.items()).extracting(Item::itemId).containsExactly("85123A");
    }

    @Test
    void readsInvoiceDateAsLondonLocalTime() {
        assertThat(OnlineRetailCleaner.toEpochMillis(LocalDateTime.parse("2010-01-15T12:00:00")))
                .isEqualTo(Instant.parse("2010-01-15T12:00:00Z").toEpochMilli());           // GMT
        assertThat(OnlineRetailCleaner.toEpochMillis(LocalDateTime.parse("2010-07-01T12:00:00")))
                .isEqualTo(Instant.parse("2010-07-01T11:00:00Z").toEpochMilli());           // BST = UTC+1
    }

    @Test
    void sortsByTsThenInvoiceThenSourceOrder() throws IOException {
        Result r = clean("500002,22001,B,1,2010-03-01 10:00:00,1,1,UK\n"
                + "500001,22002,C,1,2010-03-01 10:00:00,1,1,UK\n"
                + "500001,22003,D,1,2010-03-01 10:00:00,1,1,UK\n"
                + "400000,22004,E,1,2010-03-01 11:00:00,1,1,UK\n"
                + "500001,22000,A,1,2010-03-01 10:00:00,1,1,UK\n"
                + "600000,22005,F,1,2010-02-01 09:00:00,1,1,UK\n");
        assertThat(r.purchases()).extracting(Purchase::itemId)
                .containsExactly("22005", "22002", "22003", "22000", "22001", "22004");
    }

    @Test
    void derivesItems() throws IOException {
        Result r = clean(
                "500001,22423,REGENCY CAKESTAND 3 TIER ,1,2010-03-02 10:00:00,12.75,1,United Kingdom\n"
                + "500002,22423,  REGENCY  CAKESTAND 3 TIER,1,2010-03-01 10:00:00,10.95,2,France\n"
                + "500003,22423,REGENCY CAKESTAND 3 TIER,1,2010-03-03 10:00:00,14.95,3,France\n"
                + "500004,22423,,1,2010-03-04 10:00:00,12.75,4,EIRE\n"
                + "500005,22423,CAKESTAND OTHER NAME,1,2010-03-05 10:00:00,1.00,5,EIRE\n"
                // a tie between two titles (one each) goes to the lexicographically smaller
                + "500006,22424,ZEBRA MUG,2,2010-03-05 10:00:00,1.25,5,EIRE\n"
                + "500007,22424,ALPHA MUG,2,2010-03-06 10:00:00,1.65,5,EIRE\n");
        assertThat(r.items()).hasSize(2);
        Item cakestand = r.items().get(0);
        assertThat(cakestand.itemId()).isEqualTo("22423");
        assertThat(cakestand.title()).isEqualTo("REGENCY CAKESTAND 3 TIER");     // 3 of 4 after normalising
        assertThat(cakestand.price()).isEqualTo(12.75);                          // median of 1, 10.95, 12.75, 12.75, 14.95
        assertThat(cakestand.category()).isEqualTo("kitchen_dining");
        assertThat(cakestand.firstSeenTs()).isEqualTo(Instant.parse("2010-03-01T10:00:00Z").toEpochMilli());
        assertThat(cakestand.countries()).containsExactly("EIRE", "France", "United Kingdom");
        Item mug = r.items().get(1);
        assertThat(mug.title()).isEqualTo("ALPHA MUG");
        assertThat(mug.price()).isEqualTo(1.45);                                 // mean of the two middle values
        assertThat(mug.countries()).containsExactly("EIRE");
    }

    @Test
    void derivesUsers() throws IOException {
        Result r = clean("500001,22001,A,1,2010-03-02 10:00:00,1,17000,France\n"
                + "500002,22001,A,1,2010-03-01 10:00:00,1,17000,Germany\n"
                + "500003,22001,A,1,2010-03-03 10:00:00,1,17000,Germany\n"
                + "500004,22001,A,1,2010-03-03 10:00:00,1,12000,Spain\n"
                + "500005,22001,A,1,2010-03-04 10:00:00,1,12000,Belgium\n");
        assertThat(r.users()).containsExactly(
                new User("12000", "Belgium", Instant.parse("2010-03-03T10:00:00Z").toEpochMilli()),   // tie
                new User("17000", "Germany", Instant.parse("2010-03-01T10:00:00Z").toEpochMilli()));
    }

    @Test
    void parsesRfc4180Quoting() throws IOException {
        Result r = clean("489434,22041,\"RECORD FRAME 7\"\" SINGLE, SIZE \",48,2009-12-01 07:45:00,2.1,13085,"
                + "\"United Kingdom\"\r\n");
        assertThat(r.items()).extracting(Item::title).containsExactly("RECORD FRAME 7\" SINGLE, SIZE");
        assertThat(r.purchases()).extracting(Purchase::country).containsExactly("United Kingdom");
    }

    @Test
    void medianAndMostFrequent() {
        assertThat(OnlineRetailCleaner.median(List.of(new BigDecimal("0.001"), new BigDecimal("0.002"))))
                .isEqualByComparingTo("0.0015");
        assertThat(OnlineRetailCleaner.median(List.of(new BigDecimal("3"), new BigDecimal("1"), new BigDecimal("2"))))
                .isEqualByComparingTo("2");
        assertThat(OnlineRetailCleaner.mostFrequent(Map.of("b", 2, "a", 2, "c", 1), "-")).isEqualTo("a");
        assertThat(OnlineRetailCleaner.mostFrequent(Map.of(), "-")).isEqualTo("-");
        assertThat(OnlineRetailCleaner.normalizeTitle("  MISO PRETTY  GUM\t")).isEqualTo("MISO PRETTY GUM");
    }

    @Test
    void rejectsAWrongHeader() {
        assertThatThrownBy(() -> OnlineRetailCleaner.clean(new StringReader("Invoice,StockCode\n1,2\n"),
                Path.of("bad.csv")))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("bad.csv line 1").hasMessageContaining("unexpected header");
    }

    @Test
    void namesTheLineOfAMalformedRow() {
        assertThatThrownBy(() -> clean(GOOD + GOOD.replace(",12,", ",twelve,")))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("test.csv line 3").hasMessageContaining("Quantity");
        assertThatThrownBy(() -> clean(GOOD + GOOD + GOOD.replace("2009-12-01 07:45:00", "01/12/2009 07:45")))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("test.csv line 4")
                .satisfies(e -> assertThat(((DatasetFormatException) e).line()).isEqualTo(4));
        assertThatThrownBy(() -> clean(GOOD + "489434,85048,X,12\n"))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("line 3")
                .hasMessageContaining("expected 8 fields, found 4");
    }
}
