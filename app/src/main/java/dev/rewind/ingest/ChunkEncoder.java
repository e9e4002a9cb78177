package dev.rewind.ingest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Writes messages as chunks (RTMP 1.0 specification, section 5.3): a type 0 chunk, then type 3
 * continuation chunks. Rewind only sends small command and control messages, so it needs no header
 * compression.
 */
final class ChunkEncoder {
    /** Chunk stream for protocol control and user control messages (section 5.4). */
    static final int CONTROL_CHUNK_STREAM = 2;

    /** Chunk stream for command messages. */
    static final int COMMAND_CHUNK_STREAM = 3;

    /** Chunk stream for status messages on a message stream. */
    static final int STATUS_CHUNK_STREAM = 5;

    private static final int EXTENDED = 0xFFFFFF;

    private ChunkEncoder() {}

    static ByteBuf encode(
            ByteBufAllocator alloc, int chunkStream, RtmpMessage message, int chunkSize) {
        byte[] payload = message.payload();
        long timestamp = message.timestampMs() & 0xFFFFFFFFL;
        boolean extended = timestamp >= EXTENDED;
        int chunks = Math.max(1, (payload.length + chunkSize - 1) / chunkSize);
        ByteBuf out = alloc.buffer(payload.length + 18 + chunks * 7);
        basicHeader(out, 0, chunkStream);
        out.writeMedium(extended ? EXTENDED : (int) timestamp);
        out.writeMedium(payload.length);
        out.writeByte(message.type());
        out.writeIntLE(message.streamId());
        writeExtended(out, extended, timestamp);
        for (int offset = 0; offset < payload.length; offset += chunkSize) {
            if (offset > 0) {
                basicHeader(out, 3, chunkStream);
                writeExtended(out, extended, timestamp);
            }
            out.writeBytes(payload, offset, Math.min(chunkSize, payload.length - offset));
        }
        return out;
    }

    static void basicHeader(ByteBuf out, int format, int chunkStream) {
        if (chunkStream < 64) {
            out.writeByte(format << 6 | chunkStream);
        } else if (chunkStream < 320) {
            out.writeByte(format << 6);
            out.writeByte(chunkStream - 64);
        } else {
            out.writeByte(format << 6 | 1);
            out.writeShortLE(chunkStream - 64);
        }
    }

    private static void writeExtended(ByteBuf out, boolean extended, long timestamp) {
        if (extended) {
            out.writeInt((int) timestamp);
        }
    }
}
