package io.streamrec.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnlineRetailDatasetTest {

    static final List<Item> ITEMS = List.of(
            new Item("22041", "RECORD FRAME 7\" SINGLE, SIZE", 2.55, "home_decor", 1_259_653_500_000L,
                    List.of("EIRE", "United Kingdom")),
            new Item("85123A", "WHITE HANGING HEART T-LIGHT HOLDER", 0.0015, "candles_lighting", 1_259_660_760_000L,
                    List.of("United Kingdom")),
            new Item("DCGSSBOY", "BOYS PARTY BAG", 1250.0, "bags", 1_259_700_000_000L, List.of("France")));
    static final List<User> USERS = List.of(
            new User("12346", "United Kingdom", 1_259_653_500_000L),
            new User("13085", "EIRE", 1_259_660_760_000L));
    static final List<Purchase> PURCHASES = List.of(
            new Purchase(1_259_653_500_000L, "12346", "22041", "489434", 48, 2.1, "United Kingdom"),
            new Purchase(1_259_653_500_000L, "12346", "85123A", "489434", 6, 0.0015, "United Kingdom"),
            new Purchase(1_259_660_760_000L, "13085", "22041", "489436", 1, 3, "EIRE"),
            new Purchase(1_259_700_000_000L, "13085", "DCGSSBOY", "489437", 100_000, 1250.0, "France"));

    @Test
    void roundTrips(@TempDir Path dir) throws IOException {
        String sums = OnlineRetailDataset.write(dir, ITEMS, USERS, PURCHASES);
        OnlineRetailDataset data = OnlineRetailDataset.load(dir);
        assertThat(data.items()).containsExactlyElementsOf(ITEMS);
        assertThat(data.users()).containsExactlyElementsOf(USERS);
        assertThat(data.purchases()).containsExactlyElementsOf(PURCHASES);
        assertThat(data.itemsById()).containsOnlyKeys("22041", "85123A", "DCGSSBOY");
        assertThat(data.usersById().get("13085").country()).isEqualTo("EIRE");
        assertThat(sums.lines()).hasSize(3).allMatch(l -> l.matches("[0-9a-f]{64}  [a-z]+\\.csv\\.gz"));
        assertThat(Files.readString(dir.resolve("SHA256SUMS"))).isEqualTo(sums);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "interactions.csv.gz", "items.csv.gz", "users.csv.gz", "SHA256SUMS");   // no .tmp left
        }
    }

    @Test
    void writesPlainCsvQuotingOnlyWhenNeeded(@TempDir Path dir) throws IOException {
        OnlineRetailDataset.write(dir, ITEMS, USERS, PURCHASES);
        assertThat(gunzip(dir.resolve("items.csv.gz"))).isEqualTo(
                "item_id,title,price,category,first_seen_ts,countries\n"
                + "22041,\"RECORD FRAME 7\"\" SINGLE, SIZE\",2.55,home_decor,1259653500000,EIRE;United Kingdom\n"
                + "85123A,WHITE HANGING HEART T-LIGHT HOLDER,0.0015,candles_lighting,1259660760000,United Kingdom\n"
                + "DCGSSBOY,BOYS PARTY BAG,1250,bags,1259700000000,France\n");
        assertThat(gunzip(dir.resolve("interactions.csv.gz"))).startsWith(
                "ts,user_id,item_id,invoice,quantity,price,country\n"
                + "1259653500000,12346,22041,489434,48,2.1,United Kingdom\n");
    }

    @Test
    void writesByteIdenticalGzipWithoutTimestampOrName(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        OnlineRetailDataset.write(a, ITEMS, USERS, PURCHASES);
        OnlineRetailDataset.write(b, ITEMS, USERS, PURCHASES);
        for (String name : List.of("interactions.csv.gz", "items.csv.gz", "users.csv.gz", "SHA256SUMS")) {
            assertThat(Files.readAllBytes(a.resolve(name))).as(name).isEqualTo(Files.readAllBytes(b.resolve(name)));
        }
        byte[] gz = Files.readAllBytes(a.resolve("items.csv.gz"));
        assertThat(gz[0] & 0xff).isEqualTo(0x1f);
        assertThat(gz[1] & 0xff).isEqualTo(0x8b);
        assertThat(gz[3]).as("FLG: no FNAME/FCOMMENT/FEXTRA").isZero();
        assertThat(new byte[] {gz[4], gz[5], gz[6], gz[7]}).as("MTIME").containsOnly(0);
    }

    @Test
    void streamsPurchasesLazily(@TempDir Path dir) throws IOException {
        OnlineRetailDataset.write(dir, ITEMS, USERS, PURCHASES);
        try (Stream<Purchase> s = OnlineRetailDataset.streamPurchases(dir)) {
            assertThat(s.limit(2)).containsExactlyElementsOf(PURCHASES.subList(0, 2));
        }
        List<Purchase> seen = new ArrayList<>();
        try (OnlineRetailDataset.PurchaseIterator it = OnlineRetailDataset.openPurchases(dir)) {
            while (it.hasNext()) {
                seen.add(it.next());
                assertThat(it.line()).isEqualTo(seen.size() + 1);
            }
        }
        assertThat(seen).isEqualTo(PURCHASES);
    }

    @Test
    void rejectsACorruptValueNamingFileAndLine(@TempDir Path dir) throws IOException {
        OnlineRetailDataset.write(dir, ITEMS, USERS, PURCHASES);
        String csv = gunzip(dir.resolve("interactions.csv.gz"));
        gzip(dir.resolve("interactions.csv.gz"), csv.replace(",100000,1250,", ",lots,1250,"));
        assertThatThrownBy(() -> OnlineRetailDataset.load(dir))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("interactions.csv.gz line 5").hasMessageContaining("quantity is not an integer")
                .satisfies(e -> {
                    DatasetFormatException d = (DatasetFormatException) e;
                    assertThat(d.file()).isEqualTo(dir.resolve("interactions.csv.gz"));
                    assertThat(d.line()).isEqualTo(5);
                });
    }

    @Test
    void rejectsStructuralProblems(@TempDir Path dir) throws IOException {
        OnlineRetailDataset.write(dir, ITEMS, USERS, PURCHASES);
        String interactions = gunzip(dir.resolve("interactions.csv.gz"));
        String items = gunzip(dir.resolve("items.csv.gz"));

        gzip(dir.resolve("interactions.csv.gz"), interactions.replace("DCGSSBOY", "NOPE1"));
        assertThatThrownBy(() -> OnlineRetailDataset.load(dir)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("interactions.csv.gz line 5").hasMessageContaining("item_id NOPE1 is not in");

        gzip(dir.resolve("interactions.csv.gz"), interactions.replace("1259700000000,13085", "1259000000000,13085"));
        assertThatThrownBy(() -> OnlineRetailDataset.load(dir)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("line 5").hasMessageContaining("must be sorted");

        gzip(dir.resolve("interactions.csv.gz"), interactions.replace("ts,user_id", "time,user_id"));
        assertThatThrownBy(() -> OnlineRetailDataset.load(dir)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("line 1").hasMessageContaining("unexpected header");

        gzip(dir.resolve("interactions.csv.gz"), interactions + "1259700000000,13085,22041,489438,1\n");
        assertThatThrownBy(() -> OnlineRetailDataset.load(dir)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("line 6").hasMessageContaining("expected 7 fields, found 5");

        gzip(dir.resolve("interactions.csv.gz"), interactions);
        gzip(dir.resolve("items.csv.gz"), items.replace(",bags,", ",weapons,"));
        assertThatThrownBy(() -> OnlineRetailDataset.load(dir)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("items.csv.gz line 4").hasMessageContaining("unknown category weapons");

        gzip(dir.resolve("items.csv.gz"), items.replace(",2.55,", ",-2.55,"));
        assertThatThrownBy(() -> OnlineRetailDataset.load(dir)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("items.csv.gz line 2").hasMessageContaining("price must be");

        gzip(dir.resolve("items.csv.gz"), items.replace("\"RECORD FRAME", "RECORD \"FRAME"));
        assertThatThrownBy(() -> OnlineRetailDataset.load(dir)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("items.csv.gz line");

        Files.writeString(dir.resolve("items.csv.gz"), "not gzip");
        assertThatThrownBy(() -> OnlineRetailDataset.load(dir)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("items.csv.gz").hasMessageContaining("not a gzip file");
    }

    @Test
    void findsTheShippedFolder() {
        Path dir = OnlineRetailDataset.defaultDir();
        assertThat(dir.endsWith(Path.of(OnlineRetailDataset.REPO_RELATIVE_DIR))).isTrue();
        assertThat(dir.resolve("interactions.csv.gz")).isRegularFile();
    }

    @Test
    void defaultDirHonoursThePropertyAndFailsClearly(@TempDir Path dir) throws IOException {
        String old = System.getProperty(OnlineRetailDataset.DIR_PROPERTY);
        try {
            System.setProperty(OnlineRetailDataset.DIR_PROPERTY, dir.toString());
            assertThatThrownBy(OnlineRetailDataset::defaultDir).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("has no interactions.csv.gz");
            OnlineRetailDataset.write(dir, ITEMS, USERS, PURCHASES);
            assertThat(OnlineRetailDataset.defaultDir()).isEqualTo(dir.toAbsolutePath().normalize());
        } finally {
            if (old == null) {
                System.clearProperty(OnlineRetailDataset.DIR_PROPERTY);
            } else {
                System.setProperty(OnlineRetailDataset.DIR_PROPERTY, old);
            }
        }
    }

    static String gunzip(Path file) throws IOException {
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(file))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static void gzip(Path file, String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new java.util.zip.GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        Files.write(file, bytes.toByteArray());
    }
}
