package dev.rewind.ingest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits aggregate messages (RTMP 1.0 specification, section 7.1.6): FLV-style sub-messages whose
 * timestamps are offsets from the first one, rebased on the aggregate's own timestamp.
 */
final class Aggregate {
    private static final int HEADER = 11;
    private static final int BACK_POINTER = 4;

    private Aggregate() {}

    static List<FlvTag> split(RtmpMessage message) {
        byte[] body = message.payload();
        List<FlvTag> tags = new ArrayList<>();
        long first = -1;
        int at = 0;
        while (at < body.length) {
            if (body.length - at < HEADER) {
                throw new RtmpProtocolException(
                        "aggregate sub-message header truncated at byte " + at);
            }
            int type = body[at] & 0xFF;
            int size =
                    (body[at + 1] & 0xFF) << 16 | (body[at + 2] & 0xFF) << 8 | body[at + 3] & 0xFF;
            long timestamp =
                    ((body[at + 4] & 0xFFL) << 16
                            | (body[at + 5] & 0xFFL) << 8
                            | body[at + 6] & 0xFFL
                            | (body[at + 7] & 0xFFL) << 24);
            int end = at + HEADER + size;
            if (end > body.length) {
                throw new RtmpProtocolException(
                        "aggregate sub-message of "
                                + size
                                + " bytes (expected at most "
                                + (body.length - at - HEADER)
                                + ")");
            }
            first = first < 0 ? timestamp : first;
            if (type == FlvTag.AUDIO || type == FlvTag.VIDEO) {
                long rebased = (message.timestampMs() + timestamp - first) & 0xFFFFFFFFL;
                tags.add(
                        new FlvTag(
                                type,
                                rebased,
                                Arrays.copyOfRange(body, at + HEADER, end),
                                message.receivedAtMs()));
            }
            at = Math.min(body.length, end + BACK_POINTER);
        }
        return tags;
    }
}
