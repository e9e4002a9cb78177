package dev.rewind.ingest;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server side of the RTMP handshake (RTMP 1.0 specification, section 5.2).
 *
 * <p>Besides the plain handshake of the specification, Flash-era clients (librtmp, ffmpeg, OBS)
 * send a C1 with an HMAC-SHA256 digest at a position derived from its own bytes, and expect S1 and
 * S2 to carry digests made with the server's well-known key. Rewind answers each client in its own
 * scheme: a C1 whose digest checks out gets a digest reply, any other C1 gets the plain echo.
 */
final class Handshake {
    static final int VERSION = 3;
    static final int PACKET_SIZE = 1536;

    private static final int DIGEST_SIZE = 32;
    private static final byte[] SHARED_TAIL = {
        (byte) 0xF0,
        (byte) 0xEE,
        (byte) 0xC2,
        0x4A,
        (byte) 0x80,
        0x68,
        (byte) 0xBE,
        (byte) 0xE8,
        0x2E,
        0x00,
        (byte) 0xD0,
        (byte) 0xD1,
        0x02,
        (byte) 0x9E,
        0x7E,
        0x57,
        0x6E,
        (byte) 0xEC,
        0x5D,
        0x2D,
        0x29,
        (byte) 0x80,
        0x6F,
        (byte) 0xAB,
        (byte) 0x93,
        (byte) 0xB8,
        (byte) 0xE6,
        0x36,
        (byte) 0xCF,
        (byte) 0xEB,
        0x31,
        (byte) 0xAE
    };
    private static final byte[] CLIENT_KEY = key("Genuine Adobe Flash Player 001");
    private static final byte[] SERVER_KEY = key("Genuine Adobe Flash Media Server 001");
    private static final int CLIENT_KEY_TEXT = 30;
    private static final int SERVER_KEY_TEXT = 36;

    /** Server version announced in a digest S1, as Flash Media Server did. */
    private static final byte[] SERVER_VERSION = {0x0D, 0x0E, 0x0A, 0x0D};

    private static final Random RANDOM = new SecureRandom();

    private Handshake() {}

    /** S1 and S2 for a client's C1, and which scheme the client used. */
    record Reply(byte[] s1, byte[] s2, boolean digest) {}

    /** Answers C1 (1536 bytes). */
    static Reply reply(byte[] c1) {
        int clientDigest = clientDigestOffset(c1);
        if (clientDigest < 0) {
            return new Reply(plainS1(), c1.clone(), false);
        }
        byte[] digest = Arrays.copyOfRange(c1, clientDigest, clientDigest + DIGEST_SIZE);
        int scheme = clientDigest < 772 ? 8 : 772;
        return new Reply(digestS1(scheme), digestS2(digest), true);
    }

    /** Where C1's digest is, under either scheme; -1 when C1 carries none. */
    static int clientDigestOffset(byte[] c1) {
        if (c1[4] == 0 && c1[5] == 0 && c1[6] == 0 && c1[7] == 0) {
            return -1; // a zero version field means the plain handshake
        }
        for (int scheme : new int[] {772, 8}) {
            int offset = digestOffset(c1, scheme);
            byte[] expected = digest(c1, offset, CLIENT_KEY, CLIENT_KEY_TEXT);
            byte[] actual = Arrays.copyOfRange(c1, offset, offset + DIGEST_SIZE);
            if (MessageDigest.isEqual(expected, actual)) {
                return offset;
            }
        }
        return -1;
    }

    /** Digest position for a scheme whose offset bytes start at {@code base} (8 or 772). */
    static int digestOffset(byte[] packet, int base) {
        int sum =
                (packet[base] & 0xFF)
                        + (packet[base + 1] & 0xFF)
                        + (packet[base + 2] & 0xFF)
                        + (packet[base + 3] & 0xFF);
        return sum % 728 + base + 4;
    }

    /** HMAC-SHA256 over the packet without the 32 digest bytes at {@code offset}. */
    static byte[] digest(byte[] packet, int offset, byte[] key, int keyLength) {
        Mac mac = hmac(key, keyLength);
        mac.update(packet, 0, offset);
        mac.update(packet, offset + DIGEST_SIZE, packet.length - offset - DIGEST_SIZE);
        return mac.doFinal();
    }

    static byte[] clientKey() {
        return CLIENT_KEY.clone();
    }

    static int clientKeyTextLength() {
        return CLIENT_KEY_TEXT;
    }

    private static byte[] plainS1() {
        byte[] s1 = random();
        System.arraycopy(new byte[8], 0, s1, 0, 8); // time 0, then four zero bytes
        return s1;
    }

    private static byte[] digestS1(int scheme) {
        byte[] s1 = random();
        System.arraycopy(new byte[4], 0, s1, 0, 4);
        System.arraycopy(SERVER_VERSION, 0, s1, 4, 4);
        int offset = digestOffset(s1, scheme);
        byte[] digest = digest(s1, offset, SERVER_KEY, SERVER_KEY_TEXT);
        System.arraycopy(digest, 0, s1, offset, DIGEST_SIZE);
        return s1;
    }

    private static byte[] digestS2(byte[] clientDigest) {
        byte[] s2 = random();
        byte[] key = hmac(SERVER_KEY, SERVER_KEY.length).doFinal(clientDigest);
        Mac mac = hmac(key, key.length);
        mac.update(s2, 0, PACKET_SIZE - DIGEST_SIZE);
        System.arraycopy(mac.doFinal(), 0, s2, PACKET_SIZE - DIGEST_SIZE, DIGEST_SIZE);
        return s2;
    }

    private static byte[] random() {
        byte[] bytes = new byte[PACKET_SIZE];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static Mac hmac(byte[] key, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, 0, length, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static byte[] key(String text) {
        byte[] ascii = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] key = Arrays.copyOf(ascii, ascii.length + SHARED_TAIL.length);
        System.arraycopy(SHARED_TAIL, 0, key, ascii.length, SHARED_TAIL.length);
        return key;
    }
}
