package dev.rewind.packaging;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

/**
 * Splits FFmpeg's fragmented MP4 output into the init segment (ftyp + moov) and CMAF chunks (moof +
 * mdat), reading whole top-level boxes from a blocking stream. Other top-level boxes (free, mfra,
 * sidx) are skipped.
 */
final class Fmp4Reader {
    /** Larger boxes are refused: a fragment of half a second is a few MiB even at 8K. */
    static final int MAX_BOX_SIZE = 64 * 1024 * 1024;

    private final InputStream in;
    private byte[] ftyp;
    private byte[] moof;
    private List<Mp4.Track> tracks = List.of();

    Fmp4Reader(InputStream in) {
        this.in = in;
    }

    /** An init segment: what the decoder needs before the chunks that follow it. */
    record Init(byte[] bytes, List<Mp4.Track> tracks) {
        Mp4.Track video() {
            return tracks.stream().filter(Mp4.Track::video).findFirst().orElse(null);
        }

        /** The track that timing is read from: the video track, or else the first one. */
        Mp4.Track main() {
            Mp4.Track video = video();
            return video != null ? video : tracks.get(0);
        }

        /** The RFC 6381 codecs of every track, comma-separated. */
        String codecs() {
            return String.join(
                    ",", tracks.stream().map(Mp4.Track::codec).filter(c -> c != null).toList());
        }

        boolean sameAs(Init other) {
            return other != null && Arrays.equals(bytes, other.bytes);
        }
    }

    /** One CMAF chunk and the timing of each of its tracks. */
    record Chunk(byte[] bytes, List<Mp4.Run> runs) {
        Mp4.Run run(int trackId) {
            return runs.stream().filter(run -> run.trackId() == trackId).findFirst().orElse(null);
        }
    }

    /** The next init segment or chunk; null at the end of the stream. */
    Object next() throws IOException {
        while (true) {
            byte[] box = readBox();
            if (box == null) {
                return null;
            }
            switch (Mp4.type(box, 0)) {
                case "ftyp" -> ftyp = box;
                case "moov" -> {
                    if (ftyp == null) {
                        throw new IOException("moov before ftyp");
                    }
                    tracks = Mp4.tracks(box, 8, box.length);
                    if (tracks.isEmpty()) {
                        throw new IOException("moov without audio or video track");
                    }
                    return new Init(concat(ftyp, box), tracks);
                }
                case "moof" -> moof = box;
                case "mdat" -> {
                    if (moof == null) {
                        throw new IOException("mdat without moof");
                    }
                    var chunk =
                            new Chunk(concat(moof, box), Mp4.runs(moof, 8, moof.length, tracks));
                    moof = null;
                    return chunk;
                }
                default -> {}
            }
        }
    }

    private byte[] readBox() throws IOException {
        byte[] header = in.readNBytes(8);
        if (header.length == 0) {
            return null;
        }
        if (header.length < 8) {
            throw new EOFException("stream ends inside a box header");
        }
        long size = Mp4.uint32(header, 0);
        if (size < 8 || size > MAX_BOX_SIZE) {
            throw new IOException(
                    "box "
                            + Mp4.type(header, 0)
                            + " of "
                            + size
                            + " bytes (expected 8.."
                            + MAX_BOX_SIZE
                            + ")");
        }
        byte[] box = Arrays.copyOf(header, (int) size);
        int read = in.readNBytes(box, 8, box.length - 8);
        if (read < box.length - 8) {
            throw new EOFException("stream ends inside box " + Mp4.type(header, 0));
        }
        return box;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] out = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, out, first.length, second.length);
        return out;
    }
}
