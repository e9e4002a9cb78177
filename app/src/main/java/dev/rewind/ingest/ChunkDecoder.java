package dev.rewind.ingest;

import io.netty.buffer.ByteBuf;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reassembles messages from the chunk stream (RTMP 1.0 specification, section 5.3) and applies the
 * protocol control messages that change how later chunks are read (section 5.4): Set Chunk Size and
 * Abort take effect at the very next chunk, even within one TCP read.
 *
 * <p>A chunk is read only once all its bytes are there; until then the buffer is left as it was. A
 * message body starts at 16 KiB at most and doubles as its chunks arrive: the announced length caps
 * it but never sizes it, and all incomplete messages of a connection together stay under the
 * maximum message size.
 */
final class ChunkDecoder {
    static final int DEFAULT_CHUNK_SIZE = 128;
    static final int MAX_CHUNK_SIZE = 0xFFFFFF;
    private static final int EXTENDED = 0xFFFFFF;
    private static final int MAX_CHUNK_STREAMS = 256;
    private static final int[] HEADER_SIZES = {11, 7, 3, 0};

    /**
     * Room given to a message body before its bytes arrive: eight times its first chunk, at most
     * this. With the chunk sizes encoders set (4096 and up) most audio and video frames fit, so
     * they are copied once; larger ones double until they reach their announced length. A peer that
     * opens every chunk stream with one-byte chunks gets 8 bytes reserved for each, not this.
     */
    private static final int FIRST_BODY_SIZE = 16 * 1024;

    private final int maxMessageSize;
    private final Clock clock;

    /** Chunk streams 0..63, the one-byte form every encoder uses, without boxing or hashing. */
    private final ChunkStream[] oneByteStreams = new ChunkStream[64];

    private final Map<Integer, ChunkStream> widerStreams = new HashMap<>();
    private int streamCount;
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private long incompleteBytes;

    ChunkDecoder(int maxMessageSize, Clock clock) {
        this.maxMessageSize = maxMessageSize;
        this.clock = clock;
    }

    /** Header state and the message in progress of one chunk stream. */
    private static final class ChunkStream {
        long timestamp;
        long delta;
        int length;
        int type;
        int streamId;
        boolean extended;
        byte[] body;
        int received;
        boolean inProgress;
    }

    int chunkSize() {
        return chunkSize;
    }

    /**
     * Reads every complete chunk in {@code in}, adding each completed message to {@code out}
     * (protocol control messages included, after applying them).
     */
    void decode(ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int start = in.readerIndex();
            RtmpMessage message = readChunk(in);
            if (in.readerIndex() == start) {
                return;
            }
            if (message != null) {
                apply(message);
                out.add(message);
            }
        }
    }

    private RtmpMessage readChunk(ByteBuf in) {
        int start = in.readerIndex();
        int first = in.getUnsignedByte(start);
        int format = first >>> 6;
        int basicSize =
                switch (first & 0x3F) {
                    case 0 -> 2;
                    case 1 -> 3;
                    default -> 1;
                };
        int headerSize = basicSize + HEADER_SIZES[format];
        if (in.readableBytes() < headerSize) {
            return null;
        }
        int chunkStreamId = chunkStreamId(in, start, first, basicSize);
        ChunkStream stream = stream(chunkStreamId, format);
        Header header = header(in, start + basicSize, format, stream);
        int extendedSize = header.extended ? 4 : 0;
        int length = format <= 1 ? header.length : stream.length;
        boolean continuation = format == 3 && stream.inProgress;
        int already = continuation ? stream.received : 0;
        int payload = Math.min(chunkSize, length - already);
        if (in.readableBytes() < headerSize + extendedSize + payload) {
            return null;
        }
        long extendedValue = header.extended ? in.getUnsignedInt(start + headerSize) : -1;
        in.skipBytes(headerSize + extendedSize);
        commitHeader(chunkStreamId, stream, format, header, extendedValue, continuation);
        return append(stream, in, payload);
    }

    private record Header(
            long timestampField, int length, int type, int streamId, boolean extended) {}

    private Header header(ByteBuf in, int at, int format, ChunkStream stream) {
        if (format == 3) {
            return new Header(0, 0, 0, 0, stream.extended);
        }
        long field = in.getUnsignedMedium(at);
        int length = format <= 1 ? in.getUnsignedMedium(at + 3) : 0;
        int type = format <= 1 ? in.getUnsignedByte(at + 6) : 0;
        int streamId = format == 0 ? in.getIntLE(at + 7) : 0;
        if (format <= 1 && length > maxMessageSize) {
            throw new RtmpProtocolException(
                    "message of " + length + " bytes (expected at most " + maxMessageSize + ")");
        }
        return new Header(field, length, type, streamId, field == EXTENDED);
    }

    private void commitHeader(
            int chunkStreamId,
            ChunkStream stream,
            int format,
            Header header,
            long extendedValue,
            boolean continuation) {
        if (continuation) {
            return; // a type 3 continuation repeats the extended timestamp; nothing changes
        }
        if (stream.inProgress) {
            dropIncomplete(stream); // a new header abandons the message the peer left unfinished
        }
        long field = header.extended ? extendedValue : header.timestampField;
        switch (format) {
            case 0 -> {
                stream.timestamp = field;
                stream.delta = field; // section 5.3.1.2.4: a type 3 chunk after it repeats this
            }
            case 1, 2 -> {
                stream.delta = field;
                stream.timestamp = (stream.timestamp + field) & 0xFFFFFFFFL;
            }
            default -> stream.timestamp = (stream.timestamp + stream.delta) & 0xFFFFFFFFL;
        }
        if (format <= 2) {
            stream.extended = header.extended;
        }
        if (format <= 1) {
            stream.length = header.length;
            stream.type = header.type;
        }
        if (format == 0) {
            stream.streamId = header.streamId;
        }
        stream.inProgress = true;
        stream.received = 0;
    }

    private RtmpMessage append(ChunkStream stream, ByteBuf in, int payload) {
        reserve(payload);
        if (stream.body == null || stream.received + payload > stream.body.length) {
            grow(stream, payload);
        }
        in.readBytes(stream.body, stream.received, payload);
        stream.received += payload;
        incompleteBytes += payload;
        if (stream.received < stream.length) {
            return null;
        }
        byte[] body =
                stream.body.length == stream.length
                        ? stream.body
                        : Arrays.copyOf(stream.body, stream.length);
        RtmpMessage message =
                new RtmpMessage(
                        stream.type, stream.timestamp, stream.streamId, body, clock.millis());
        dropIncomplete(stream);
        return message;
    }

    /** Counts each chunk against the limit, also chunks that fit a body doubled earlier. */
    private void reserve(int payload) {
        long needed = incompleteBytes + payload;
        if (needed > maxMessageSize) {
            throw new RtmpProtocolException(
                    needed
                            + " bytes in incomplete messages (expected at most "
                            + maxMessageSize
                            + ")");
        }
    }

    private void grow(ChunkStream stream, int payload) {
        int current = stream.body == null ? 0 : stream.body.length;
        long doubled = Math.max(current * 2L, Math.min(FIRST_BODY_SIZE, 8L * payload));
        int size = (int) Math.min(stream.length, Math.max(doubled, stream.received + payload));
        stream.body = stream.body == null ? new byte[size] : Arrays.copyOf(stream.body, size);
    }

    private void dropIncomplete(ChunkStream stream) {
        incompleteBytes -= stream.received;
        stream.body = null;
        stream.received = 0;
        stream.inProgress = false;
    }

    private ChunkStream stream(int chunkStreamId, int format) {
        ChunkStream stream = existing(chunkStreamId);
        if (stream != null) {
            return stream;
        }
        if (format != 0) {
            throw new RtmpProtocolException(
                    "chunk type "
                            + format
                            + " on chunk stream "
                            + chunkStreamId
                            + " before any type 0 chunk (expected type 0 first)");
        }
        if (streamCount >= MAX_CHUNK_STREAMS) {
            throw new RtmpProtocolException(
                    "more than " + MAX_CHUNK_STREAMS + " chunk streams on one connection");
        }
        stream = new ChunkStream();
        if (chunkStreamId < oneByteStreams.length) {
            oneByteStreams[chunkStreamId] = stream;
        } else {
            widerStreams.put(chunkStreamId, stream);
        }
        streamCount++;
        return stream;
    }

    private ChunkStream existing(int chunkStreamId) {
        if (chunkStreamId >= 0 && chunkStreamId < oneByteStreams.length) {
            return oneByteStreams[chunkStreamId];
        }
        return widerStreams.get(chunkStreamId);
    }

    private static int chunkStreamId(ByteBuf in, int start, int first, int basicSize) {
        return switch (basicSize) {
            case 2 -> 64 + in.getUnsignedByte(start + 1);
            case 3 -> 64 + in.getUnsignedByte(start + 1) + in.getUnsignedByte(start + 2) * 256;
            default -> first & 0x3F;
        };
    }

    /** Applies the protocol control messages that affect chunk parsing. */
    private void apply(RtmpMessage message) {
        if (message.type() == RtmpMessage.SET_CHUNK_SIZE) {
            chunkSize = clampChunkSize(int32(message));
        } else if (message.type() == RtmpMessage.ABORT) {
            ChunkStream stream = existing(int32(message));
            if (stream != null && stream.inProgress) {
                dropIncomplete(stream);
            }
        }
    }

    /** Section 5.4.1: the top bit is zero and chunks are 1..16777215 bytes. */
    static int clampChunkSize(int announced) {
        int value = announced & 0x7FFFFFFF;
        return Math.max(1, Math.min(MAX_CHUNK_SIZE, value));
    }

    private static int int32(RtmpMessage message) {
        if (message.payload().length < 4) {
            throw new RtmpProtocolException(
                    "control message type "
                            + message.type()
                            + " of "
                            + message.payload().length
                            + " bytes (expected 4)");
        }
        return RtmpMessage.readInt32(message.payload(), 0);
    }
}
