package dev.rewind.catalog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Stream keys: 32 random base32 characters (160 bits), kept by Rewind only as their SHA-256, so
 * that the catalog never holds a key that would let anyone publish.
 */
public final class StreamKeys {
    private static final int LENGTH = 32;

    private StreamKeys() {}

    public static String generate() {
        return Ids.random(LENGTH);
    }

    public static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
