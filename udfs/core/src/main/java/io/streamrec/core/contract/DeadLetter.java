package io.streamrec.core.contract;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A record that could not be used, on {@code dead-letters}: where it came from, what it was (truncated to
 * {@link Limits#MAX_DEAD_LETTER_RAW_CHARS}), and exactly why it was refused.
 *
 * @param job the job that refused it (several jobs read the same topic and each reports what it refused)
 * @param ts wall-clock time the record was refused, epoch millis
 */
public record DeadLetter(
    @JsonProperty("topic") String topic,
    @JsonProperty("partition") int partition,
    @JsonProperty("offset") long offset,
    @JsonProperty("key") String key,
    @JsonProperty("raw") String raw,
    @JsonProperty("reason") String reason,
    @JsonProperty("job") String job,
    @JsonProperty("ts") long ts) {

  /** Builds a dead letter, decoding and truncating the raw bytes safely (they may not even be UTF-8). */
  public static DeadLetter of(
      String topic, int partition, long offset, byte[] key, byte[] raw, String reason, String job, long ts) {
    return new DeadLetter(topic, partition, offset, truncate(key), truncate(raw), reason, job, ts);
  }

  static String truncate(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    int max = Limits.MAX_DEAD_LETTER_RAW_CHARS;
    // Decoding first and truncating chars avoids cutting a multi-byte character in half.
    String s = new String(bytes, 0, Math.min(bytes.length, max * 4), java.nio.charset.StandardCharsets.UTF_8);
    if (s.length() <= max) {
      return s;
    }
    // Nor cut a surrogate pair (a character outside the BMP, such as an emoji) in half.
    int cut = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
    return s.substring(0, cut) + "…[" + bytes.length + " bytes]";
  }
}
