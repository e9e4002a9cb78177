package dev.rewind.playback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.catalog.Broadcast;
import dev.rewind.catalog.Segment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlaylistsTests {
    private static final Instant START = Instant.parse("2026-12-04T10:00:00.250Z");

    @Test
    void aLiveBroadcastIsAnEventPlaylistWithItsMapAndProgramDateTime() {
        String text = Playlists.media(live(), segments(0, 3), Playlists.Kind.LIVE, 0, "b1/");

        assertThat(text)
                .isEqualTo(
                        """
                        #EXTM3U
                        #EXT-X-VERSION:6
                        #EXT-X-TARGETDURATION:2
                        #EXT-X-MEDIA-SEQUENCE:40
                        #EXT-X-DISCONTINUITY-SEQUENCE:0
                        #EXT-X-PLAYLIST-TYPE:EVENT
                        #EXT-X-INDEPENDENT-SEGMENTS
                        #EXT-X-MAP:URI="b1/init-0.mp4"
                        #EXT-X-PROGRAM-DATE-TIME:2026-12-04T10:00:00.250Z
                        #EXTINF:2.000,
                        b1/40.m4s
                        #EXTINF:2.000,
                        b1/41.m4s
                        #EXTINF:2.000,
                        b1/42.m4s
                        """);
        assertThat(HlsPlaylist.parse(text).violations()).isEmpty();
    }

    @Test
    void aBroadcastsOwnPlaylistListsTheWholeBroadcastLiveAndEndedWhateverTheWindow() {
        // regression: it slid while live and listed everything once ended, so its media
        // sequence went down, and its type changed from EVENT to VOD
        HlsPlaylist live =
                HlsPlaylist.parse(
                        Playlists.media(live(), segments(0, 10), Playlists.Kind.BROADCAST, 4, ""));
        HlsPlaylist ended =
                HlsPlaylist.parse(
                        Playlists.media(ended(), segments(0, 11), Playlists.Kind.BROADCAST, 4, ""));

        assertThat(live.segments()).hasSize(10);
        assertThat(live.type()).isEqualTo("EVENT");
        assertThat(live.endList()).isFalse();
        assertThat(ended.segments()).hasSize(11);
        assertThat(ended.endList()).isTrue();
        assertThat(live.updateViolations(ended)).isEmpty();
        assertThat(Playlists.media(live(), segments(0, 10), Playlists.Kind.LIVE, 4, ""))
                .doesNotContain("#EXT-X-PLAYLIST-TYPE");
        assertThat(Playlists.media(ended(), segments(0, 2), Playlists.Kind.LIVE, 0, ""))
                .contains("#EXT-X-PLAYLIST-TYPE:EVENT\n")
                .endsWith("#EXT-X-ENDLIST\n");
    }

    @Test
    void discontinuitiesCarryANewMapAndProgramDateTime() {
        List<Segment> segments = new ArrayList<>(segments(0, 2));
        segments.add(segment(42, true, 1, 1, true));
        segments.add(segment(43, false, 1, 1, true));

        HlsPlaylist playlist =
                HlsPlaylist.parse(Playlists.media(live(), segments, Playlists.Kind.LIVE, 0, ""));

        assertThat(playlist.violations()).isEmpty();
        assertThat(playlist.discontinuities()).isEqualTo(1);
        assertThat(playlist.segments().get(2).map()).isEqualTo("init-1.mp4");
        assertThat(playlist.segments().get(2).programDateTime())
                .isEqualTo(segments.get(2).programDateTime());
        assertThat(playlist.segments().get(3).discontinuitySequence()).isEqualTo(1);
    }

    @Test
    void aSlidingWindowKeepsTheDiscontinuitySequenceOfItsFirstSegment() {
        List<Segment> segments = new ArrayList<>(segments(0, 2));
        segments.add(segment(42, true, 1, 0, true));
        for (int i = 43; i < 50; i++) {
            segments.add(segment(i, false, 1, 0, true));
        }

        String text = Playlists.media(live(), segments, Playlists.Kind.LIVE, 10, "");
        HlsPlaylist playlist = HlsPlaylist.parse(text);

        assertThat(playlist.mediaSequence()).isEqualTo(45);
        assertThat(playlist.segments()).hasSize(5);
        assertThat(playlist.discontinuitySequence()).isEqualTo(1);
        assertThat(text).doesNotContain("PLAYLIST-TYPE").contains("#EXT-X-PROGRAM-DATE-TIME:");
    }

    @Test
    void aShortWindowStillListsThreeTargetDurations() {
        HlsPlaylist playlist =
                HlsPlaylist.parse(
                        Playlists.media(live(), segments(0, 10), Playlists.Kind.LIVE, 1, ""));

        assertThat(playlist.segments()).hasSize(3);
        assertThat(playlist.mediaSequence()).isEqualTo(47);
    }

    @Test
    void segmentsAfterAGapAreNotListedYet() {
        List<Segment> segments = new ArrayList<>(segments(0, 2));
        segments.add(segment(43, false, 0, 0, true));

        assertThat(
                        HlsPlaylist.parse(
                                        Playlists.media(
                                                live(), segments, Playlists.Kind.LIVE, 0, ""))
                                .segments())
                .hasSize(2);
    }

    @Test
    void independentSegmentsOnlyWhenEverySegmentStartsWithASyncSample() {
        List<Segment> segments = new ArrayList<>(segments(0, 2));
        segments.add(segment(42, false, 0, 0, false));

        assertThat(Playlists.media(live(), segments, Playlists.Kind.LIVE, 0, ""))
                .doesNotContain("INDEPENDENT");
    }

    @Test
    void noPlaylistBeforeTheFirstSegment() {
        assertThat(Playlists.media(live(), List.of(), Playlists.Kind.LIVE, 0, "")).isNull();
        assertThat(Playlists.multivariant(live(), List.of(), "index.m3u8")).isNull();
    }

    @Test
    void theMultivariantPlaylistNamesCodecsResolutionFrameRateAndBitrates() {
        List<Segment> segments = List.of(segment(0, 250_000), segment(1, 500_000));

        assertThat(Playlists.multivariant(live(), segments, "index.m3u8"))
                .isEqualTo(
                        """
                        #EXTM3U
                        #EXT-X-STREAM-INF:BANDWIDTH=2000000,AVERAGE-BANDWIDTH=1500000,\
                        CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=29.970
                        index.m3u8
                        """);
    }

    private static Broadcast live() {
        return broadcast("live", null);
    }

    private static Broadcast ended() {
        return broadcast("ended", START.plusSeconds(60));
    }

    private static Broadcast broadcast(String state, Instant endedAt) {
        return new Broadcast(
                "b1",
                "s1",
                state,
                START,
                endedAt,
                null,
                2,
                "avc1.64001f,mp4a.40.2",
                1280,
                720,
                29.97);
    }

    private static List<Segment> segments(int from, int count) {
        List<Segment> segments = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            segments.add(segment(40 + i, false, 0, 0, true));
        }
        return segments;
    }

    private static Segment segment(
            long sequence,
            boolean discontinuity,
            int discontinuitySequence,
            int init,
            boolean independent) {
        Instant at = START.plusSeconds(2 * (sequence - 40));
        return new Segment(
                "b1",
                sequence,
                2_000_000,
                at,
                discontinuity,
                discontinuitySequence,
                init,
                independent,
                "streams/s1/b1/" + sequence + ".m4s",
                500_000);
    }

    private static Segment segment(long sequence, long bytes) {
        return new Segment("b1", sequence, 2_000_000, START, false, 0, 0, true, "k", bytes);
    }
}
