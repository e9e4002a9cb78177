package dev.rewind.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Who a signed-in viewer is, as their identity provider proved it. Rewind keeps this only in the
 * viewer's own identity cookie.
 *
 * @param subject the provider's subject
 * @param email the verified e-mail address
 * @param provider the provider's issuer
 * @param identityExpiresAt when the identity ends; null for no earlier end than Rewind's own
 */
public record ViewerIdentity(
        String subject, String email, String provider, Instant identityExpiresAt) {

    /** What logs name the viewer by: a hash of the subject, never the e-mail address. */
    public String logName() {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest((provider + " " + subject).getBytes(StandardCharsets.UTF_8));
            return "viewer-" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return logName();
    }
}
