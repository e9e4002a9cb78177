package dev.rewind.ingest;

/**
 * One reassembled RTMP message (RTMP 1.0 specification, section 6.1).
 *
 * @param type the message type id
 * @param timestampMs the absolute timestamp in milliseconds (32 bits, as the chunk stream keeps it)
 * @param streamId the message stream id
 * @param payload the message body
 * @param receivedAtMs when its last chunk arrived, in milliseconds since the epoch (0 for messages
 *     Rewind sends)
 */
record RtmpMessage(int type, long timestampMs, int streamId, byte[] payload, long receivedAtMs) {
    static final int SET_CHUNK_SIZE = 1;
    static final int ABORT = 2;
    static final int ACKNOWLEDGEMENT = 3;
    static final int USER_CONTROL = 4;
    static final int WINDOW_ACK_SIZE = 5;
    static final int SET_PEER_BANDWIDTH = 6;
    static final int AUDIO = 8;
    static final int VIDEO = 9;
    static final int DATA_AMF3 = 15;
    static final int COMMAND_AMF3 = 17;
    static final int DATA_AMF0 = 18;
    static final int COMMAND_AMF0 = 20;
    static final int AGGREGATE = 22;

    static RtmpMessage control(int type, int value) {
        return outgoing(type, 0, int32(value));
    }

    static RtmpMessage outgoing(int type, int streamId, byte[] payload) {
        return new RtmpMessage(type, 0, streamId, payload, 0);
    }

    static byte[] int32(int value) {
        return new byte[] {
            (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
        };
    }

    static int readInt32(byte[] bytes, int offset) {
        return (bytes[offset] & 0xFF) << 24
                | (bytes[offset + 1] & 0xFF) << 16
                | (bytes[offset + 2] & 0xFF) << 8
                | bytes[offset + 3] & 0xFF;
    }

    @Override
    public String toString() {
        return "RtmpMessage[type="
                + type
                + ", timestampMs="
                + timestampMs
                + ", streamId="
                + streamId
                + ", "
                + payload.length
                + " bytes]";
    }
}
