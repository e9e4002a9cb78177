package dev.rewind.packaging;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Groups CMAF chunks into media segments. A segment ends at the first chunk boundary where a sync
 * sample follows once it holds {@code segmentDuration}; it is cut early, before a chunk that would
 * take it past the broadcast's target duration (RFC 8216 4.3.3.1: every EXTINF, rounded, at or
 * below EXT-X-TARGETDURATION). The first segment of a broadcast fixes that target: the configured
 * segment duration, or the first group of pictures when it is longer.
 */
final class Segmenter {
    private static final long SECOND_US = 1_000_000;

    /** The first segment waits at most this long for a sync sample. */
    private static final long FIRST_MAX_US = 10 * SECOND_US;

    /**
     * Durations from this far above a whole number of seconds round up: EXTINF is written in
     * milliseconds, so 2.4995 s reads "2.500".
     */
    private static final long ROUNDS_UP_US = SECOND_US / 2 - 500;

    private final long segmentUs;
    private final AtomicInteger targetSeconds;
    private final List<Chunk> chunks = new ArrayList<>();
    private long durationUs;

    /**
     * @param segmentUs the duration segments aim at
     * @param targetSeconds the broadcast's target duration, shared by all its segmenters; 0 until
     *     its first segment is cut
     */
    Segmenter(long segmentUs, AtomicInteger targetSeconds) {
        this.segmentUs = segmentUs;
        this.targetSeconds = targetSeconds;
    }

    /**
     * A chunk as packaging read it.
     *
     * @param startTagMs the RTMP timestamp of its first sample of the main track
     * @param endsBeforeSync whether the sample after its last is a sync sample (or, for audio, any
     *     boundary)
     */
    record Chunk(
            byte[] bytes,
            long durationUs,
            boolean independent,
            long startTagMs,
            boolean endsBeforeSync) {}

    /** A finished segment: its chunks, in order, are its LL-HLS parts. */
    record Cut(List<Chunk> chunks, long durationUs) {
        boolean independent() {
            return chunks.get(0).independent();
        }

        long startTagMs() {
            return chunks.get(0).startTagMs();
        }

        byte[] bytes() {
            var out = new ByteArrayOutputStream(size());
            chunks.forEach(chunk -> out.writeBytes(chunk.bytes()));
            return out.toByteArray();
        }

        int size() {
            return chunks.stream().mapToInt(chunk -> chunk.bytes().length).sum();
        }
    }

    /**
     * Adds a chunk; returns the segment it completes, or the segment before it when it cannot join
     * that one, or null.
     */
    Cut add(Chunk chunk) {
        Cut before = overflows(chunk) ? cut() : null;
        chunks.add(chunk);
        durationUs += chunk.durationUs();
        if (before != null) {
            return before;
        }
        return shouldCut(chunk) ? cut() : null;
    }

    /**
     * The segment in progress, as it stands, or null when it has no duration (FFmpeg gives the last
     * sample it writes none): the next chunk starts anew.
     */
    Cut flush() {
        if (durationUs == 0) {
            drop();
            return null;
        }
        return chunks.isEmpty() ? null : cut();
    }

    private void drop() {
        chunks.clear();
        durationUs = 0;
    }

    private boolean overflows(Chunk next) {
        int target = targetSeconds.get();
        return target > 0
                && !chunks.isEmpty()
                && durationUs + next.durationUs() >= target * SECOND_US + ROUNDS_UP_US;
    }

    private boolean shouldCut(Chunk last) {
        if (last.endsBeforeSync() && durationUs >= segmentUs) {
            return true;
        }
        return targetSeconds.get() == 0 && durationUs >= FIRST_MAX_US;
    }

    private Cut cut() {
        var cut = new Cut(List.copyOf(chunks), durationUs);
        long rounded = (durationUs + SECOND_US / 2) / SECOND_US;
        long configured = (segmentUs + SECOND_US - 1) / SECOND_US;
        targetSeconds.compareAndSet(0, (int) Math.max(1, Math.max(configured, rounded)));
        drop();
        return cut;
    }
}
