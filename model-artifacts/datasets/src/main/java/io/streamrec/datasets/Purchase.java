package io.streamrec.datasets;

/**
 * One kept purchase line of the Online Retail II derivative (a row of {@code interactions.csv.gz}).
 *
 * @param ts       invoice time, epoch milliseconds (the source's InvoiceDate read as Europe/London local time)
 * @param userId   the source's Customer ID as a string, e.g. {@code "13085"}
 * @param itemId   the source's StockCode, trimmed and upper-cased
 * @param invoice  the invoice number (never a cancellation: those are dropped)
 * @param quantity units bought, always &gt; 0
 * @param price    unit price in pounds sterling, always &gt; 0
 * @param country  the customer's country as given on this line
 */
public record Purchase(long ts, String userId, String itemId, String invoice, int quantity, double price,
                       String country) {
}
