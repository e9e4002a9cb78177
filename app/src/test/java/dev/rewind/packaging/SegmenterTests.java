package dev.rewind.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SegmenterTests {
    private static final long SEGMENT_US = 2_000_000;
    private final AtomicInteger target = new AtomicInteger();
    private final Segmenter segmenter = new Segmenter(SEGMENT_US, target);
    private final List<Segmenter.Cut> cuts = new ArrayList<>();
    private long nextTagMs;

    @Test
    void segmentsEndAtTheFirstKeyframeAfterTheSegmentDuration() {
        // 2 s groups of pictures in 0.5 s chunks: a keyframe after every fourth chunk
        for (int i = 1; i <= 12; i++) {
            add(500_000, (i - 1) % 4 == 0, i % 4 == 0);
        }

        assertThat(cuts)
                .extracting(Segmenter.Cut::durationUs)
                .containsExactly(2_000_000L, 2_000_000L, 2_000_000L);
        assertThat(cuts).allMatch(Segmenter.Cut::independent);
        assertThat(cuts.get(1).chunks()).hasSize(4);
        assertThat(cuts.get(1).startTagMs()).isEqualTo(2000);
        assertThat(target.get()).isEqualTo(2);
    }

    @Test
    void aLongFirstGroupOfPicturesFixesALongerTarget() {
        for (int i = 1; i <= 8; i++) {
            add(500_000, i == 1, i == 8);
        }

        assertThat(cuts).extracting(Segmenter.Cut::durationUs).containsExactly(4_000_000L);
        assertThat(target.get()).isEqualTo(4);
    }

    @Test
    void withoutAKeyframeInTimeASegmentIsCutBeforeItWouldRoundAboveTheTarget() {
        target.set(2);
        for (int i = 1; i <= 12; i++) {
            add(500_000, i == 1, i == 12);
        }

        assertThat(cuts)
                .extracting(Segmenter.Cut::durationUs)
                .containsExactly(2_000_000L, 2_000_000L, 2_000_000L);
        assertThat(cuts).extracting(Segmenter.Cut::independent).containsExactly(true, false, false);
        assertThat(cuts).allMatch(cut -> Math.round(cut.durationUs() / 1e6) <= target.get());
    }

    @Test
    void groupsOfPicturesJustOverTheTargetAreNotCutInTheMiddle() {
        // 24 fps with a keyframe every 50 frames: 2.083 s groups, 0.5 s chunks and a short last one
        for (int gop = 0; gop < 4; gop++) {
            add(500_000, true, false);
            add(500_000, false, false);
            add(500_000, false, false);
            add(500_000, false, false);
            add(83_333, false, true);
        }

        assertThat(cuts).hasSize(4).allMatch(cut -> cut.durationUs() == 2_083_333);
        assertThat(cuts).allMatch(Segmenter.Cut::independent);
        assertThat(target.get()).isEqualTo(2);
    }

    @Test
    void ntscChunksStillEndAtTheKeyframe() {
        // 29.97 fps, 60-frame groups: chunks of 16 frames, then the 12 left before the keyframe
        long frame = 33_367;
        for (int gop = 0; gop < 3; gop++) {
            add(16 * frame, true, false);
            add(16 * frame, false, false);
            add(16 * frame, false, false);
            add(12 * frame, false, true);
        }

        assertThat(cuts).hasSize(3).allMatch(cut -> cut.durationUs() == 60 * frame);
        assertThat(target.get()).isEqualTo(2);
    }

    @Test
    void audioOnlyIsCutAtAnyChunkBoundary() {
        for (int i = 0; i < 9; i++) {
            add(464_399, true, true);
        }

        assertThat(cuts).extracting(Segmenter.Cut::durationUs).containsExactly(5 * 464_399L);
        assertThat(segmenter.flush().durationUs()).isEqualTo(4 * 464_399L);
        assertThat(segmenter.flush()).isNull();
    }

    @Test
    void aLastChunkWithoutDurationIsNoSegment() {
        // FFmpeg writes the last sample of its output with no duration
        add(0, true, false);

        assertThat(segmenter.flush()).isNull();
        add(500_000, true, false);
        assertThat(segmenter.flush().durationUs()).isEqualTo(500_000);
    }

    @Test
    void aCutKeepsItsChunksAndBytesInOrder() {
        add(1_000_000, true, false, new byte[] {1, 2});
        add(1_000_000, false, true, new byte[] {3});

        assertThat(cuts).hasSize(1);
        assertThat(cuts.get(0).bytes()).containsExactly(1, 2, 3);
        assertThat(cuts.get(0).size()).isEqualTo(3);
    }

    private void add(long durationUs, boolean independent, boolean endsBeforeSync) {
        add(durationUs, independent, endsBeforeSync, new byte[] {0});
    }

    private void add(long durationUs, boolean independent, boolean endsBeforeSync, byte[] bytes) {
        var chunk = new Segmenter.Chunk(bytes, durationUs, independent, nextTagMs, endsBeforeSync);
        nextTagMs += durationUs / 1000;
        Segmenter.Cut cut = segmenter.add(chunk);
        if (cut != null) {
            cuts.add(cut);
        }
    }
}
