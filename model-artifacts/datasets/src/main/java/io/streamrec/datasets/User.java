package io.streamrec.datasets;

/**
 * One customer of the Online Retail II derivative (a row of {@code users.csv.gz}).
 *
 * @param userId      Customer ID as a string
 * @param country     the most frequent country on the customer's kept lines (ties: lexicographically smallest)
 * @param firstSeenTs epoch ms of the customer's first kept purchase
 */
public record User(String userId, String country, long firstSeenTs) {
}
