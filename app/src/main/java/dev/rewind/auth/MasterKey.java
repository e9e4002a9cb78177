package dev.rewind.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens the private halves of signing keys with AES-256-GCM. A sealed value is a 12-byte
 * nonce followed by the ciphertext and its 16-byte tag; the key id is the associated data, so a
 * sealed key copied onto another row does not open.
 */
final class MasterKey {
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private MasterKey(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /** Parses base64 of exactly 32 bytes, naming what is wrong otherwise. */
    static MasterKey fromBase64(String encoded, String source) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(encoded.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(source + " is not valid base64");
        }
        if (bytes.length != KEY_BYTES) {
            throw new IllegalStateException(
                    source + " decodes to " + bytes.length + " bytes (expected " + KEY_BYTES + ")");
        }
        return new MasterKey(bytes);
    }

    static String generateBase64() {
        byte[] bytes = new byte[KEY_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * A 256-bit key for one purpose, derived from this one (HMAC-SHA256 of the purpose), so that no
     * other use of the master key can open what it protects.
     */
    SecretKey derive(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return new SecretKeySpec(mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8)), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    byte[] seal(String kid, byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] ciphertext = crypt(Cipher.ENCRYPT_MODE, nonce, kid, plaintext);
        return ByteBuffer.allocate(nonce.length + ciphertext.length)
                .put(nonce)
                .put(ciphertext)
                .array();
    }

    byte[] open(String kid, byte[] sealed) {
        if (sealed.length <= NONCE_BYTES) {
            throw new IllegalStateException("sealed signing key " + kid + " is too short");
        }
        var buffer = ByteBuffer.wrap(sealed);
        byte[] nonce = new byte[NONCE_BYTES];
        buffer.get(nonce);
        byte[] ciphertext = new byte[buffer.remaining()];
        buffer.get(ciphertext);
        return crypt(Cipher.DECRYPT_MODE, nonce, kid, ciphertext);
    }

    private byte[] crypt(int mode, byte[] nonce, String kid, byte[] input) {
        try {
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "signing key "
                            + kid
                            + " does not open with this master key; is"
                            + " rewind.security.master-key the one it was sealed with?",
                    e);
        }
    }
}
