package io.streamrec.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The files shipped in online-retail-ii/: intact, and as large as the tool's run said. */
class ShippedDatasetTest {

    // Measured by PrepareOnlineRetail on the shared online_retail_ii_2009_2010.csv.gz (525,461 rows, sha256
    // 022fca15...3a79a); see online-retail-ii/README.md. Regenerating the files must reproduce them.
    static final int PURCHASES = 399_554;
    static final int ITEMS = 4_007;
    static final int USERS = 4_285;
    static final int INVOICES = 18_966;
    static final long FIRST_TS = 1_259_653_500_000L;   // 2009-12-01 07:45 Europe/London
    static final long LAST_TS = 1_291_924_860_000L;    // 2010-12-09 20:01 Europe/London

    static Path dir;
    static OnlineRetailDataset data;

    @BeforeAll
    static void load() throws IOException {
        dir = OnlineRetailDataset.defaultDir();
        data = OnlineRetailDataset.load(dir);
    }

    @Test
    void filesMatchSha256Sums() throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve(OnlineRetailDataset.CHECKSUMS_FILE), StandardCharsets.UTF_8);
        assertThat(lines).extracting(l -> l.substring(66))
                .containsExactly("interactions.csv.gz", "items.csv.gz", "users.csv.gz");
        for (String line : lines) {
            String expected = line.substring(0, 64);
            String name = line.substring(66);
            assertThat(Sha256.ofFile(dir.resolve(name))).as(name).isEqualTo(expected);
        }
    }

    @Test
    void hasTheMeasuredRowCounts() {
        assertThat(data.purchases()).hasSize(PURCHASES);
        assertThat(data.items()).hasSize(ITEMS);
        assertThat(data.users()).hasSize(USERS);
        Set<String> invoices = new HashSet<>();
        data.purchases().forEach(p -> invoices.add(p.invoice()));
        assertThat(invoices).hasSize(INVOICES);
        assertThat(data.purchases().get(0).ts()).isEqualTo(FIRST_TS);
        assertThat(data.purchases().get(PURCHASES - 1).ts()).isEqualTo(LAST_TS);
    }

    @Test
    void isConsistent() {
        Set<String> buyers = new HashSet<>();
        Set<String> bought = new HashSet<>();
        for (Purchase p : data.purchases()) {
            buyers.add(p.userId());
            bought.add(p.itemId());
            assertThat(OnlineRetailCleaner.isProductCode(p.itemId())).as(p.itemId()).isTrue();
        }
        assertThat(buyers).hasSize(USERS);        // every user bought, every item was bought
        assertThat(bought).hasSize(ITEMS);
        assertThat(data.items()).allSatisfy(i -> {
            assertThat(i.title()).isNotBlank();
            assertThat(i.category()).isEqualTo(Categories.of(i.title()));
            assertThat(i.countries()).isSorted().doesNotHaveDuplicates();
        });
        assertThat(data.itemsById().get("85123A").title()).isEqualTo("WHITE HANGING HEART T-LIGHT HOLDER");
    }
}
