package dev.rewind.ingest;

import java.io.IOException;
import java.io.OutputStream;

/** Writes FLV files and streams (Adobe FLV specification, annex E), as FFmpeg reads them. */
public final class Flv {
    private static final int HEADER_SIZE = 9;
    private static final int TAG_HEADER_SIZE = 11;

    private Flv() {}

    /** The FLV header and the first PreviousTagSize (0). */
    public static byte[] header(boolean audio, boolean video) {
        int flags = (audio ? 0x04 : 0) | (video ? 0x01 : 0);
        return new byte[] {'F', 'L', 'V', 1, (byte) flags, 0, 0, 0, HEADER_SIZE, 0, 0, 0, 0};
    }

    /** A tag followed by its PreviousTagSize. */
    public static byte[] tag(FlvTag tag) {
        int size = tag.data().length;
        byte[] out = new byte[TAG_HEADER_SIZE + size + 4];
        long timestamp = tag.timestampMs();
        out[0] = (byte) tag.type();
        putInt24(out, 1, size);
        putInt24(out, 4, (int) timestamp);
        out[7] = (byte) (timestamp >>> 24); // TimestampExtended: the upper 8 of 32 bits
        System.arraycopy(tag.data(), 0, out, TAG_HEADER_SIZE, size); // StreamID stays 0
        int previous = TAG_HEADER_SIZE + size;
        System.arraycopy(RtmpMessage.int32(previous), 0, out, previous, 4);
        return out;
    }

    /** Writes a tag and its PreviousTagSize. */
    public static void write(OutputStream out, FlvTag tag) throws IOException {
        out.write(tag(tag));
    }

    private static void putInt24(byte[] out, int at, int value) {
        out[at] = (byte) (value >>> 16);
        out[at + 1] = (byte) (value >>> 8);
        out[at + 2] = (byte) value;
    }
}
