package dev.rewind.catalog;

import java.time.Instant;

/**
 * A signing key as stored: the public half as a JWK, the private half sealed under the master key.
 */
public record SigningKeyRecord(
        String kid,
        String publicJwk,
        byte[] privateJwkSealed,
        Instant createdAt,
        Instant retiredAt,
        Instant verifyUntil) {

    public boolean active() {
        return retiredAt == null;
    }
}
