package dev.rewind.packaging;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the ISO BMFF boxes (ISO/IEC 14496-12) that cutting CMAF needs: the tracks of an init
 * segment (ftyp + moov) and the timing of a chunk (moof + mdat). Nothing else is interpreted.
 */
final class Mp4 {
    // tfhd flags (14496-12 8.8.7)
    private static final int TFHD_BASE_DATA_OFFSET = 0x1;
    private static final int TFHD_SAMPLE_DESCRIPTION = 0x2;
    private static final int TFHD_DEFAULT_DURATION = 0x8;
    private static final int TFHD_DEFAULT_SIZE = 0x10;
    private static final int TFHD_DEFAULT_FLAGS = 0x20;
    // trun flags (8.8.8)
    private static final int TRUN_DATA_OFFSET = 0x1;
    private static final int TRUN_FIRST_FLAGS = 0x4;
    private static final int TRUN_DURATION = 0x100;
    private static final int TRUN_SIZE = 0x200;
    private static final int TRUN_FLAGS = 0x400;
    private static final int TRUN_COMPOSITION = 0x800;
    // sample_is_non_sync_sample in sample flags (8.8.3.1)
    private static final int NON_SYNC = 0x10000;

    private Mp4() {}

    /** A track of an init segment. */
    record Track(
            int id,
            boolean video,
            long timescale,
            String codec,
            int width,
            int height,
            long defaultDuration,
            int defaultFlags) {}

    /** The timing of one track's samples in a chunk. */
    record Run(
            int trackId,
            long baseDecodeTime,
            long duration,
            int samples,
            boolean startsSync,
            long firstSampleDuration) {}

    /** The tracks of a moov box's content. */
    static List<Track> tracks(byte[] data, int from, int to) {
        Map<Integer, long[]> defaults = new HashMap<>();
        List<Track> tracks = new ArrayList<>();
        for (int at = from; at + 8 <= to; at += size(data, at)) {
            String type = type(data, at);
            if (type.equals("mvex")) {
                trackDefaults(data, at + 8, end(data, at, to), defaults);
            } else if (type.equals("trak")) {
                Track track = track(data, at + 8, end(data, at, to));
                if (track != null) {
                    tracks.add(track);
                }
            }
        }
        return tracks.stream().map(track -> withDefaults(track, defaults.get(track.id()))).toList();
    }

    /** The runs of a moof box's content, one per track fragment, with the init's defaults. */
    static List<Run> runs(byte[] data, int from, int to, List<Track> tracks) {
        List<Run> runs = new ArrayList<>();
        for (int at = from; at + 8 <= to; at += size(data, at)) {
            if (type(data, at).equals("traf")) {
                runs.add(run(data, at + 8, end(data, at, to), tracks));
            }
        }
        return runs;
    }

    static int size(byte[] data, int at) {
        long size = uint32(data, at);
        if (size < 8 || size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("box size " + size + " at " + at);
        }
        return (int) size;
    }

    static String type(byte[] data, int at) {
        return new String(data, at + 4, 4, StandardCharsets.ISO_8859_1);
    }

    private static int end(byte[] data, int at, int limit) {
        int end = at + size(data, at);
        if (end > limit) {
            throw new IllegalArgumentException(
                    "box " + type(data, at) + " at " + at + " runs past its parent");
        }
        return end;
    }

    private static Track track(byte[] data, int from, int to) {
        int id = 0;
        int width = 0;
        int height = 0;
        Track media = null;
        for (int at = from; at + 8 <= to; at += size(data, at)) {
            switch (type(data, at)) {
                case "tkhd" -> {
                    int version = data[at + 8];
                    id = (int) uint32(data, at + 8 + (version == 1 ? 20 : 12));
                    int boxEnd = end(data, at, to);
                    width = (int) (uint32(data, boxEnd - 8) >>> 16);
                    height = (int) (uint32(data, boxEnd - 4) >>> 16);
                }
                case "mdia" -> media = media(data, at + 8, end(data, at, to));
                default -> {}
            }
        }
        if (media == null) {
            return null;
        }
        return new Track(id, media.video(), media.timescale(), media.codec(), width, height, 0, 0);
    }

    private static Track media(byte[] data, int from, int to) {
        long timescale = 0;
        String handler = "";
        String codec = null;
        for (int at = from; at + 8 <= to; at += size(data, at)) {
            switch (type(data, at)) {
                case "mdhd" -> {
                    int version = data[at + 8];
                    timescale = uint32(data, at + 8 + (version == 1 ? 20 : 12));
                }
                case "hdlr" -> handler = new String(data, at + 16, 4, StandardCharsets.ISO_8859_1);
                case "minf" -> codec = sampleEntry(data, at + 8, end(data, at, to));
                default -> {}
            }
        }
        if (!handler.equals("vide") && !handler.equals("soun")) {
            return null;
        }
        return new Track(0, handler.equals("vide"), timescale, codec, 0, 0, 0, 0);
    }

    /** The RFC 6381 codec of the first sample entry under minf/stbl/stsd. */
    private static String sampleEntry(byte[] data, int from, int to) {
        int stbl = find(data, from, to, "stbl");
        int stsd = stbl < 0 ? -1 : find(data, stbl + 8, end(data, stbl, to), "stsd");
        if (stsd < 0) {
            return null;
        }
        int entry = stsd + 16; // box header, version and flags, entry_count
        int entryEnd = end(data, entry, end(data, stsd, to));
        String format = type(data, entry);
        return switch (format) {
            case "avc1", "avc3" -> avc(format, data, entry + 8 + 78, entryEnd);
            case "mp4a" -> mp4a(data, entry + 8 + 28, entryEnd);
            default -> format;
        };
    }

    /** avc1.PPCCLL from the avcC box (ISO/IEC 14496-15 5.3.3.1). */
    private static String avc(String format, byte[] data, int from, int to) {
        int avcc = find(data, from, to, "avcC");
        if (avcc < 0) {
            return format;
        }
        return String.format(
                Locale.ROOT,
                "%s.%02x%02x%02x",
                format,
                data[avcc + 9] & 0xFF,
                data[avcc + 10] & 0xFF,
                data[avcc + 11] & 0xFF);
    }

    /** mp4a.OO[.A] from the esds box: object type, and the AAC audio object type. */
    private static String mp4a(byte[] data, int from, int to) {
        int esds = find(data, from, to, "esds");
        if (esds < 0) {
            return "mp4a.40.2";
        }
        int at = esds + 12;
        int end = end(data, esds, to);
        int objectType = -1;
        while (at + 2 <= end) {
            int tag = data[at++] & 0xFF;
            int length = 0;
            for (int i = 0; i < 4 && at < end; i++) { // expandable size, 14496-1 8.3.3
                int b = data[at++] & 0xFF;
                length = length << 7 | b & 0x7F;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            switch (tag) {
                case 0x03 -> at += 3; // ES_Descriptor: ES_ID, flags; no optional fields from FFmpeg
                case 0x04 -> {
                    objectType = data[at] & 0xFF;
                    at += 13;
                }
                case 0x05 -> {
                    int audioObjectType = (data[at] & 0xFF) >>> 3;
                    return objectType == 0x40
                            ? "mp4a.40." + audioObjectType
                            : String.format(Locale.ROOT, "mp4a.%02X", objectType);
                }
                default -> at += length;
            }
        }
        return objectType < 0 ? "mp4a.40.2" : String.format(Locale.ROOT, "mp4a.%02X", objectType);
    }

    private static void trackDefaults(byte[] data, int from, int to, Map<Integer, long[]> out) {
        for (int at = from; at + 8 <= to; at += size(data, at)) {
            if (type(data, at).equals("trex")) {
                int id = (int) uint32(data, at + 12);
                out.put(id, new long[] {uint32(data, at + 20), uint32(data, at + 28)});
            }
        }
    }

    private static Track withDefaults(Track track, long[] defaults) {
        if (defaults == null) {
            return track;
        }
        return new Track(
                track.id(),
                track.video(),
                track.timescale(),
                track.codec(),
                track.width(),
                track.height(),
                defaults[0],
                (int) defaults[1]);
    }

    private static Run run(byte[] data, int from, int to, List<Track> tracks) {
        var fragment = new TrackFragment(tracks);
        for (int at = from; at + 8 <= to; at += size(data, at)) {
            int body = at + 8;
            switch (type(data, at)) {
                case "tfhd" -> fragment.header(data, body);
                case "tfdt" ->
                        fragment.baseDecodeTime =
                                data[body] == 1 ? uint64(data, body + 4) : uint32(data, body + 4);
                case "trun" -> fragment.samples(data, body);
                default -> {}
            }
        }
        return fragment.toRun();
    }

    /** What a traf box says about its track's samples. */
    private static final class TrackFragment {
        private final List<Track> tracks;
        private int trackId;
        private long defaultDuration;
        private int defaultFlags;
        private long baseDecodeTime;
        private long duration;
        private int samples;
        private Boolean startsSync;
        private long firstSampleDuration = -1;

        TrackFragment(List<Track> tracks) {
            this.tracks = tracks;
        }

        /** tfhd (8.8.7): the track, and defaults that override the init's trex. */
        void header(byte[] data, int body) {
            int flags = (int) uint32(data, body) & 0xFFFFFF;
            trackId = (int) uint32(data, body + 4);
            Track track = find(tracks, trackId);
            defaultDuration = track == null ? 0 : track.defaultDuration();
            defaultFlags = track == null ? 0 : track.defaultFlags();
            int p = body + 8;
            p += (flags & TFHD_BASE_DATA_OFFSET) != 0 ? 8 : 0;
            p += (flags & TFHD_SAMPLE_DESCRIPTION) != 0 ? 4 : 0;
            if ((flags & TFHD_DEFAULT_DURATION) != 0) {
                defaultDuration = uint32(data, p);
                p += 4;
            }
            p += (flags & TFHD_DEFAULT_SIZE) != 0 ? 4 : 0;
            if ((flags & TFHD_DEFAULT_FLAGS) != 0) {
                defaultFlags = (int) uint32(data, p);
            }
        }

        /** trun (8.8.8): sample durations, and whether the first sample is a sync sample. */
        void samples(byte[] data, int body) {
            int flags = (int) uint32(data, body) & 0xFFFFFF;
            int count = (int) uint32(data, body + 4);
            int p = body + 8 + ((flags & TRUN_DATA_OFFSET) != 0 ? 4 : 0);
            Integer firstFlags = null;
            if ((flags & TRUN_FIRST_FLAGS) != 0) {
                firstFlags = (int) uint32(data, p);
                p += 4;
            }
            int fields = TRUN_DURATION | TRUN_SIZE | TRUN_FLAGS | TRUN_COMPOSITION;
            int perSample = Integer.bitCount(flags & fields) * 4;
            for (int i = 0; i < count; i++, p += perSample) {
                long sample = (flags & TRUN_DURATION) != 0 ? uint32(data, p) : defaultDuration;
                duration += sample;
                if (firstSampleDuration < 0) {
                    firstSampleDuration = sample;
                }
                if (startsSync == null) {
                    int sampleFlags = defaultFlags;
                    if (firstFlags != null) {
                        sampleFlags = firstFlags;
                    } else if ((flags & TRUN_FLAGS) != 0) {
                        sampleFlags = (int) uint32(data, p + flagsOffset(flags));
                    }
                    startsSync = (sampleFlags & NON_SYNC) == 0;
                }
            }
            samples += count;
        }

        Run toRun() {
            return new Run(
                    trackId,
                    baseDecodeTime,
                    duration,
                    samples,
                    startsSync == null || startsSync,
                    Math.max(0, firstSampleDuration));
        }
    }

    private static int flagsOffset(int trunFlags) {
        return ((trunFlags & TRUN_DURATION) != 0 ? 4 : 0) + ((trunFlags & TRUN_SIZE) != 0 ? 4 : 0);
    }

    private static Track find(List<Track> tracks, int id) {
        return tracks.stream().filter(track -> track.id() == id).findFirst().orElse(null);
    }

    private static int find(byte[] data, int from, int to, String type) {
        for (int at = from; at + 8 <= to; at += size(data, at)) {
            if (type(data, at).equals(type)) {
                return at;
            }
        }
        return -1;
    }

    static long uint32(byte[] data, int at) {
        if (at < 0 || at + 4 > data.length) {
            throw new IllegalArgumentException("box field at " + at + " past the end");
        }
        return (data[at] & 0xFFL) << 24
                | (data[at + 1] & 0xFFL) << 16
                | (data[at + 2] & 0xFFL) << 8
                | data[at + 3] & 0xFFL;
    }

    private static long uint64(byte[] data, int at) {
        return uint32(data, at) << 32 | uint32(data, at + 4);
    }
}
