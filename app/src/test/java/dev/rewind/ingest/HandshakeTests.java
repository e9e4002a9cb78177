package dev.rewind.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server side of the handshake: the plain one of the RTMP 1.0 specification (section 5.2) and
 * the digest one that Flash Player and its heirs (librtmp, FFmpeg, OBS) use. Expected digests are
 * computed here from the published keys, not with Rewind's helpers.
 */
class HandshakeTests {
    private static final int SIZE = 1536;
    private static final byte[] KEY_TAIL =
            HexFormat.of()
                    .parseHex("f0eec24a8068bee82e00d0d1029e7e576eec5d2d29806fab93b8e636cfeb31ae");
    private static final byte[] PLAYER_KEY = key("Genuine Adobe Flash Player 001");
    private static final byte[] SERVER_KEY = key("Genuine Adobe Flash Media Server 001");

    /** The version FFmpeg announces in C1: Flash Player 9.0.124.2. */
    private static final byte[] PLAYER_VERSION = {9, 0, 124, 2};

    private final Random random = new Random(20240611);

    @Test
    void aPlainC1IsAnsweredWithAnS2ThatEchoesIt() {
        byte[] c1 = randomPacket();
        Arrays.fill(c1, 4, 8, (byte) 0);

        Handshake.Reply reply = Handshake.reply(c1);

        assertThat(reply.digest()).isFalse();
        assertThat(reply.s2()).isEqualTo(c1);
        assertThat(reply.s1()).hasSize(SIZE);
        assertThat(Arrays.copyOfRange(reply.s1(), 4, 8)).containsOnly(0); // section 5.2.3: zero
    }

    @Test
    void theS2EchoIsACopy() {
        byte[] c1 = randomPacket();
        Arrays.fill(c1, 4, 8, (byte) 0);
        byte[] original = c1.clone();

        Handshake.Reply reply = Handshake.reply(c1);
        c1[100]++;

        assertThat(reply.s2()).isEqualTo(original);
    }

    @Test
    void aC1WithAVersionButNoValidDigestGetsThePlainEcho() {
        byte[] c1 = randomPacket();
        System.arraycopy(PLAYER_VERSION, 0, c1, 4, 4);

        Handshake.Reply reply = Handshake.reply(c1);

        assertThat(reply.digest()).isFalse();
        assertThat(reply.s2()).isEqualTo(c1);
    }

    @ParameterizedTest(name = "offsets at byte {0}")
    @ValueSource(ints = {8, 772})
    void aDigestC1IsAnsweredWithServerDigestsInS1AndS2(int scheme) throws Exception {
        byte[] c1 = digestC1(scheme);
        int clientOffset = digestOffset(c1, scheme);
        byte[] clientDigest = Arrays.copyOfRange(c1, clientOffset, clientOffset + 32);

        Handshake.Reply reply = Handshake.reply(c1);

        assertThat(reply.digest()).isTrue();
        byte[] s1 = reply.s1();
        assertThat(Arrays.copyOfRange(s1, 4, 8)).as("server version").isNotEqualTo(new byte[4]);
        int serverOffset = digestOffset(s1, scheme);
        assertThat(Arrays.copyOfRange(s1, serverOffset, serverOffset + 32))
                .as("S1 digest at byte %d", serverOffset)
                .isEqualTo(digestWithout(s1, serverOffset, Arrays.copyOf(SERVER_KEY, 36)));

        byte[] s2 = reply.s2();
        byte[] s2Key = hmac(SERVER_KEY, clientDigest);
        assertThat(Arrays.copyOfRange(s2, SIZE - 32, SIZE))
                .as("S2 signature")
                .isEqualTo(hmac(s2Key, Arrays.copyOf(s2, SIZE - 32)));
        assertThat(s2).isNotEqualTo(c1);
    }

    @Test
    void theS2KeyIsDerivedWithAllOfTheServerKey() throws Exception {
        byte[] c1 = digestC1(8);
        int clientOffset = digestOffset(c1, 8);
        byte[] clientDigest = Arrays.copyOfRange(c1, clientOffset, clientOffset + 32);

        byte[] s2 = Handshake.reply(c1).s2();

        byte[] shortKey = hmac(Arrays.copyOf(SERVER_KEY, 36), clientDigest);
        assertThat(SERVER_KEY).hasSize(68);
        assertThat(Arrays.copyOfRange(s2, SIZE - 32, SIZE))
                .isNotEqualTo(hmac(shortKey, Arrays.copyOf(s2, SIZE - 32)));
    }

    @ParameterizedTest(name = "offsets at byte {0}")
    @ValueSource(ints = {8, 772})
    void theClientDigestIsFoundUnderEitherScheme(int scheme) throws Exception {
        byte[] c1 = digestC1(scheme);

        assertThat(Handshake.clientDigestOffset(c1)).isEqualTo(digestOffset(c1, scheme));
    }

    @Test
    void aPlainC1HasNoClientDigest() {
        byte[] c1 = randomPacket();
        Arrays.fill(c1, 4, 8, (byte) 0);

        assertThat(Handshake.clientDigestOffset(c1)).isEqualTo(-1);
    }

    @Test
    void eachS1IsFreshlyRandom() throws Exception {
        byte[] c1 = digestC1(8);

        assertThat(Handshake.reply(c1).s1()).isNotEqualTo(Handshake.reply(c1).s1());
    }

    /** A C1 as FFmpeg and librtmp build it: time, player version, random, digest at an offset. */
    private byte[] digestC1(int scheme) throws GeneralSecurityException {
        byte[] c1 = randomPacket();
        Arrays.fill(c1, 0, 4, (byte) 0);
        System.arraycopy(PLAYER_VERSION, 0, c1, 4, 4);
        int offset = digestOffset(c1, scheme);
        byte[] digest = digestWithout(c1, offset, Arrays.copyOf(PLAYER_KEY, 30));
        System.arraycopy(digest, 0, c1, offset, 32);
        return c1;
    }

    /** The four bytes at {@code base} (8 or 772), summed, modulo 728, after those four bytes. */
    private static int digestOffset(byte[] packet, int base) {
        int sum = 0;
        for (int i = base; i < base + 4; i++) {
            sum += packet[i] & 0xFF;
        }
        return base + 4 + sum % 728;
    }

    private static byte[] digestWithout(byte[] packet, int offset, byte[] key)
            throws GeneralSecurityException {
        byte[] rest = new byte[SIZE - 32];
        System.arraycopy(packet, 0, rest, 0, offset);
        System.arraycopy(packet, offset + 32, rest, offset, SIZE - 32 - offset);
        return hmac(key, rest);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private byte[] randomPacket() {
        byte[] packet = new byte[SIZE];
        random.nextBytes(packet);
        return packet;
    }

    private static byte[] key(String text) {
        byte[] ascii = text.getBytes(StandardCharsets.US_ASCII);
        byte[] key = Arrays.copyOf(ascii, ascii.length + KEY_TAIL.length);
        System.arraycopy(KEY_TAIL, 0, key, ascii.length, KEY_TAIL.length);
        return key;
    }
}
