package dev.rewind.playback;

import dev.rewind.catalog.Broadcast;
import dev.rewind.catalog.Segment;
import dev.rewind.storage.ObjectKeys;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes HLS playlists (RFC 8216) from a broadcast's catalog rows: the media playlist of one
 * broadcast, and the multivariant playlist that names it with its codecs and bitrate.
 */
final class Playlists {
    private static final DateTimeFormatter PROGRAM_DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT)
                    .withZone(ZoneOffset.UTC);

    /** EXT-X-MAP needs version 6 (RFC 8216 4.3.2.5); nothing here needs more. */
    private static final int VERSION = 6;

    private Playlists() {}

    /** How a media playlist is listed. */
    enum Kind {
        /** The stream's live URL: the broadcast as it is live, ended or not. */
        LIVE,
        /**
         * A broadcast's own URL: always the whole broadcast, live or ended, so that it only grows
         * (RFC 8216 6.2.1) and replays the broadcast once it ended.
         */
        BROADCAST
    }

    /**
     * The segments a playlist may list: those stored without a gap after the first, since a
     * playlist numbers its segments by position (RFC 8216 6.2.1).
     */
    static List<Segment> contiguous(List<Segment> segments) {
        List<Segment> listed = new ArrayList<>();
        for (Segment segment : segments) {
            if (!listed.isEmpty()
                    && segment.mediaSequence()
                            != listed.get(listed.size() - 1).mediaSequence() + 1) {
                break;
            }
            listed.add(segment);
        }
        return listed;
    }

    /**
     * A broadcast's media playlist; null when it has no segment yet.
     *
     * @param uriPrefix what segment URIs start with, relative to the playlist ({@code ""} or {@code
     *     "{broadcastId}/"})
     * @param dvrWindowSeconds 0 lists the whole broadcast; otherwise a live playlist lists the
     *     newest segments that cover at least this long
     */
    static String media(
            Broadcast broadcast,
            List<Segment> stored,
            Kind kind,
            int dvrWindowSeconds,
            String uriPrefix) {
        return media(broadcast, stored, kind, dvrWindowSeconds, uriPrefix, "");
    }

    /**
     * A broadcast's media playlist whose URIs all end with {@code uriQuery} ({@code ""} or a query
     * such as {@code "?token=..."}, so that a playback token reaches every object it lists).
     */
    static String media(
            Broadcast broadcast,
            List<Segment> stored,
            Kind kind,
            int dvrWindowSeconds,
            String uriPrefix,
            String uriQuery) {
        List<Segment> all = contiguous(stored);
        if (all.isEmpty() || broadcast.targetDuration() == null) {
            return null;
        }
        boolean whole = kind == Kind.BROADCAST || dvrWindowSeconds == 0;
        int target = broadcast.targetDuration();
        List<Segment> segments = whole ? all : window(all, dvrWindowSeconds, target);
        Segment first = segments.get(0);

        var out = new StringBuilder(64 + segments.size() * 64);
        out.append("#EXTM3U\n#EXT-X-VERSION:").append(VERSION).append('\n');
        out.append("#EXT-X-TARGETDURATION:").append(target).append('\n');
        out.append("#EXT-X-MEDIA-SEQUENCE:").append(first.mediaSequence()).append('\n');
        out.append("#EXT-X-DISCONTINUITY-SEQUENCE:")
                .append(first.discontinuitySequence())
                .append('\n');
        if (whole) {
            // EVENT, not VOD, even once ended: a playlist may gain EXT-X-ENDLIST, not a new type
            out.append("#EXT-X-PLAYLIST-TYPE:EVENT\n");
        }
        if (segments.stream().allMatch(Segment::independent)) {
            out.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        }
        Segment previous = null;
        for (Segment segment : segments) {
            appendSegment(out, segment, previous, uriPrefix, uriQuery);
            previous = segment;
        }
        if (!broadcast.live()) {
            out.append("#EXT-X-ENDLIST\n");
        }
        return out.toString();
    }

    /**
     * The multivariant playlist for a broadcast's media playlist at {@code mediaUri}; null when it
     * has no segment yet. BANDWIDTH is the peak segment bitrate, AVERAGE-BANDWIDTH the mean.
     */
    static String multivariant(Broadcast broadcast, List<Segment> stored, String mediaUri) {
        List<Segment> segments = contiguous(stored);
        if (segments.isEmpty() || broadcast.targetDuration() == null) {
            return null;
        }
        long peak = 0;
        long bytes = 0;
        long micros = 0;
        for (Segment segment : segments) {
            peak = Math.max(peak, bitsPerSecond(segment.sizeBytes(), segment.durationUs()));
            bytes += segment.sizeBytes();
            micros += segment.durationUs();
        }
        var out = new StringBuilder("#EXTM3U\n");
        out.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(peak);
        out.append(",AVERAGE-BANDWIDTH=").append(bitsPerSecond(bytes, micros));
        if (broadcast.codecs() != null && !broadcast.codecs().isEmpty()) {
            out.append(",CODECS=\"").append(broadcast.codecs()).append('"');
        }
        if (broadcast.width() != null && broadcast.width() > 0 && broadcast.height() != null) {
            out.append(",RESOLUTION=").append(broadcast.width()).append('x');
            out.append(broadcast.height());
        }
        if (broadcast.frameRate() != null) {
            out.append(String.format(Locale.ROOT, ",FRAME-RATE=%.3f", broadcast.frameRate()));
        }
        out.append('\n').append(mediaUri).append('\n');
        return out.toString();
    }

    /**
     * The newest segments that cover the DVR window, and never less than three target durations
     * (RFC 8216 6.2.2).
     */
    private static List<Segment> window(List<Segment> segments, int dvrWindowSeconds, int target) {
        long keepUs = Math.max(dvrWindowSeconds, 3L * target) * 1_000_000L;
        long coveredUs = 0;
        int from = segments.size();
        while (from > 0 && coveredUs < keepUs) {
            from--;
            coveredUs += segments.get(from).durationUs();
        }
        return segments.subList(from, segments.size());
    }

    private static void appendSegment(
            StringBuilder out,
            Segment segment,
            Segment previous,
            String uriPrefix,
            String uriQuery) {
        if (previous != null && segment.discontinuity()) {
            out.append("#EXT-X-DISCONTINUITY\n");
        }
        if (previous == null || previous.initNumber() != segment.initNumber()) {
            out.append("#EXT-X-MAP:URI=\"")
                    .append(uriPrefix)
                    .append(ObjectKeys.initName(segment.initNumber()))
                    .append(uriQuery)
                    .append("\"\n");
        }
        if (previous == null || segment.discontinuity()) {
            out.append("#EXT-X-PROGRAM-DATE-TIME:")
                    .append(PROGRAM_DATE_TIME.format(segment.programDateTime()))
                    .append('\n');
        }
        out.append(String.format(Locale.ROOT, "#EXTINF:%.3f,\n", segment.durationUs() / 1e6));
        out.append(uriPrefix).append(ObjectKeys.segmentName(segment.mediaSequence()));
        out.append(uriQuery).append('\n');
    }

    private static long bitsPerSecond(long bytes, long micros) {
        return micros == 0 ? 0 : bytes * 8_000_000L / micros;
    }
}
