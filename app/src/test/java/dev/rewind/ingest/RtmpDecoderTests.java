package dev.rewind.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A presenter's bytes through the decoder on a Netty channel: handshake, chunks, control. */
class RtmpDecoderTests {
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1000), ZoneOffset.UTC);
    private static final int ANSWER = 1 + 2 * Handshake.PACKET_SIZE;

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final RtmpConnection connection = new RtmpConnection(channel, false);
    private final ChunkDecoder peer = new ChunkDecoder(1 << 20, CLOCK);
    private final byte[] c1 = plainC1();

    RtmpDecoderTests() {
        channel.pipeline().addLast(new RtmpDecoder(connection, 1 << 20, CLOCK));
    }

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    @ParameterizedTest(name = "segments of {0}")
    @CsvSource({"1 1536", "2 1535", "1000 537", "1536 1"})
    void c0AndC1InSegmentsAreAnsweredOnceComplete(String sizes) {
        byte[] c0c1 = concat(new byte[] {3}, c1);
        int[] segments = Arrays.stream(sizes.split(" ")).mapToInt(Integer::parseInt).toArray();

        send(c0c1, 0, segments[0]);
        assertThat(written()).as("after %d bytes", segments[0]).isEmpty();
        send(c0c1, segments[0], c0c1.length);

        byte[] answer = written();
        assertThat(answer).hasSize(ANSWER);
        assertThat(answer[0]).as("S0").isEqualTo((byte) 3);
        assertThat(Arrays.copyOfRange(answer, 1 + Handshake.PACKET_SIZE, ANSWER))
                .as("S2")
                .isEqualTo(c1);
    }

    @Test
    void c0AndC1ByteByByteAreAnsweredOnce() {
        byte[] c0c1 = concat(new byte[] {3}, c1);

        for (int at = 0; at < c0c1.length - 1; at++) {
            send(c0c1, at, at + 1);
        }
        assertThat(written()).isEmpty();
        send(c0c1, c0c1.length - 1, c0c1.length);

        assertThat(written()).hasSize(ANSWER);
        send(new byte[Handshake.PACKET_SIZE]);
        assertThat(written()).as("after C2").isEmpty();
        assertThat(channel.isOpen()).isTrue();
    }

    /** RTMPE (6, 8), a TLS ClientHello (0x16) and HTTP (G) on the plain port are not RTMP. */
    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {6, 8, 0, 0x16, 'G'})
    void aVersionOtherThan3ClosesTheConnectionAtOnce(int version) {
        send(new byte[] {(byte) version});
        channel.runPendingTasks();

        assertThat(channel.isOpen()).isFalse();
        assertThat(written()).isEmpty();
        assertThat(connection.ending().reason()).isEqualTo(StopReason.PROTOCOL_ERROR);
        assertThat(connection.ending().detail())
                .isEqualTo(
                        "handshake version "
                                + version
                                + " (expected 3; encrypted RTMPE and other versions are not"
                                + " supported)");
    }

    @Test
    void messagesAfterTheHandshakeGoOnAndControlMessagesStop() {
        handshake();
        byte[] command = Amf0.encode("connect", 1.0);
        byte[] audio = ChunkBytes.payload(300);

        send(
                new ChunkBytes()
                        .control(RtmpMessage.SET_CHUNK_SIZE, 4096)
                        .control(RtmpMessage.WINDOW_ACK_SIZE, 2_500_000)
                        .type0(3, 0, command.length, RtmpMessage.COMMAND_AMF0, 0)
                        .body(command)
                        .control(RtmpMessage.ACKNOWLEDGEMENT, 10)
                        .type0(4, 5, audio.length, RtmpMessage.AUDIO, 1)
                        .body(audio)
                        .bytes());

        List<RtmpMessage> messages = inbound();
        assertThat(messages).extracting(RtmpMessage::type).containsExactly(20, 8);
        assertThat(messages.get(0).payload()).isEqualTo(command);
        assertThat(messages.get(1).payload()).isEqualTo(audio);
        assertThat(written()).isEmpty();
    }

    @Test
    void theHandshakeAndTheFirstChunksMayArriveInOneSegment() {
        byte[] command = Amf0.encode("connect", 1.0);
        byte[] chunks =
                new ChunkBytes()
                        .type0(3, 0, command.length, RtmpMessage.COMMAND_AMF0, 0)
                        .body(command)
                        .bytes();

        send(concat(concat(new byte[] {3}, c1), concat(new byte[Handshake.PACKET_SIZE], chunks)));

        assertThat(written()).hasSize(ANSWER);
        assertThat(inbound()).extracting(RtmpMessage::type).containsExactly(20);
    }

    /** Section 5.4.4 and 5.4.3: an acknowledgement each time a window of bytes arrived. */
    @Test
    void anAcknowledgementFollowsEachWindowOfBytesWithTheTotalReceived() {
        handshake();
        send(new ChunkBytes().control(RtmpMessage.WINDOW_ACK_SIZE, 5000).bytes());
        byte[] audio = new ChunkBytes().message(4, 0, 8, 1, ChunkBytes.payload(1000), 128).bytes();
        long total = ANSWER + 16;

        send(audio);
        total += audio.length;
        assertThat(written()).as("at %d bytes", total).isEmpty();
        send(audio);
        total += audio.length;
        assertThat(acknowledgements()).as("at %d bytes", total).containsExactly(total);

        long acknowledged = total;
        while (total + audio.length - acknowledged < 5000) {
            send(audio);
            total += audio.length;
        }
        assertThat(acknowledgements()).as("at %d bytes", total).isEmpty();
        send(audio);
        total += audio.length;
        assertThat(acknowledgements()).as("at %d bytes", total).containsExactly(total);
    }

    /**
     * Bytes count when they arrive, not when the chunk they belong to is complete. Rewind counted
     * them only once read, so with a large chunk size a whole video frame went unacknowledged.
     */
    @Test
    void anAcknowledgementDoesNotWaitForTheChunkInProgress() {
        handshake();
        send(
                new ChunkBytes()
                        .control(RtmpMessage.SET_CHUNK_SIZE, 65536)
                        .control(RtmpMessage.WINDOW_ACK_SIZE, 5000)
                        .bytes());
        byte[] video = ChunkBytes.payload(20_000);
        byte[] chunk = new ChunkBytes().message(4, 0, 9, 1, video, 65536).bytes();

        send(chunk, 0, 3000);

        long total = ANSWER + 32 + 3000;
        assertThat(acknowledgements()).containsExactly(total);
        send(chunk, 3000, chunk.length);
        assertThat(acknowledgements()).containsExactly(total + chunk.length - 3000);
        assertThat(inbound()).extracting(RtmpMessage::payload).containsExactly(video);
    }

    @Test
    void withoutAWindowNoAcknowledgementIsSent() {
        handshake();

        send(new ChunkBytes().message(4, 0, 8, 1, ChunkBytes.payload(100_000), 128).bytes());

        assertThat(written()).isEmpty();
    }

    /** Section 6.2 (user control event 6 and 7): the response carries the request's time. */
    @Test
    void aPingRequestIsAnsweredWithAPingResponse() {
        handshake();
        byte[] ping = HexFormat.of().parseHex("000600abcdef");

        send(
                new ChunkBytes()
                        .type0(2, 0, ping.length, RtmpMessage.USER_CONTROL, 0)
                        .body(ping)
                        .bytes());

        byte[] written = written();
        assertThat(written[0]).as("type 0 chunk on chunk stream 2").isEqualTo((byte) 0x02);
        List<RtmpMessage> answers = decode(written);
        assertThat(answers).hasSize(1);
        RtmpMessage pong = answers.get(0);
        assertThat(pong.type()).isEqualTo(RtmpMessage.USER_CONTROL);
        assertThat(pong.streamId()).isZero();
        assertThat(HexFormat.of().formatHex(pong.payload())).isEqualTo("000700abcdef");
        assertThat(inbound()).isEmpty();
    }

    @Test
    void otherUserControlEventsAreNotAnswered() {
        handshake();
        byte[] setBufferLength = HexFormat.of().parseHex("00030000000100000bb8");
        byte[] shortPing = HexFormat.of().parseHex("0006");

        send(
                new ChunkBytes()
                        .type0(2, 0, setBufferLength.length, RtmpMessage.USER_CONTROL, 0)
                        .body(setBufferLength)
                        .type1(2, 0, shortPing.length, RtmpMessage.USER_CONTROL)
                        .body(shortPing)
                        .bytes());

        assertThat(written()).isEmpty();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aProtocolErrorClosesTheConnectionAndTheBytesAfterItAreIgnored() {
        handshake();
        byte[] audio = new ChunkBytes().type0(4, 0, 1, RtmpMessage.AUDIO, 1).raw(1).bytes();

        send(concat(new ChunkBytes().type1(9, 0, 10, 8).bytes(), audio));
        channel.runPendingTasks();

        assertThat(channel.isOpen()).isFalse();
        assertThat(connection.ending().reason()).isEqualTo(StopReason.PROTOCOL_ERROR);
        assertThat(connection.ending().detail())
                .isEqualTo(
                        "chunk type 1 on chunk stream 9 before any type 0 chunk"
                                + " (expected type 0 first)");
        assertThat(inbound()).isEmpty();
    }

    @Test
    void aWindowAcknowledgementSizeOfTwoBytesIsAProtocolError() {
        handshake();

        send(new ChunkBytes().type0(2, 0, 2, RtmpMessage.WINDOW_ACK_SIZE, 0).raw(0, 1).bytes());
        channel.runPendingTasks();

        assertThat(channel.isOpen()).isFalse();
        assertThat(connection.ending().detail())
                .isEqualTo("window acknowledgement size of 2 bytes (expected 4)");
    }

    private void handshake() {
        send(concat(new byte[] {3}, c1));
        send(new byte[Handshake.PACKET_SIZE]);
        assertThat(written()).hasSize(ANSWER);
    }

    private void send(byte[] bytes) {
        send(bytes, 0, bytes.length);
    }

    private void send(byte[] bytes, int from, int to) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, from, to - from));
    }

    /** Everything Rewind wrote since the last call. */
    private byte[] written() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object message; (message = channel.readOutbound()) != null; ) {
            ByteBuf buffer = (ByteBuf) message;
            byte[] bytes = new byte[buffer.readableBytes()];
            buffer.readBytes(bytes);
            buffer.release();
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    /** The chunk stream Rewind wrote after the handshake, as the presenter reads it. */
    private List<RtmpMessage> decode(byte[] written) {
        List<Object> out = new ArrayList<>();
        peer.decode(Unpooled.wrappedBuffer(written), out);
        return out.stream().map(RtmpMessage.class::cast).toList();
    }

    private List<Long> acknowledgements() {
        return decode(written()).stream()
                .filter(message -> message.type() == RtmpMessage.ACKNOWLEDGEMENT)
                .map(message -> RtmpMessage.readInt32(message.payload(), 0) & 0xFFFFFFFFL)
                .toList();
    }

    private List<RtmpMessage> inbound() {
        List<RtmpMessage> messages = new ArrayList<>();
        for (Object message; (message = channel.readInbound()) != null; ) {
            messages.add((RtmpMessage) message);
        }
        return messages;
    }

    private static byte[] plainC1() {
        byte[] c1 = new byte[Handshake.PACKET_SIZE];
        new Random(7).nextBytes(c1);
        Arrays.fill(c1, 0, 8, (byte) 0);
        return c1;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
