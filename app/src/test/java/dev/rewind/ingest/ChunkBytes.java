package dev.rewind.ingest;

import java.io.ByteArrayOutputStream;

/**
 * Lays out a chunk stream byte by byte as the RTMP 1.0 specification (section 5.3.1) draws it, so
 * that decoder tests do not depend on Rewind's own encoder. Headers never add an extended timestamp
 * on their own except where the field cannot hold the value (type 0, 1 and 2); type 3 chunks get
 * one only through {@link #extended}.
 */
final class ChunkBytes {
    static final int EXTENDED = 0xFFFFFF;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ChunkBytes raw(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    /** The basic header in its shortest form (section 5.3.1.1). */
    ChunkBytes basic(int format, int chunkStream) {
        if (chunkStream < 64) {
            return raw(format << 6 | chunkStream);
        }
        if (chunkStream < 320) {
            return raw(format << 6, chunkStream - 64);
        }
        return threeByteBasic(format, chunkStream);
    }

    /** The 3-byte basic header, which may also carry ids 64..319. */
    ChunkBytes threeByteBasic(int format, int chunkStream) {
        int id = chunkStream - 64;
        return raw(format << 6 | 1, id & 0xFF, id >>> 8);
    }

    /** A type 0 message header after a basic header already written. */
    ChunkBytes header0(long timestamp, int length, int type, int streamId) {
        int24(Math.min(timestamp, EXTENDED));
        int24(length);
        raw(type, streamId & 0xFF, streamId >>> 8 & 0xFF, streamId >>> 16 & 0xFF, streamId >>> 24);
        return extendedIfNeeded(timestamp);
    }

    ChunkBytes type0(int chunkStream, long timestamp, int length, int type, int streamId) {
        return basic(0, chunkStream).header0(timestamp, length, type, streamId);
    }

    ChunkBytes type1(int chunkStream, long delta, int length, int type) {
        basic(1, chunkStream).int24(Math.min(delta, EXTENDED)).int24(length).raw(type);
        return extendedIfNeeded(delta);
    }

    ChunkBytes type2(int chunkStream, long delta) {
        basic(2, chunkStream).int24(Math.min(delta, EXTENDED));
        return extendedIfNeeded(delta);
    }

    ChunkBytes type3(int chunkStream) {
        return basic(3, chunkStream);
    }

    /** The 4-byte extended timestamp field (section 5.3.1.3). */
    ChunkBytes extended(long timestamp) {
        return raw(
                (int) (timestamp >>> 24 & 0xFF),
                (int) (timestamp >>> 16 & 0xFF),
                (int) (timestamp >>> 8 & 0xFF),
                (int) (timestamp & 0xFF));
    }

    ChunkBytes body(byte[] payload, int from, int to) {
        out.write(payload, from, to - from);
        return this;
    }

    ChunkBytes body(byte[] payload) {
        return body(payload, 0, payload.length);
    }

    /** A protocol control message with a 4-byte value on chunk stream 2 (section 5.4). */
    ChunkBytes control(int type, long value) {
        return type0(2, 0, 4, type, 0).extended(value);
    }

    /**
     * A whole message on one chunk stream: a type 0 chunk, then type 3 chunks that repeat the
     * extended timestamp when the type 0 chunk has one.
     */
    ChunkBytes message(
            int chunkStream,
            long timestamp,
            int type,
            int streamId,
            byte[] payload,
            int chunkSize) {
        type0(chunkStream, timestamp, payload.length, type, streamId);
        body(payload, 0, Math.min(chunkSize, payload.length));
        for (int at = chunkSize; at < payload.length; at += chunkSize) {
            type3(chunkStream);
            if (timestamp >= EXTENDED) {
                extended(timestamp);
            }
            body(payload, at, Math.min(at + chunkSize, payload.length));
        }
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** Payload bytes 0, 1, 2, … (mod 251), so a byte out of place shows. */
    static byte[] payload(int length) {
        return payload(length, 0);
    }

    /** Like {@link #payload(int)} but starting elsewhere, to tell two messages apart. */
    static byte[] payload(int length, int seed) {
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) ((i + seed) % 251);
        }
        return payload;
    }

    private ChunkBytes extendedIfNeeded(long timestamp) {
        return timestamp >= EXTENDED ? extended(timestamp) : this;
    }

    private ChunkBytes int24(long value) {
        return raw((int) (value >>> 16 & 0xFF), (int) (value >>> 8 & 0xFF), (int) (value & 0xFF));
    }
}
