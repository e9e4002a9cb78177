package dev.rewind.playback;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A media playlist as a player reads it, and the RFC 8216 rules it breaks on its own. Rules that
 * span updates (constant target duration, non-decreasing media sequence) are {@link
 * #updateViolations}.
 */
public record HlsPlaylist(
        int version,
        int targetDuration,
        long mediaSequence,
        int discontinuitySequence,
        String type,
        boolean independentSegments,
        boolean endList,
        List<Entry> segments,
        List<String> violations) {

    /** One listed segment with what applies to it. */
    public record Entry(
            long sequence,
            double duration,
            String uri,
            String map,
            boolean discontinuity,
            int discontinuitySequence,
            Instant programDateTime) {}

    public double totalSeconds() {
        return segments.stream().mapToDouble(Entry::duration).sum();
    }

    public long discontinuities() {
        return segments.stream().filter(Entry::discontinuity).count();
    }

    public static HlsPlaylist parse(String text) {
        var parser = new Parser();
        String[] lines = text.split("\n");
        if (lines.length == 0 || !lines[0].equals("#EXTM3U")) {
            parser.violations.add("first line is not #EXTM3U");
        }
        for (String line : lines) {
            parser.line(line);
        }
        return parser.playlist();
    }

    /** Reads a playlist line by line, keeping what applies to the next segment. */
    private static final class Parser {
        final List<String> violations = new ArrayList<>();
        final List<Entry> entries = new ArrayList<>();
        int version = 1;
        int target = -1;
        long sequence;
        int headerDiscontinuitySequence;
        int discontinuitySequence;
        String type;
        boolean independent;
        boolean endList;
        String map;
        boolean discontinuity;
        Double duration;
        Instant pdt;
        Instant nextPdt;

        void line(String line) {
            if (line.startsWith("#EXT-X-VERSION:")) {
                version = Integer.parseInt(value(line));
            } else if (line.startsWith("#EXT-X-TARGETDURATION:")) {
                target = Integer.parseInt(value(line));
            } else if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                sequence = Long.parseLong(value(line));
            } else if (line.startsWith("#EXT-X-DISCONTINUITY-SEQUENCE:")) {
                headerDiscontinuitySequence = Integer.parseInt(value(line));
                discontinuitySequence = headerDiscontinuitySequence;
            } else if (line.startsWith("#EXT-X-PLAYLIST-TYPE:")) {
                type = value(line);
            } else if (line.equals("#EXT-X-INDEPENDENT-SEGMENTS")) {
                independent = true;
            } else if (line.equals("#EXT-X-ENDLIST")) {
                endList = true;
            } else if (line.startsWith("#EXT-X-MAP:URI=\"")) {
                map = line.substring(16, line.length() - 1);
            } else if (line.equals("#EXT-X-DISCONTINUITY")) {
                discontinuity = true;
            } else if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
                pdt = OffsetDateTime.parse(value(line)).toInstant();
            } else if (line.startsWith("#EXTINF:")) {
                duration = Double.parseDouble(value(line).replace(",", ""));
            } else if (!line.isEmpty() && !line.startsWith("#")) {
                segment(line);
            }
        }

        private void segment(String uri) {
            if (duration == null) {
                violations.add(uri + " has no EXTINF");
                duration = 0.0;
            }
            if (map == null) {
                violations.add(uri + " has no EXT-X-MAP before it");
            }
            if ((entries.isEmpty() || discontinuity) && pdt == null) {
                violations.add(uri + " lacks EXT-X-PROGRAM-DATE-TIME");
            }
            if (target >= 0 && Math.round(duration) > target) {
                violations.add(uri + " EXTINF " + duration + " rounds above " + target);
            }
            if (discontinuity) {
                discontinuitySequence++;
            }
            Instant at = pdt != null ? pdt : nextPdt;
            entries.add(
                    new Entry(
                            sequence + entries.size(),
                            duration,
                            uri,
                            map,
                            discontinuity,
                            discontinuitySequence,
                            at));
            nextPdt = at == null ? null : at.plus(Duration.ofNanos((long) (duration * 1e9)));
            duration = null;
            pdt = null;
            discontinuity = false;
        }

        HlsPlaylist playlist() {
            if (target < 0) {
                violations.add("no EXT-X-TARGETDURATION");
            }
            if (map != null && version < 6) {
                violations.add("EXT-X-MAP needs version 6, playlist says " + version);
            }
            return new HlsPlaylist(
                    version,
                    target,
                    sequence,
                    headerDiscontinuitySequence,
                    type,
                    independent,
                    endList,
                    entries,
                    violations);
        }
    }

    /** What a later update of the same playlist breaks, given this earlier one. */
    public List<String> updateViolations(HlsPlaylist later) {
        List<String> violations = new ArrayList<>(later.violations());
        if (later.targetDuration() != targetDuration) {
            violations.add(
                    "target duration changed " + targetDuration + " -> " + later.targetDuration());
        }
        if (later.mediaSequence() < mediaSequence) {
            violations.add(
                    "media sequence decreased " + mediaSequence + " -> " + later.mediaSequence());
        }
        if (type != null && !type.equals(later.type())) {
            violations.add("playlist type changed " + type + " -> " + later.type());
        }
        if (endList && !later.endList()) {
            violations.add("EXT-X-ENDLIST disappeared");
        }
        if ("EVENT".equals(type)) {
            if (later.segments().size() < segments.size()
                    || !later.segments().subList(0, segments.size()).equals(segments)) {
                violations.add("an EVENT playlist changed instead of growing");
            }
        }
        return violations;
    }

    private static String value(String line) {
        return line.substring(line.indexOf(':') + 1);
    }
}
