package io.streamrec.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrepareOnlineRetailTest {

    @Test
    void cleansAGzipCsvIntoALoadableFolderAndPrintsTheCounts(@TempDir Path tmp) throws IOException {
        Path input = tmp.resolve("in.csv.gz");
        OnlineRetailDatasetTest.gzip(input,
                "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n"
                + "489434,85048,15CM CHRISTMAS GLASS BALL 20 LIGHTS,12,2009-12-01 07:45:00,6.95,13085,United Kingdom\n"
                + "489434,85048,15CM CHRISTMAS GLASS BALL 20 LIGHTS,12,2009-12-01 07:45:00,6.95,13085,United Kingdom\n"
                + "489434,POST,POSTAGE,1,2009-12-01 07:45:00,18,13085,United Kingdom\n"
                + "489435,22041,\"RECORD FRAME 7\"\" SINGLE SIZE \",48,2009-12-01 07:45:00,2.1,,United Kingdom\n"
                + "C489436,22041,\"RECORD FRAME 7\"\" SINGLE SIZE \",-48,2009-12-01 08:45:00,2.1,12346,France\n"
                + "489437,22041,\"RECORD FRAME 7\"\" SINGLE SIZE \",48,2009-12-01 09:45:00,2.1,12346,France\n");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Path out = tmp.resolve("out");
        OnlineRetailCleaner.Result r = PrepareOnlineRetail.run(input, out,
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(r.inputRows()).isEqualTo(6);
        assertThat(r.purchases()).hasSize(2);
        String report = printed.toString(StandardCharsets.UTF_8);
        assertThat(report).containsPattern("MISSING_CUSTOMER_ID +1 +5")
                .containsPattern("CANCELLATION +1 +4")
                .containsPattern("NON_PRODUCT_STOCK_CODE +1 +3")
                .containsPattern("DUPLICATE_LINE +1 +2")
                .contains("kept 2 purchase lines, 2 invoices, 2 items, 2 users");

        OnlineRetailDataset data = OnlineRetailDataset.load(out);
        assertThat(data.items()).extracting(Item::title)
                .containsExactly("RECORD FRAME 7\" SINGLE SIZE", "15CM CHRISTMAS GLASS BALL 20 LIGHTS");
        assertThat(data.items()).extracting(Item::category).containsExactly("home_decor", "christmas");
        assertThat(data.users()).extracting(User::userId).containsExactly("12346", "13085");
    }
}
