package dev.rewind.catalog;

import java.time.Instant;

/**
 * One publishing session of a stream, from publish to its end, and what packaging recorded about
 * its media.
 *
 * @param targetDuration EXT-X-TARGETDURATION in seconds, or null before the first segment
 * @param codecs RFC 6381 codecs of its newest init segment, such as {@code avc1.64001f,mp4a.40.2}
 * @param width video width in pixels, or null
 * @param height video height in pixels, or null
 * @param frameRate video frames per second, or null
 */
public record Broadcast(
        String id,
        String streamId,
        String state,
        Instant startedAt,
        Instant endedAt,
        String endReason,
        Integer targetDuration,
        String codecs,
        Integer width,
        Integer height,
        Double frameRate) {

    public static final String LIVE = "live";
    public static final String ENDED = "ended";

    public boolean live() {
        return LIVE.equals(state);
    }
}
