package dev.rewind.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.auth.ApiTokens;
import dev.rewind.auth.ViewerAccess;
import dev.rewind.ingest.FlvTag;
import dev.rewind.ingest.IngestServer;
import dev.rewind.ingest.MediaTools;
import dev.rewind.ingest.TestStream;
import dev.rewind.playback.HlsPlaylist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.ClientRequest;

/**
 * Real ffmpeg publishers over RTMP to the running application with real packaging: what a player
 * gets from the playlists and segments while the broadcast is live and after it ended. Storage is
 * an S3Proxy that the tests can stop; the reconnect window is short so that broadcasts end soon.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "rewind.data-dir=target/packaging-it-data",
            "rewind.ingest.rtmp-port=0",
            "rewind.ingest.rtmps-port=0",
            "rewind.ingest.reconnect-window=4s"
        })
@AutoConfigureWebTestClient(timeout = "30s")
class PackagingIntegrationTests {
    private static final Duration WINDOW = Duration.ofSeconds(4);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Path MEDIA = MediaTools.DIRECTORY.resolve("packaging");
    private static final TestS3 STORAGE = startStorage();
    private static final Pattern LIVE_PATH = Pattern.compile("^/live/([^/]+)/");

    @Autowired WebTestClient client;
    @Autowired ApiTokens apiTokens;
    @Autowired IngestServer ingest;
    @Autowired ViewerAccess viewerAccess;

    /**
     * Fetches under {@code /live/{streamId}/} carry a playback token for that stream, as a bearer
     * header, as a customer's player would.
     */
    @BeforeEach
    void authorizePlayback() {
        client =
                client.mutate()
                        .filter(
                                (request, next) -> {
                                    Matcher live = LIVE_PATH.matcher(request.url().getRawPath());
                                    if (!live.find()) {
                                        return next.exchange(request);
                                    }
                                    return viewerAccess
                                            .playbackToken(live.group(1), null, Duration.ofHours(1))
                                            .map(
                                                    token ->
                                                            ClientRequest.from(request)
                                                                    .header(
                                                                            HttpHeaders
                                                                                    .AUTHORIZATION,
                                                                            "Bearer "
                                                                                    + token.token())
                                                                    .build())
                                            .defaultIfEmpty(request)
                                            .flatMap(next::exchange);
                                })
                        .build();
    }

    @DynamicPropertySource
    static void storage(DynamicPropertyRegistry registry) {
        registry.add("rewind.STORAGE.endpoint", STORAGE::endpoint);
        registry.add("rewind.STORAGE.access-key", () -> TestS3.ACCESS_KEY);
        registry.add("rewind.STORAGE.secret-key", () -> TestS3.SECRET_KEY);
    }

    @AfterAll
    static void stopStorage() throws Exception {
        STORAGE.stop();
    }

    @Test
    void aLiveBroadcastGrowsValidPlaylistsEverySegmentDecodesAndTheReplayPlays() throws Exception {
        Path source = encode("av-20s", 20, "-c:v", "libx264", "-g", "50");
        TestStream stream = newStream("live");
        Instant publishedAt = Instant.now();
        Process publisher = publish(stream, source);

        List<HlsPlaylist> updates = watchWhileLive(stream, publisher);
        Instant finishedAt = Instant.now();
        assertThat(publisher.exitValue()).isZero();
        assertThat(updates).as("live playlist updates").hasSizeGreaterThan(10);
        assertThat(updates.get(updates.size() - 1).segments().size())
                .as("segments listed while live")
                .isGreaterThan(updates.get(0).segments().size());

        HlsPlaylist ended = awaitEnded(stream.id());
        assertThat(updates.get(updates.size() - 1).updateViolations(ended)).isEmpty();
        assertThat(ended.violations()).isEmpty();
        assertThat(ended.independentSegments()).isTrue();
        assertThat(ended.discontinuities()).isZero();
        assertThat(ended.totalSeconds()).isCloseTo(20.0, org.assertj.core.data.Offset.offset(2.0));
        assertProgramDateTimesFollowTheWallClock(ended, publishedAt, finishedAt);
        String broadcast = broadcastOf(ended);
        assertEverySegmentDecodes(stream.id(), broadcast, ended);

        String replayUri = "/live/" + stream.id() + "/" + broadcast + "/index.m3u8";
        HlsPlaylist replay = HlsPlaylist.parse(get(replayUri));
        assertThat(replay.type()).isEqualTo("EVENT");
        assertThat(replay.endList()).isTrue();
        assertThat(replay.segments()).hasSameSizeAs(ended.segments());
        MediaTools.Result played =
                MediaTools.run(
                        120,
                        "ffmpeg",
                        "-v",
                        "error",
                        "-i",
                        url(replayUri) + "?token=" + playbackToken(stream.id()),
                        "-f",
                        "null",
                        "-");
        assertThat(played.exitCode()).as(played.output()).isZero();
        assertThat(played.output()).isBlank();

        List<Map<String, Object>> broadcasts = broadcasts(stream.id());
        assertThat(broadcasts).hasSize(1);
        assertThat(broadcasts.get(0))
                .containsEntry("state", "ended")
                .containsEntry("hlsUrl", "http://localhost:8080" + replayUri);
        assertThat(broadcasts.get(0).get("endReason")).isIn("client closed", "unpublished");
        assertThat(((Number) broadcasts.get(0).get("durationSeconds")).intValue())
                .isBetween(18, 30);
    }

    @Test
    void audioOnlyVideoOnlyBFramesNtscAndNoMetadataPublishersArePackaged() throws Exception {
        Instant testStart = Instant.now();
        Map<String, Path> sources =
                Map.of(
                        "audio-only",
                        encode("audio-only", 7, "-vn"),
                        "video-only",
                        encode("video-only", 7, "-an", "-c:v", "libx264", "-g", "50"),
                        "b-frames",
                        encode(
                                "b-frames",
                                7,
                                "-c:v",
                                "libx264",
                                "-preset",
                                "veryfast",
                                "-bf",
                                "3",
                                "-g",
                                "50"),
                        "ntsc",
                        encode("ntsc", 7, "-r", "30000/1001", "-c:v", "libx264", "-g", "60"),
                        "no-metadata",
                        encode("av-7s", 7, "-c:v", "libx264", "-g", "50"));
        Map<String, TestStream> streams = new java.util.TreeMap<>();
        List<Process> publishers = new ArrayList<>();
        for (var source : sources.entrySet()) {
            TestStream stream = newStream(source.getKey());
            streams.put(source.getKey(), stream);
            publishers.add(
                    source.getKey().equals("no-metadata")
                            ? publish(stream, source.getValue(), "-flvflags", "no_metadata")
                            : publish(stream, source.getValue()));
        }
        for (Process publisher : publishers) {
            assertThat(publisher.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(publisher.exitValue()).isZero();
        }

        for (var entry : streams.entrySet()) {
            String name = entry.getKey();
            TestStream stream = entry.getValue();
            HlsPlaylist ended = awaitEnded(stream.id());
            assertThat(ended.violations()).as(name).isEmpty();
            assertThat(ended.segments().get(0).programDateTime())
                    .as(name)
                    .isBetween(testStart, Instant.now());
            assertThat(ended.totalSeconds()).as(name).isBetween(5.0, 9.0);
            assertEverySegmentDecodes(stream.id(), broadcastOf(ended), ended);
            String master = get("/live/" + stream.id() + "/master.m3u8");
            assertDescribes(name, master);
        }
    }

    @Test
    void aPublisherBackWithinTheWindowContinuesTheBroadcastAndOneAfterItStartsANewOne()
            throws Exception {
        Path source = encode("av-20s", 20, "-c:v", "libx264", "-g", "50");
        TestStream stream = newStream("reconnect");
        Process first = publish(stream, source);
        HlsPlaylist before = awaitSegments(stream.id(), 2);
        first.destroyForcibly().waitFor(); // a network failure: no unpublish

        Process second = publish(stream, source);
        await().atMost(TIMEOUT).until(() -> livePlaylist(stream.id()).discontinuities() > 0);
        second.destroyForcibly().waitFor();
        HlsPlaylist ended = awaitEnded(stream.id());
        assertThat(before.updateViolations(ended)).isEmpty();
        assertThat(ended.violations()).isEmpty();
        assertThat(ended.discontinuities()).isEqualTo(1);
        assertThat(broadcasts(stream.id())).hasSize(1);
        long lastSequence = ended.segments().get(ended.segments().size() - 1).sequence();
        assertEverySegmentDecodes(stream.id(), broadcastOf(ended), ended);

        Process later = publish(stream, encode("av-7s", 7, "-c:v", "libx264", "-g", "50"));
        assertThat(later.waitFor(60, TimeUnit.SECONDS)).isTrue();
        HlsPlaylist next = awaitEnded(stream.id());
        assertThat(broadcasts(stream.id())).hasSize(2);
        assertThat(broadcastOf(next)).isNotEqualTo(broadcastOf(ended));
        assertThat(next.mediaSequence()).isGreaterThan(lastSequence);
        assertThat(next.discontinuities()).isZero();
    }

    @Test
    void anFfmpegKilledMidBroadcastIsRestartedAndOnlyTheSegmentInProgressIsLost() throws Exception {
        Path source = encode("av-20s", 20, "-c:v", "libx264", "-g", "50");
        TestStream stream = newStream("ffmpeg-killed");
        Process publisher = publish(stream, source);
        awaitSegments(stream.id(), 3);
        ProcessHandle packager = packagingFfmpeg();
        packager.destroyForcibly();

        assertThat(publisher.waitFor(60, TimeUnit.SECONDS)).isTrue();
        HlsPlaylist ended = awaitEnded(stream.id());
        assertThat(packagingFfmpegs()).doesNotContain(packager);
        assertThat(ended.violations()).isEmpty();
        assertThat(ended.discontinuities()).isEqualTo(1);
        // lost: the chunk FFmpeg was writing, and media until the next keyframe (2 s)
        assertThat(ended.totalSeconds()).isBetween(16.0, 20.5);
        assertEverySegmentDecodes(stream.id(), broadcastOf(ended), ended);
    }

    @Test
    void aNewVideoConfigurationStartsANewInitSegmentAfterADiscontinuityAndLosesNothing()
            throws Exception {
        // regression: the segment in progress at the change was joined with the next FFmpeg's
        // chunks, under the new init segment
        List<FlvTag> tags =
                new ArrayList<>(
                        MediaTools.readFlv(
                                encode("codec-small", 6, "-c:v", "libx264", "-g", "50")));
        long offsetMs = tags.get(tags.size() - 1).timestampMs() + 40;
        for (FlvTag tag :
                MediaTools.readFlv(
                        encode("codec-large", 6, "-c:v", "libx264", "-g", "50", "-s", "640x360"))) {
            tags.add(new FlvTag(tag.type(), tag.timestampMs() + offsetMs, tag.data(), 0));
        }
        TestStream stream = newStream("codec-change");

        MediaTools.publishTags(ingest.rtmpPort(), stream.key(), tags);

        HlsPlaylist ended = awaitEnded(stream.id());
        assertThat(ended.violations()).isEmpty();
        assertThat(ended.discontinuities()).isEqualTo(1);
        assertThat(ended.segments().stream().map(HlsPlaylist.Entry::map).distinct()).hasSize(2);
        assertThat(ended.totalSeconds()).isCloseTo(12.0, org.assertj.core.data.Offset.offset(0.5));
        assertEverySegmentDecodes(stream.id(), broadcastOf(ended), ended);
    }

    @Test
    void segmentsWaitWhileStorageIsDownAndNoneIsLost() throws Exception {
        Path source = encode("av-30s", 30, "-c:v", "libx264", "-g", "50");
        TestStream stream = newStream("storage-outage");
        Process publisher = publish(stream, source);
        HlsPlaylist before = awaitSegments(stream.id(), 2);

        STORAGE.stop();
        Thread.sleep(15_000);
        HlsPlaylist during = livePlaylist(stream.id());
        STORAGE.start();

        assertThat(publisher.waitFor(60, TimeUnit.SECONDS)).isTrue();
        HlsPlaylist ended = awaitEnded(stream.id());
        assertThat(during.segments().size())
                .as("listed during the outage")
                .isLessThan(before.segments().size() + 3);
        assertThat(ended.violations()).isEmpty();
        assertThat(ended.discontinuities()).isZero();
        assertThat(ended.totalSeconds()).isCloseTo(30.0, org.assertj.core.data.Offset.offset(2.0));
        assertEverySegmentDecodes(stream.id(), broadcastOf(ended), ended);
    }

    @Test
    void mediaAnswersRangesConditionalRequestsAndHeadAndNothingOutsideTheBroadcast()
            throws Exception {
        TestStream stream = newStream("ranges");
        TestStream other = newStream("ranges-other");
        Process publisher = publish(stream, encode("av-7s", 7, "-c:v", "libx264", "-g", "50"));
        assertThat(publisher.waitFor(60, TimeUnit.SECONDS)).isTrue();
        HlsPlaylist ended = awaitEnded(stream.id());
        String base = "/live/" + stream.id() + "/";
        assertRangesConditionalsAndHead(base, ended);
        client.head()
                .uri(base + "master.m3u8")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentType("application/vnd.apple.mpegurl");
        client.get()
                .uri(base + "index.m3u8")
                .exchange()
                .expectHeader()
                .contentType("application/vnd.apple.mpegurl")
                .expectHeader()
                .cacheControl(org.springframework.http.CacheControl.noCache());

        String broadcast = broadcastOf(ended);
        assertDownloadsAbortedHalfwayLeaveOthersWhole(base, ended);
        for (String missing :
                List.of(
                        base + broadcast + "/999999.m4s",
                        base + broadcast + "/init-7.mp4",
                        base + broadcast + "/passwd",
                        base + broadcast + "/..%2F..%2Fmaster.m3u8",
                        base + broadcast + "/%2e%2e/index.m3u8",
                        base + "nosuchbroadcast/0.m4s",
                        "/live/" + other.id() + "/" + ended.segments().get(0).uri(),
                        "/live/" + other.id() + "/index.m3u8")) {
            client.get()
                    .uri(java.net.URI.create(url(missing)))
                    .exchange()
                    .expectStatus()
                    .isNotFound();
        }
    }

    /**
     * The first segment by parts, conditionally and by HEAD; the init segment and playlist types.
     */
    private void assertRangesConditionalsAndHead(String base, HlsPlaylist ended) {
        String segment = base + ended.segments().get(0).uri();
        byte[] whole = bytes(segment);

        EntityExchangeResult<byte[]> full = fetch(segment, HttpHeaders.EMPTY);
        assertThat(full.getStatus()).isEqualTo(HttpStatus.OK);
        HttpHeaders headers = full.getResponseHeaders();
        assertThat(headers.getContentType()).hasToString("video/iso.segment");
        assertThat(headers.getContentLength()).isEqualTo(whole.length);
        assertThat(headers.getFirst(HttpHeaders.ACCEPT_RANGES)).isEqualTo("bytes");
        assertThat(headers.getCacheControl()).contains("immutable");
        String etag = headers.getETag();
        assertThat(etag).startsWith("\"");

        EntityExchangeResult<byte[]> part = fetch(segment, range("bytes=100-199"));
        assertThat(part.getStatus()).isEqualTo(HttpStatus.PARTIAL_CONTENT);
        assertThat(part.getResponseHeaders().getFirst(HttpHeaders.CONTENT_RANGE))
                .isEqualTo("bytes 100-199/" + whole.length);
        assertThat(part.getResponseBody()).isEqualTo(java.util.Arrays.copyOfRange(whole, 100, 200));
        assertThat(part.getResponseHeaders().getCacheControl()).contains("immutable");
        HttpHeaders sameVersion = range("bytes=100-199");
        sameVersion.set(HttpHeaders.IF_RANGE, etag);
        assertThat(fetch(segment, sameVersion).getStatus()).isEqualTo(HttpStatus.PARTIAL_CONTENT);
        HttpHeaders otherVersion = range("bytes=100-199");
        otherVersion.set(HttpHeaders.IF_RANGE, "\"other\"");
        EntityExchangeResult<byte[]> changed = fetch(segment, otherVersion);
        assertThat(changed.getStatus()).as("If-Range of another version").isEqualTo(HttpStatus.OK);
        assertThat(changed.getResponseBody()).isEqualTo(whole);
        EntityExchangeResult<byte[]> suffix = fetch(segment, range("bytes=-10"));
        assertThat(suffix.getResponseBody())
                .isEqualTo(java.util.Arrays.copyOfRange(whole, whole.length - 10, whole.length));
        EntityExchangeResult<byte[]> beyond = fetch(segment, range("bytes=" + whole.length + "-"));
        assertThat(beyond.getStatus()).isEqualTo(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
        assertThat(beyond.getResponseHeaders().getFirst(HttpHeaders.CONTENT_RANGE))
                .isEqualTo("bytes */" + whole.length);
        HttpHeaders conditional = new HttpHeaders();
        conditional.setIfNoneMatch(etag);
        assertThat(fetch(segment, conditional).getStatus()).isEqualTo(HttpStatus.NOT_MODIFIED);

        client.head()
                .uri(segment)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentLength(whole.length)
                .expectBody()
                .isEmpty();
        String init = base + ended.segments().get(0).map();
        client.get()
                .uri(init)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentType("video/mp4");
    }

    /** Polls the live playlist while the publisher runs; every update keeps the rules. */
    /**
     * Regression: a viewer who closed the connection halfway through a segment left the storage
     * client's connection broken, and later segment requests failed with 500.
     */
    private void assertDownloadsAbortedHalfwayLeaveOthersWhole(String base, HlsPlaylist ended)
            throws Exception {
        List<HlsPlaylist.Entry> segments = ended.segments();
        String token = playbackToken(base.split("/")[2]);
        for (int i = 0; i < 30; i++) {
            abort(base + segments.get(i % segments.size()).uri() + "?token=" + token, 300);
            assertWhole(base + segments.get((i + 1) % segments.size()).uri());
        }
        // many at once, some before the answer starts, as players seeking away do
        var aborts = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            var pending = new ArrayList<java.util.concurrent.Future<?>>();
            for (int i = 0; i < 96; i++) {
                String aborted = base + segments.get(i % segments.size()).uri() + "?token=" + token;
                int bytes = i % 3 == 0 ? 0 : 300 + i * 1000;
                pending.add(
                        aborts.submit(
                                () -> {
                                    abort(aborted, bytes);
                                    return null;
                                }));
            }
            for (var abort : pending) {
                abort.get(30, TimeUnit.SECONDS);
            }
        } finally {
            aborts.shutdownNow();
        }
        for (HlsPlaylist.Entry segment : segments) {
            assertWhole(base + segment.uri());
        }
    }

    /**
     * Sends a GET and closes the connection after reading {@code bytes} of the answer (0: at once,
     * before it starts).
     */
    /**
     * Sends a GET and closes the connection before the answer is whole: at once when {@code bytes}
     * is 0, else after the head and up to that many bytes of the body, one short of its end at
     * most.
     */
    private void abort(String uri, int bytes) throws IOException {
        try (var socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(
                            ("GET " + uri + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            if (bytes == 0) {
                return;
            }
            var in = new java.io.BufferedInputStream(socket.getInputStream());
            var head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                assertThat(b).as("GET %s: the head ends", uri).isNotNegative();
                head.append((char) b);
            }
            assertThat(head.toString()).as("GET %s", uri).startsWith("HTTP/1.1 200");
            var length =
                    java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
            assertThat(length.find()).as("GET %s: Content-Length", uri).isTrue();
            in.readNBytes((int) Math.min(bytes, Long.parseLong(length.group(1)) - 1));
        }
    }

    private void assertWhole(String uri) {
        EntityExchangeResult<byte[]> result = fetch(uri, HttpHeaders.EMPTY);
        assertThat(result.getStatus())
                .as("GET %s after aborted ones", uri)
                .isEqualTo(HttpStatus.OK);
        assertThat(result.getResponseBody())
                .hasSize((int) result.getResponseHeaders().getContentLength());
    }

    private List<HlsPlaylist> watchWhileLive(TestStream stream, Process publisher)
            throws InterruptedException {
        List<HlsPlaylist> updates = new ArrayList<>();
        while (publisher.isAlive()) {
            HlsPlaylist playlist = livePlaylist(stream.id());
            if (playlist != null && playlist.endList()) {
                // the publisher unpublished; its process may take a moment more to exit
                break;
            }
            if (playlist != null) {
                assertThat(playlist.type()).isEqualTo("EVENT");
                if (!updates.isEmpty()) {
                    assertThat(updates.get(updates.size() - 1).updateViolations(playlist))
                            .isEmpty();
                }
                updates.add(playlist);
            }
            Thread.sleep(200);
        }
        assertThat(publisher.waitFor(30, java.util.concurrent.TimeUnit.SECONDS))
                .as("the publisher exits")
                .isTrue();
        return updates;
    }

    /**
     * Program date-time is when a segment's first frame reached ingest: the first segment's is
     * within a second of the publisher starting, and the last one ends within a second of the
     * publisher's end, 20 s of media later, so the times neither lag nor drift.
     */
    private static void assertProgramDateTimesFollowTheWallClock(
            HlsPlaylist playlist, Instant publishedAt, Instant finishedAt) {
        HlsPlaylist.Entry first = playlist.segments().get(0);
        assertThat(first.programDateTime()).isBetween(publishedAt, publishedAt.plusSeconds(1));
        HlsPlaylist.Entry last = playlist.segments().get(playlist.segments().size() - 1);
        Instant lastEnd = last.programDateTime().plusMillis((long) (last.duration() * 1000));
        assertThat(lastEnd).isBetween(finishedAt.minusSeconds(1), finishedAt.plusMillis(500));
    }

    /** The multivariant playlist describes what each kind of publisher sent. */
    private static void assertDescribes(String name, String master) {
        switch (name) {
            case "audio-only" ->
                    assertThat(master)
                            .contains("CODECS=\"mp4a.40.2\"")
                            .doesNotContain("RESOLUTION");
            case "video-only" ->
                    assertThat(master)
                            .containsPattern("CODECS=\"avc1\\.[0-9a-f]{6}\"")
                            .contains("RESOLUTION=320x240");
            case "ntsc" -> assertThat(master).contains("FRAME-RATE=29.97");
            default ->
                    assertThat(master)
                            .containsPattern("CODECS=\"avc1\\.[0-9a-f]{6},mp4a\\.40\\.2\"");
        }
        assertThat(master).containsPattern("BANDWIDTH=[1-9][0-9]{4,}").contains("\nindex.m3u8\n");
    }

    // -----------------------------------------------------------------------------------------

    private TestStream newStream(String title) {
        String token =
                apiTokens
                        .mint(List.of(ApiTokens.READ, ApiTokens.WRITE), Duration.ofHours(1), "test")
                        .block()
                        .token();
        return TestStream.create(client, token, title);
    }

    private Process publish(TestStream stream, Path source, String... extra) throws IOException {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                "ffmpeg",
                                "-v",
                                "error",
                                "-re",
                                "-i",
                                source.toString(),
                                "-c",
                                "copy",
                                "-f",
                                "flv"));
        command.addAll(List.of(extra));
        command.add("rtmp://127.0.0.1:" + ingest.rtmpPort() + "/live/" + stream.key());
        return MediaTools.start(
                MEDIA.resolve(stream.id() + "-publisher.log"), command.toArray(String[]::new));
    }

    /** Test signal at 25 fps (or NTSC's when the options ask for it) with these output options. */
    private static Path encode(String name, int seconds, String... options) throws Exception {
        String rate = List.of(options).contains("30000/1001") ? "30000/1001" : "25";
        return MediaTools.testSignal(
                MEDIA.resolve(name + ".flv"), seconds, rate, MediaTools.TONE, options);
    }

    private HlsPlaylist livePlaylist(String streamId) {
        EntityExchangeResult<byte[]> result =
                fetch("/live/" + streamId + "/index.m3u8", HttpHeaders.EMPTY);
        if (result.getStatus() == HttpStatus.NOT_FOUND) {
            return null;
        }
        assertThat(result.getStatus()).isEqualTo(HttpStatus.OK);
        return HlsPlaylist.parse(
                new String(result.getResponseBody(), java.nio.charset.StandardCharsets.UTF_8));
    }

    private HlsPlaylist awaitSegments(String streamId, int count) {
        return await().atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(250))
                .until(
                        () -> livePlaylist(streamId),
                        p -> p != null && p.segments().size() >= count);
    }

    /**
     * The live playlist once EXT-X-ENDLIST appeared: the reconnect window after the publisher left.
     */
    private HlsPlaylist awaitEnded(String streamId) {
        return await().atMost(TIMEOUT.plus(WINDOW))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> livePlaylist(streamId), p -> p != null && p.endList());
    }

    private static String broadcastOf(HlsPlaylist playlist) {
        String uri = playlist.segments().get(0).uri();
        return uri.substring(0, uri.indexOf('/'));
    }

    /** Each segment, after the init segment that applies to it, decodes on its own. */
    private void assertEverySegmentDecodes(String streamId, String broadcast, HlsPlaylist playlist)
            throws Exception {
        Path directory = MEDIA.resolve(streamId);
        Files.createDirectories(directory);
        for (HlsPlaylist.Entry segment : playlist.segments()) {
            Path file = directory.resolve(segment.sequence() + ".mp4");
            byte[] init = bytes("/live/" + streamId + "/" + segment.map());
            byte[] media = bytes("/live/" + streamId + "/" + segment.uri());
            Files.write(file, init);
            Files.write(file, media, java.nio.file.StandardOpenOption.APPEND);
            assertThat(MediaTools.decodeErrors(file))
                    .as("decoding segment %d", segment.sequence())
                    .isEmpty();
        }
        assertThat(playlist.segments().get(0).uri()).startsWith(broadcast + "/");
    }

    private List<Map<String, Object>> broadcasts(String streamId) {
        String token =
                apiTokens
                        .mint(List.of(ApiTokens.READ), Duration.ofMinutes(5), "test")
                        .block()
                        .token();
        Map<String, Object> page =
                client.get()
                        .uri("/api/streams/{id}/broadcasts", streamId)
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {})
                        .returnResult()
                        .getResponseBody();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>) page.get("items");
        return items;
    }

    private ProcessHandle packagingFfmpeg() {
        List<ProcessHandle> running = packagingFfmpegs();
        assertThat(running).hasSize(1);
        return running.get(0);
    }

    /** The FFmpeg processes this JVM runs for packaging: they write to a pipe. */
    private static List<ProcessHandle> packagingFfmpegs() {
        return ProcessHandle.current()
                .children()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains("pipe:1"))
                .toList();
    }

    private String get(String uri) {
        EntityExchangeResult<byte[]> result = fetch(uri, HttpHeaders.EMPTY);
        assertThat(result.getStatus()).as(uri).isEqualTo(HttpStatus.OK);
        return new String(result.getResponseBody(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private byte[] bytes(String uri) {
        EntityExchangeResult<byte[]> result = fetch(uri, HttpHeaders.EMPTY);
        assertThat(result.getStatus()).as(uri).isEqualTo(HttpStatus.OK);
        return result.getResponseBody();
    }

    private EntityExchangeResult<byte[]> fetch(String uri, HttpHeaders headers) {
        return client.mutate()
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 << 20))
                .build()
                .get()
                .uri(uri)
                .headers(h -> h.addAll(headers))
                .exchange()
                .expectBody(byte[].class)
                .returnResult();
    }

    private static HttpHeaders range(String value) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RANGE, value);
        return headers;
    }

    private String playbackToken(String streamId) {
        return viewerAccess.playbackToken(streamId, null, Duration.ofHours(1)).block().token();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    @org.springframework.boot.test.web.server.LocalServerPort int port;

    private static TestS3 startStorage() {
        try {
            var s3 = new TestS3(Path.of("target/packaging-it-s3").toAbsolutePath());
            s3.start();
            return s3;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test S3Proxy", e);
        }
    }
}
