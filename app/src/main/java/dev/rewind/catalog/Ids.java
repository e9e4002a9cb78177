package dev.rewind.catalog;

import java.security.SecureRandom;

/** Random identifiers and secrets in lower-case base32, safe in URLs, paths and RTMP names. */
public final class Ids {
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a stream id may be: chosen by the customer, or random. */
    public static final String STREAM_ID_PATTERN = "^[a-z0-9][a-z0-9-]{2,62}$";

    private Ids() {}

    /** A random string of {@code length} characters, five bits of entropy each. */
    public static String random(int length) {
        var chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }
}
