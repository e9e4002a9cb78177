package dev.rewind.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Aggregate messages, RTMP 1.0 specification section 7.1.6. */
class AggregateTests {
    private static final long RECEIVED_AT_MS = 1_700_000_000_000L;

    @Test
    void subMessagesAreRebasedOnTheAggregateTimestamp() {
        byte[] body =
                new Body()
                        .sub(FlvTag.VIDEO, 500, new byte[] {0x17, 0, 1})
                        .sub(FlvTag.AUDIO, 520, new byte[] {(byte) 0xAF, 1})
                        .sub(FlvTag.VIDEO, 540, new byte[] {0x27, 1})
                        .bytes();

        List<FlvTag> tags = Aggregate.split(aggregate(1000, body));

        assertThat(tags)
                .extracting(FlvTag::type, FlvTag::timestampMs, FlvTag::receivedAtMs)
                .containsExactly(
                        tuple(FlvTag.VIDEO, 1000L, RECEIVED_AT_MS),
                        tuple(FlvTag.AUDIO, 1020L, RECEIVED_AT_MS),
                        tuple(FlvTag.VIDEO, 1040L, RECEIVED_AT_MS));
        assertThat(tags.get(0).data()).containsExactly(0x17, 0, 1);
        assertThat(tags.get(1).data()).containsExactly(0xAF, 1);
        assertThat(tags.get(2).data()).containsExactly(0x27, 1);
    }

    @Test
    void subMessageTimestampsUseTheirExtendedByte() {
        byte[] body =
                new Body()
                        .sub(FlvTag.VIDEO, 0x01FFFFF0L, new byte[] {1})
                        .sub(FlvTag.VIDEO, 0x02000010L, new byte[] {2})
                        .bytes();

        assertThat(Aggregate.split(aggregate(50, body)))
                .extracting(FlvTag::timestampMs)
                .containsExactly(50L, 50L + 0x20);
    }

    @Test
    void rebasedTimestampsWrapAt32Bits() {
        byte[] body =
                new Body()
                        .sub(FlvTag.AUDIO, 0, new byte[] {1})
                        .sub(FlvTag.AUDIO, 0x20, new byte[] {2})
                        .bytes();

        assertThat(Aggregate.split(aggregate(0xFFFFFFF0L, body)))
                .extracting(FlvTag::timestampMs)
                .containsExactly(0xFFFFFFF0L, 0x10L);
    }

    @Test
    void scriptSubMessagesAreDroppedButTheFirstStillSetsTheBase() {
        byte[] body =
                new Body()
                        .sub(FlvTag.SCRIPT, 100, Amf0.encode("onMetaData"))
                        .sub(FlvTag.VIDEO, 110, new byte[] {0x17, 1})
                        .bytes();

        assertThat(Aggregate.split(aggregate(1000, body)))
                .extracting(FlvTag::type, FlvTag::timestampMs)
                .containsExactly(tuple(FlvTag.VIDEO, 1010L));
    }

    @Test
    void theLastBackPointerMayBeMissing() {
        byte[] body = new Body().sub(FlvTag.AUDIO, 0, new byte[] {1, 2}).bytes();
        byte[] withoutBackPointer = java.util.Arrays.copyOf(body, body.length - 4);

        assertThat(Aggregate.split(aggregate(0, withoutBackPointer)))
                .extracting(FlvTag::data)
                .containsExactly(new byte[] {1, 2});
    }

    @Test
    void anEmptyAggregateHasNoTags() {
        assertThat(Aggregate.split(aggregate(0, new byte[0]))).isEmpty();
    }

    @Test
    void aTruncatedSubMessageHeaderIsAProtocolError() {
        byte[] body = new Body().sub(FlvTag.AUDIO, 0, new byte[] {1}).raw(new byte[5]).bytes();

        assertThatThrownBy(() -> Aggregate.split(aggregate(0, body)))
                .isInstanceOf(RtmpProtocolException.class)
                .hasMessage("aggregate sub-message header truncated at byte 16");
    }

    @Test
    void aSubMessageLongerThanTheAggregateIsAProtocolError() {
        byte[] body = new Body().sub(FlvTag.VIDEO, 0, new byte[10]).bytes();
        body[3] = 30; // the size field now says 30

        assertThatThrownBy(() -> Aggregate.split(aggregate(0, body)))
                .isInstanceOf(RtmpProtocolException.class)
                .hasMessage("aggregate sub-message of 30 bytes (expected at most 14)");
    }

    private static RtmpMessage aggregate(long timestampMs, byte[] body) {
        return new RtmpMessage(RtmpMessage.AGGREGATE, timestampMs, 1, body, RECEIVED_AT_MS);
    }

    /** FLV tags with back pointers, as in an aggregate message body. */
    private static final class Body {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Body sub(int type, long timestampMs, byte[] data) {
            out.write(type);
            out.write(data.length >>> 16);
            out.write(data.length >>> 8);
            out.write(data.length);
            out.write((int) (timestampMs >>> 16));
            out.write((int) (timestampMs >>> 8));
            out.write((int) timestampMs);
            out.write((int) (timestampMs >>> 24));
            out.writeBytes(new byte[] {0, 0, 0}); // stream id
            out.writeBytes(data);
            out.writeBytes(RtmpMessage.int32(11 + data.length));
            return this;
        }

        Body raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
