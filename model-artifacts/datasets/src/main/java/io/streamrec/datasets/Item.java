package io.streamrec.datasets;

import java.util.List;

/**
 * One product of the Online Retail II derivative (a row of {@code items.csv.gz}).
 *
 * @param itemId      StockCode, trimmed and upper-cased
 * @param title       the most frequent normalised Description on the item's kept lines
 * @param price       median unit price (pounds sterling) of the item's kept lines
 * @param category    coarse category derived from the title ({@link Categories})
 * @param firstSeenTs epoch ms of the item's first kept purchase
 * @param countries   sorted distinct countries the item was bought in (unmodifiable)
 */
public record Item(String itemId, String title, double price, String category, long firstSeenTs,
                   List<String> countries) {
    public Item {
        countries = List.copyOf(countries);
    }
}
