package dev.rewind.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The chunk stream of the RTMP 1.0 specification, section 5.3, and its control messages. */
class ChunkDecoderTests {
    private static final long NOW_MS = 1_700_000_000_123L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW_MS), ZoneOffset.UTC);
    private static final int MAX_MESSAGE = 1 << 20;
    private static final int AUDIO = RtmpMessage.AUDIO;
    private static final int VIDEO = RtmpMessage.VIDEO;

    private final Feed feed = new Feed(MAX_MESSAGE);

    /** What a test compares of a message; hex payloads make diffs readable. */
    record Seen(int type, long timestampMs, int streamId, String payload) {
        static Seen of(RtmpMessage message) {
            return new Seen(
                    message.type(),
                    message.timestampMs(),
                    message.streamId(),
                    HexFormat.of().formatHex(message.payload()));
        }

        static Seen of(int type, long timestampMs, int streamId, byte[] payload) {
            return new Seen(type, timestampMs, streamId, HexFormat.of().formatHex(payload));
        }
    }

    /** The bytes of one connection as TCP delivers them, decoded as they accumulate. */
    static final class Feed {
        final ChunkDecoder decoder;
        private final ByteBuf cumulation = Unpooled.buffer();

        Feed(int maxMessageSize) {
            decoder = new ChunkDecoder(maxMessageSize, CLOCK);
        }

        List<RtmpMessage> add(byte[] bytes) {
            return add(bytes, 0, bytes.length);
        }

        List<RtmpMessage> add(byte[] bytes, int from, int to) {
            cumulation.writeBytes(bytes, from, to - from);
            List<Object> out = new ArrayList<>();
            decoder.decode(cumulation, out);
            cumulation.discardReadBytes();
            return out.stream().map(RtmpMessage.class::cast).toList();
        }

        List<Seen> seen(byte[] bytes) {
            return add(bytes).stream().map(Seen::of).toList();
        }

        int unread() {
            return cumulation.readableBytes();
        }
    }

    @Test
    void aType0ChunkCarriesTheWholeHeader() {
        byte[] payload = ChunkBytes.payload(10);

        List<RtmpMessage> messages =
                feed.add(new ChunkBytes().type0(3, 1000, 10, 20, 1).body(payload).bytes());

        assertThat(messages).hasSize(1);
        RtmpMessage message = messages.get(0);
        assertThat(message.type()).isEqualTo(20);
        assertThat(message.timestampMs()).isEqualTo(1000);
        assertThat(message.streamId()).isEqualTo(1);
        assertThat(message.payload()).isEqualTo(payload);
        assertThat(message.receivedAtMs()).isEqualTo(NOW_MS);
        assertThat(feed.unread()).isZero();
    }

    @Test
    void theMessageStreamIdIsLittleEndianAndTheOtherFieldsBigEndian() {
        byte[] chunk = {
            0x03, 0x01, 0x02, 0x03, 0x00, 0x00, 0x01, 0x09, 0x04, 0x03, 0x02, 0x01, 0x7F
        };

        List<Seen> seen = feed.seen(chunk);

        assertThat(seen).containsExactly(new Seen(9, 0x010203, 0x01020304, "7f"));
    }

    /** Section 5.3.2.1, example 1: audio messages of one size at a steady pace. */
    @Test
    void specExample1Type2ThenType3ChunksRepeatLengthTypeStreamAndDelta() {
        byte[][] audio = {
            ChunkBytes.payload(32, 1),
            ChunkBytes.payload(32, 2),
            ChunkBytes.payload(32, 3),
            ChunkBytes.payload(32, 4)
        };
        byte[] bytes =
                new ChunkBytes()
                        .type0(3, 1000, 32, AUDIO, 12345)
                        .body(audio[0])
                        .type2(3, 33)
                        .body(audio[1])
                        .type3(3)
                        .body(audio[2])
                        .type3(3)
                        .body(audio[3])
                        .bytes();

        assertThat(feed.seen(bytes))
                .containsExactly(
                        Seen.of(AUDIO, 1000, 12345, audio[0]),
                        Seen.of(AUDIO, 1033, 12345, audio[1]),
                        Seen.of(AUDIO, 1066, 12345, audio[2]),
                        Seen.of(AUDIO, 1099, 12345, audio[3]));
    }

    /** Section 5.3.2.2, example 2: a 307-byte video message in chunks of 128, 128 and 51. */
    @Test
    void specExample2Type3ChunksContinueALongMessage() {
        byte[] video = ChunkBytes.payload(307);
        byte[] bytes =
                new ChunkBytes()
                        .type0(4, 1000, 307, VIDEO, 12346)
                        .body(video, 0, 128)
                        .type3(4)
                        .body(video, 128, 256)
                        .type3(4)
                        .body(video, 256, 307)
                        .bytes();

        assertThat(feed.seen(bytes)).containsExactly(Seen.of(VIDEO, 1000, 12346, video));
    }

    @Test
    void aType1ChunkKeepsTheStreamIdAndChangesLengthAndType() {
        byte[] first = ChunkBytes.payload(4);
        byte[] second = ChunkBytes.payload(6, 9);
        byte[] bytes =
                new ChunkBytes()
                        .type0(5, 500, 4, VIDEO, 7)
                        .body(first)
                        .type1(5, 40, 6, AUDIO)
                        .body(second)
                        .bytes();

        assertThat(feed.seen(bytes))
                .containsExactly(Seen.of(VIDEO, 500, 7, first), Seen.of(AUDIO, 540, 7, second));
    }

    @Test
    void aType3ChunkStartingAMessageAfterAType1ChunkRepeatsItsDelta() {
        byte[] bytes =
                new ChunkBytes()
                        .type0(5, 500, 1, VIDEO, 1)
                        .raw(1)
                        .type1(5, 40, 2, AUDIO)
                        .raw(2, 2)
                        .type3(5)
                        .raw(3, 3)
                        .bytes();

        assertThat(feed.seen(bytes))
                .extracting(Seen::timestampMs, Seen::type, Seen::payload)
                .containsExactly(
                        tuple(500L, VIDEO, "01"),
                        tuple(540L, AUDIO, "0202"),
                        tuple(580L, AUDIO, "0303"));
    }

    /**
     * Section 5.3.1.2.4: "If a Type 3 chunk follows a Type 0 chunk, then the timestamp delta for
     * this Type 3 chunk is the same as the timestamp of the Type 0 chunk." FFmpeg sends one when
     * its second message comes as long after the first as the first after 0. Rewind used a delta of
     * 0 here, so such a message got the timestamp of the one before.
     */
    @Test
    void aType3ChunkStartingAMessageRightAfterAType0ChunkUsesItsTimestampAsTheDelta() {
        byte[] bytes =
                new ChunkBytes()
                        .type0(6, 40, 2, AUDIO, 1)
                        .raw(1, 1)
                        .type3(6)
                        .raw(2, 2)
                        .type3(6)
                        .raw(3, 3)
                        .bytes();

        assertThat(feed.seen(bytes)).extracting(Seen::timestampMs).containsExactly(40L, 80L, 120L);
    }

    @Test
    void continuationChunksDoNotAddTheDeltaAgain() {
        byte[] video = ChunkBytes.payload(300);
        byte[] bytes =
                new ChunkBytes()
                        .type0(4, 100, 1, VIDEO, 1)
                        .raw(0)
                        .type1(4, 33, 300, VIDEO)
                        .body(video, 0, 128)
                        .type3(4)
                        .body(video, 128, 256)
                        .type3(4)
                        .body(video, 256, 300)
                        .bytes();

        assertThat(feed.seen(bytes))
                .containsExactly(
                        Seen.of(VIDEO, 100, 1, new byte[1]), Seen.of(VIDEO, 133, 1, video));
    }

    @Test
    void aZeroLengthMessageIsDecoded() {
        assertThat(feed.seen(new ChunkBytes().type0(3, 7, 0, 20, 0).bytes()))
                .containsExactly(new Seen(20, 7, 0, ""));
    }

    /**
     * Section 5.3.1.1: ids 2..63 in one byte, 64..319 in two bytes (id - 64), 64..65599 in three
     * bytes (id - 64, little-endian). Each form must address the same chunk stream for the message
     * that begins there and for its continuation.
     */
    @ParameterizedTest(name = "chunk stream {0} as {1}")
    @CsvSource({
        "2,     02",
        "63,    3f",
        "64,    00 00",
        "65,    00 01",
        "319,   00 ff",
        "319,   01 ff 00",
        "64,    01 00 00",
        "320,   01 00 01",
        "400,   01 50 01",
        "65599, 01 ff ff"
    })
    void everyBasicHeaderFormAddressesItsChunkStream(int chunkStream, String form) {
        int[] basic = basicHeader(form);
        byte[] video = ChunkBytes.payload(200);
        byte[] bytes =
                new ChunkBytes()
                        .raw(basic)
                        .header0(99, 200, VIDEO, 1)
                        .body(video, 0, 128)
                        .raw(withFormat(basic, 3))
                        .body(video, 128, 200)
                        .bytes();

        assertThat(feed.seen(bytes)).containsExactly(Seen.of(VIDEO, 99, 1, video));
        assertThatThrownBy(() -> new Feed(MAX_MESSAGE).add(concat(withFormat(basic, 1), 7)))
                .isInstanceOf(RtmpProtocolException.class)
                .hasMessageContaining("on chunk stream " + chunkStream + " before any type 0");
    }

    @Test
    void twoAndThreeByteFormsOfOneIdAreOneChunkStream() {
        byte[] video = ChunkBytes.payload(200);
        byte[] bytes =
                new ChunkBytes()
                        .basic(0, 100)
                        .header0(5, 200, VIDEO, 1)
                        .body(video, 0, 128)
                        .threeByteBasic(3, 100)
                        .body(video, 128, 200)
                        .bytes();

        assertThat(feed.seen(bytes)).containsExactly(Seen.of(VIDEO, 5, 1, video));
    }

    @Test
    void chunkStreamsAreLimitedPerConnection() {
        ChunkBytes many = new ChunkBytes();
        for (int chunkStream = 3; chunkStream < 3 + 256; chunkStream++) {
            many.type0(chunkStream, 0, 0, AUDIO, 1);
        }
        assertThat(feed.add(many.bytes())).hasSize(256);

        assertThatThrownBy(() -> feed.add(new ChunkBytes().type0(1000, 0, 0, AUDIO, 1).bytes()))
                .isInstanceOf(RtmpProtocolException.class)
                .hasMessage("more than 256 chunk streams on one connection");
    }

    @ParameterizedTest(name = "type {0}")
    @ValueSource(ints = {1, 2, 3})
    void aChunkOtherThanType0OnANewChunkStreamIsRejected(int format) {
        byte[] chunk = concat(new int[] {format << 6 | 9}, 16);

        assertThatThrownBy(() -> feed.add(chunk))
                .isInstanceOf(RtmpProtocolException.class)
                .hasMessage(
                        "chunk type "
                                + format
                                + " on chunk stream 9 before any type 0 chunk"
                                + " (expected type 0 first)");
    }

    @Test
    void aType0TimestampOf0xFFFFFFOrMoreIsInTheExtendedField() {
        byte[] bytes =
                new ChunkBytes()
                        .type0(4, 0xFFFFFF, 1, VIDEO, 1)
                        .raw(1)
                        .type0(4, 0x12345678, 1, VIDEO, 1)
                        .raw(2)
                        .type0(4, 0xFFFFFFFFL, 1, VIDEO, 1)
                        .raw(3)
                        .bytes();

        assertThat(feed.seen(bytes))
                .extracting(Seen::timestampMs, Seen::payload)
                .containsExactly(
                        tuple(0xFFFFFFL, "01"), tuple(0x12345678L, "02"), tuple(0xFFFFFFFFL, "03"));
    }

    /** Section 5.3.1.3: type 3 chunks repeat the extended timestamp of their type 0 chunk. */
    @Test
    void continuationChunksOfAnExtendedMessageRepeatTheExtendedTimestamp() {
        byte[] video = ChunkBytes.payload(300);
        byte[] bytes =
                new ChunkBytes()
                        .type0(4, 0x01000000, 300, VIDEO, 1)
                        .body(video, 0, 128)
                        .type3(4)
                        .extended(0x01000000)
                        .body(video, 128, 256)
                        .type3(4)
                        .extended(0x01000000)
                        .body(video, 256, 300)
                        .bytes();

        assertThat(feed.seen(bytes)).containsExactly(Seen.of(VIDEO, 0x01000000, 1, video));
        assertThat(feed.unread()).isZero();
    }

    @Test
    void aStreamThatStartsBeyond0xFFFFFFContinuesWithPlainDeltas() {
        long start = 0x01000000L + 5;
        byte[] bytes =
                new ChunkBytes()
                        .type0(4, start, 2, AUDIO, 1)
                        .raw(1, 1)
                        .type2(4, 21)
                        .raw(2, 2)
                        .type3(4)
                        .raw(3, 3)
                        .type1(4, 22, 1, VIDEO)
                        .raw(4)
                        .bytes();

        assertThat(feed.seen(bytes))
                .extracting(Seen::timestampMs)
                .containsExactly(start, start + 21, start + 42, start + 64);
    }

    @Test
    void deltasCarryTheTimestampAcross0xFFFFFF() {
        byte[] bytes =
                new ChunkBytes()
                        .type0(4, 0xFFFFF0, 1, AUDIO, 1)
                        .raw(1)
                        .type2(4, 0x20)
                        .raw(2)
                        .type1(4, 0x10, 1, AUDIO)
                        .raw(3)
                        .bytes();

        assertThat(feed.seen(bytes))
                .extracting(Seen::timestampMs)
                .containsExactly(0xFFFFF0L, 0x1000010L, 0x1000020L);
    }

    /** Section 5.3.1.3: type 1 and 2 chunks put deltas of 0xFFFFFF or more in the extension. */
    @Test
    void extendedDeltasOnType1And2ChunksAndTheirContinuations() {
        byte[] video = ChunkBytes.payload(200);
        long delta = 0x01000000L;
        byte[] bytes =
                new ChunkBytes()
                        .type0(4, 1000, 1, AUDIO, 1)
                        .raw(1)
                        .type1(4, delta, 200, VIDEO)
                        .body(video, 0, 128)
                        .type3(4)
                        .extended(delta)
                        .body(video, 128, 200)
                        .type3(4)
                        .extended(delta)
                        .body(video, 0, 128)
                        .type3(4)
                        .extended(delta)
                        .body(video, 128, 200)
                        .type2(4, 0xFFFFFF)
                        .body(video, 0, 128)
                        .type3(4)
                        .extended(0xFFFFFF)
                        .body(video, 128, 200)
                        .type2(4, 10)
                        .body(video, 0, 128)
                        .type3(4)
                        .body(video, 128, 200)
                        .bytes();

        assertThat(feed.seen(bytes))
                .containsExactly(
                        Seen.of(AUDIO, 1000, 1, new byte[] {1}),
                        Seen.of(VIDEO, 1000 + delta, 1, video),
                        Seen.of(VIDEO, 1000 + 2 * delta, 1, video),
                        Seen.of(VIDEO, 1000 + 2 * delta + 0xFFFFFF, 1, video),
                        Seen.of(VIDEO, 1000 + 2 * delta + 0xFFFFFF + 10, 1, video));
        assertThat(feed.unread()).isZero();
    }

    @Test
    void timestampsWrapAroundAt32Bits() {
        byte[] bytes =
                new ChunkBytes()
                        .type0(4, 0xFFFFFFF0L, 1, AUDIO, 1)
                        .raw(1)
                        .type2(4, 0x20)
                        .raw(2)
                        .bytes();

        assertThat(feed.seen(bytes))
                .extracting(Seen::timestampMs)
                .containsExactly(0xFFFFFFF0L, 0x10L);
    }

    @Test
    void chunksOfTwoChunkStreamsMayAlternate() {
        byte[] audio = ChunkBytes.payload(300, 1);
        byte[] video = ChunkBytes.payload(300, 2);
        byte[] bytes =
                new ChunkBytes()
                        .type0(4, 10, 300, AUDIO, 1)
                        .body(audio, 0, 128)
                        .type0(6, 20, 300, VIDEO, 1)
                        .body(video, 0, 128)
                        .type3(4)
                        .body(audio, 128, 256)
                        .type3(6)
                        .body(video, 128, 256)
                        .type3(6)
                        .body(video, 256, 300)
                        .type3(4)
                        .body(audio, 256, 300)
                        .bytes();

        assertThat(feed.seen(bytes))
                .containsExactly(Seen.of(VIDEO, 20, 1, video), Seen.of(AUDIO, 10, 1, audio));
    }

    /** Section 5.4.1: the new size applies from the very next chunk, in the same TCP read. */
    @Test
    void setChunkSizeAppliesToTheNextChunkInTheSameBuffer() {
        byte[] video = ChunkBytes.payload(500);
        byte[] bytes =
                new ChunkBytes()
                        .control(RtmpMessage.SET_CHUNK_SIZE, 200)
                        .type0(4, 0, 500, VIDEO, 1)
                        .body(video, 0, 200)
                        .type3(4)
                        .body(video, 200, 400)
                        .type3(4)
                        .body(video, 400, 500)
                        .bytes();

        List<RtmpMessage> messages = feed.add(bytes);

        assertThat(messages).extracting(RtmpMessage::type).containsExactly(1, VIDEO);
        assertThat(messages.get(1).payload()).isEqualTo(video);
        assertThat(feed.decoder.chunkSize()).isEqualTo(200);
    }

    @Test
    void aMessageInProgressContinuesWithTheNewChunkSize() {
        byte[] video = ChunkBytes.payload(300);
        byte[] bytes =
                new ChunkBytes()
                        .type0(4, 0, 300, VIDEO, 1)
                        .body(video, 0, 128)
                        .control(RtmpMessage.SET_CHUNK_SIZE, 50)
                        .type3(4)
                        .body(video, 128, 178)
                        .type3(4)
                        .body(video, 178, 228)
                        .type3(4)
                        .body(video, 228, 278)
                        .type3(4)
                        .body(video, 278, 300)
                        .bytes();

        List<RtmpMessage> messages = feed.add(bytes);

        assertThat(messages).extracting(RtmpMessage::type).containsExactly(1, VIDEO);
        assertThat(messages.get(1).payload()).isEqualTo(video);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0,          1",
        "1,          1",
        "128,        128",
        "16777215,   16777215",
        "16777216,   16777215",
        "2147483647, 16777215",
        "-2147483520, 128",
        "-1,         16777215"
    })
    void announcedChunkSizesAreClampedTo1Through16777215(int announced, int clamped) {
        assertThat(ChunkDecoder.clampChunkSize(announced)).isEqualTo(clamped);
    }

    @Test
    void aChunkSizeOf0x7FFFFFFFReadsABigMessageInOneChunkSizedToTheMessage() {
        Feed big = new Feed(4 << 20);
        byte[] video = ChunkBytes.payload(3 << 20);
        byte[] bytes =
                new ChunkBytes()
                        .control(RtmpMessage.SET_CHUNK_SIZE, 0x7FFFFFFF)
                        .type0(4, 0, video.length, VIDEO, 1)
                        .body(video)
                        .bytes();

        List<RtmpMessage> messages = big.add(bytes);

        assertThat(big.decoder.chunkSize()).isEqualTo(16777215);
        assertThat(messages).hasSize(2);
        assertThat(messages.get(1).payload()).hasSize(video.length).isEqualTo(video);
    }

    @Test
    void aChunkSizeOf0IsReadAs1() {
        byte[] bytes =
                new ChunkBytes()
                        .control(RtmpMessage.SET_CHUNK_SIZE, 0)
                        .type0(4, 0, 3, AUDIO, 1)
                        .raw(7)
                        .type3(4)
                        .raw(8)
                        .type3(4)
                        .raw(9)
                        .bytes();

        List<RtmpMessage> messages = feed.add(bytes);

        assertThat(feed.decoder.chunkSize()).isEqualTo(1);
        assertThat(messages).extracting(Seen::of).last().isEqualTo(new Seen(AUDIO, 0, 1, "070809"));
    }

    @Test
    void aControlMessageShorterThanItsValueIsRejected() {
        byte[] bytes =
                new ChunkBytes().type0(2, 0, 2, RtmpMessage.SET_CHUNK_SIZE, 0).raw(0, 1).bytes();

        assertThatThrownBy(() -> feed.add(bytes))
                .isInstanceOf(RtmpProtocolException.class)
                .hasMessage("control message type 1 of 2 bytes (expected 4)");
    }

    /** Section 5.4.2: Abort discards the partly received message of a chunk stream. */
    @Test
    void abortDropsThePartialMessageAndItsBytes() {
        Feed small = new Feed(1000);
        byte[] first = ChunkBytes.payload(1000, 1);
        byte[] second = ChunkBytes.payload(1000, 2);
        byte[] bytes =
                new ChunkBytes()
                        .type0(4, 10, 1000, VIDEO, 1)
                        .body(first, 0, 128)
                        .type3(4)
                        .body(first, 128, 256)
                        .control(RtmpMessage.ABORT, 4)
                        .message(4, 20, VIDEO, 1, second, 128)
                        .bytes();

        List<RtmpMessage> messages = small.add(bytes);

        assertThat(messages).extracting(RtmpMessage::type).containsExactly(2, VIDEO);
        assertThat(Seen.of(messages.get(1))).isEqualTo(Seen.of(VIDEO, 20, 1, second));
    }

    @Test
    void abortOfAChunkStreamWithNothingInProgressChangesNothing() {
        byte[] audio = ChunkBytes.payload(10);
        byte[] bytes =
                new ChunkBytes()
                        .control(RtmpMessage.ABORT, 4)
                        .type0(4, 0, 10, AUDIO, 1)
                        .body(audio)
                        .control(RtmpMessage.ABORT, 4)
                        .control(RtmpMessage.ABORT, 77)
                        .type2(4, 5)
                        .body(audio)
                        .bytes();

        assertThat(feed.add(bytes))
                .filteredOn(message -> message.type() == AUDIO)
                .extracting(RtmpMessage::timestampMs)
                .containsExactly(0L, 5L);
    }

    @Test
    void aNewHeaderOnAChunkStreamAbandonsItsUnfinishedMessage() {
        Feed small = new Feed(1000);
        byte[] second = ChunkBytes.payload(1000, 2);
        byte[] bytes =
                new ChunkBytes()
                        .type0(4, 10, 1000, VIDEO, 1)
                        .body(ChunkBytes.payload(512), 0, 128)
                        .type3(4)
                        .body(ChunkBytes.payload(512), 128, 256)
                        .message(4, 30, VIDEO, 1, second, 128)
                        .bytes();

        assertThat(small.seen(bytes)).containsExactly(Seen.of(VIDEO, 30, 1, second));
    }

    @Test
    void aMessageLongerThanTheMaximumIsRejectedAtItsHeader() {
        Feed small = new Feed(1000);
        byte[] header = new ChunkBytes().type0(4, 0, 1001, VIDEO, 1).bytes();

        assertThatThrownBy(() -> small.add(header))
                .isInstanceOf(RtmpProtocolException.class)
                .hasMessage("message of 1001 bytes (expected at most 1000)");
    }

    @Test
    void aType1ChunkAnnouncingTooLongAMessageIsRejected() {
        Feed small = new Feed(1000);
        small.add(new ChunkBytes().type0(4, 0, 1, VIDEO, 1).raw(0).bytes());
        byte[] header = new ChunkBytes().type1(4, 40, 16777215, VIDEO).bytes();

        assertThatThrownBy(() -> small.add(header))
                .isInstanceOf(RtmpProtocolException.class)
                .hasMessage("message of 16777215 bytes (expected at most 1000)");
    }

    @Test
    void aMessageOfExactlyTheMaximumIsAccepted() {
        Feed small = new Feed(1000);
        byte[] video = ChunkBytes.payload(1000);

        List<Seen> seen = small.seen(new ChunkBytes().message(4, 0, VIDEO, 1, video, 128).bytes());

        assertThat(seen).containsExactly(Seen.of(VIDEO, 0, 1, video));
    }

    /**
     * Incomplete messages of all chunk streams together stay within the maximum message size, so a
     * peer that starts many long messages and finishes none cannot make the decoder hold more.
     * Rewind checked the total only when a body grew, and bodies grow by doubling, so two
     * interleaved 1000-byte messages held 1600 bytes before the limit of 1000 stopped them.
     */
    @Test
    void incompleteMessagesTogetherStayWithinTheMaximumMessageSize() {
        Feed small = new Feed(1000);
        small.add(new ChunkBytes().control(RtmpMessage.SET_CHUNK_SIZE, 100).bytes());
        small.add(new ChunkBytes().type0(4, 0, 1000, VIDEO, 1).body(new byte[100]).bytes());
        small.add(new ChunkBytes().type0(6, 0, 1000, VIDEO, 1).body(new byte[100]).bytes());
        for (int chunk = 2; chunk <= 5; chunk++) {
            assertThat(small.add(new ChunkBytes().type3(4).body(new byte[100]).bytes())).isEmpty();
            assertThat(small.add(new ChunkBytes().type3(6).body(new byte[100]).bytes())).isEmpty();
        }

        byte[] oneMore = new ChunkBytes().type3(4).body(new byte[100]).bytes();

        assertThatThrownBy(() -> small.add(oneMore))
                .isInstanceOf(RtmpProtocolException.class)
                .hasMessage("1100 bytes in incomplete messages (expected at most 1000)");
    }

    @Test
    void completedMessagesNoLongerCountAsIncomplete() {
        Feed small = new Feed(1000);
        byte[] video = ChunkBytes.payload(900);
        ChunkBytes bytes = new ChunkBytes();
        for (int i = 0; i < 5; i++) {
            bytes.message(4, i, VIDEO, 1, video, 128);
        }

        assertThat(small.add(bytes.bytes())).hasSize(5);
    }

    @Test
    void aChunkIsReadOnlyOnceAllItsBytesArrived() {
        byte[] video = ChunkBytes.payload(300);
        byte[] bytes = new ChunkBytes().message(4, 0x01000000, VIDEO, 1, video, 128).bytes();

        assertThat(feed.add(bytes, 0, bytes.length - 1)).isEmpty();
        assertThat(feed.add(bytes, bytes.length - 1, bytes.length))
                .extracting(Seen::of)
                .containsExactly(Seen.of(VIDEO, 0x01000000, 1, video));
    }

    @Test
    void everySplitOfTheStreamDecodesAsTheWholeDoes() {
        byte[] bytes = varied();
        List<Seen> whole = new Feed(MAX_MESSAGE).seen(bytes);
        long late = 0x01000000L;
        assertThat(whole)
                .extracting(Seen::type, Seen::timestampMs)
                .containsExactly(
                        tuple(1, 0L),
                        tuple(VIDEO, late),
                        tuple(AUDIO, 0xFFFFF0L),
                        tuple(AUDIO, 0xFFFFF0L + late),
                        tuple(VIDEO, late + 40),
                        tuple(VIDEO, late + 80),
                        tuple(2, 0L),
                        tuple(1, 0L),
                        tuple(VIDEO, 6L),
                        tuple(20, 0L));

        for (int split = 1; split < bytes.length; split++) {
            Feed parts = new Feed(MAX_MESSAGE);
            List<Seen> seen = new ArrayList<>();
            parts.add(bytes, 0, split).forEach(message -> seen.add(Seen.of(message)));
            parts.add(bytes, split, bytes.length).forEach(message -> seen.add(Seen.of(message)));
            assertThat(seen).as("split at byte %d", split).isEqualTo(whole);
            assertThat(parts.unread()).isZero();
        }
    }

    @Test
    void byteAtATimeDecodesAsTheWholeDoes() {
        byte[] bytes = varied();
        List<Seen> whole = new Feed(MAX_MESSAGE).seen(bytes);
        Feed trickle = new Feed(MAX_MESSAGE);
        List<Seen> seen = new ArrayList<>();

        for (int at = 0; at < bytes.length; at++) {
            trickle.add(bytes, at, at + 1).forEach(message -> seen.add(Seen.of(message)));
        }

        assertThat(seen).isEqualTo(whole);
        assertThat(trickle.unread()).isZero();
    }

    /** Every header type, extended timestamps, interleaving, chunk size changes and an abort. */
    private static byte[] varied() {
        byte[] audio = ChunkBytes.payload(250, 1);
        byte[] video = ChunkBytes.payload(250, 2);
        long late = 0x01000000L;
        return new ChunkBytes()
                .control(RtmpMessage.SET_CHUNK_SIZE, 100)
                .type0(4, 0xFFFFF0, 250, AUDIO, 1)
                .body(audio, 0, 100)
                .type0(320, late, 250, VIDEO, 1)
                .body(video, 0, 100)
                .type3(4)
                .body(audio, 100, 200)
                .type3(320)
                .extended(late)
                .body(video, 100, 200)
                .type3(320)
                .extended(late)
                .body(video, 200, 250)
                .type3(4)
                .body(audio, 200, 250)
                .type1(4, late, 150, AUDIO)
                .body(audio, 0, 100)
                .type3(4)
                .extended(late)
                .body(audio, 100, 150)
                .type2(320, 40)
                .body(video, 0, 100)
                .type3(320)
                .body(video, 100, 200)
                .type3(320)
                .body(video, 200, 250)
                .type3(320)
                .body(video, 0, 100)
                .type3(320)
                .body(video, 100, 200)
                .type3(320)
                .body(video, 200, 250)
                .type0(70, 5, 300, VIDEO, 2)
                .body(video, 0, 100)
                .control(RtmpMessage.ABORT, 70)
                .control(RtmpMessage.SET_CHUNK_SIZE, 0x7FFFFFFF)
                .message(70, 6, VIDEO, 2, ChunkBytes.payload(300, 3), 16777215)
                .type0(65599, 0, 0, 20, 0)
                .bytes();
    }

    private static int[] basicHeader(String form) {
        String[] hex = form.trim().split(" ");
        int[] bytes = new int[hex.length];
        for (int i = 0; i < hex.length; i++) {
            bytes[i] = Integer.parseInt(hex[i], 16);
        }
        return bytes;
    }

    private static int[] withFormat(int[] basic, int format) {
        int[] copy = basic.clone();
        copy[0] = format << 6 | copy[0] & 0x3F;
        return copy;
    }

    /** A basic header followed by {@code zeros} zero bytes. */
    private static byte[] concat(int[] basic, int zeros) {
        return new ChunkBytes().raw(basic).raw(new int[zeros]).bytes();
    }
}
