package io.streamrec.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CategoriesTest {

    @ParameterizedTest
    @CsvSource({
        "15CM CHRISTMAS GLASS BALL 20 LIGHTS, christmas",        // CHRISTMAS wins over LIGHTS: first row first
        "WHITE HANGING HEART T-LIGHT HOLDER, candles_lighting",  // T-LIGHT splits into T and LIGHT
        "JUMBO BAG RED RETROSPOT, bags",
        "REGENCY CAKESTAND 3 TIER, kitchen_dining",
        "PARTY BUNTING, home_decor",
        "PACK OF 72 RETROSPOT CAKE CASES, kitchen_dining",
        "WRAP CAROUSEL, stationery_cards",
        "SPACEBOY LUNCH BOX, kitchen_dining",                    // kitchen_dining comes before toys_kids
        "diamante necklace, jewellery",                          // case-insensitive
        "BIRDHOUSE GARDEN MARKER, garden",
        "INFLATABLE POLITICAL GLOBE, other",
        "LIGHTHOUSE, other",                                     // whole tokens only
        "'', other"
    })
    void categoryOfTitle(String title, String category) {
        assertThat(Categories.of(title)).isEqualTo(category);
    }

    @Test
    void allListsTheTableThenOther() {
        assertThat(Categories.ALL).startsWith("christmas").endsWith(Categories.OTHER)
                .hasSize(Categories.TABLE.size() + 1).doesNotHaveDuplicates();
    }
}
