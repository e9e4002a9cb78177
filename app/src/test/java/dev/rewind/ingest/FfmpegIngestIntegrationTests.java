package dev.rewind.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.RewindIntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Real encoders publish to Rewind; what reaches packaging, written out as FLV, must hold the same
 * packets with the same timestamps as what they sent.
 */
class FfmpegIngestIntegrationTests extends RewindIntegrationTest {
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(60);
    private static final long BACKPRESSURE_BYTES = 48L << 20;

    @Autowired IngestServer ingest;
    @Autowired RecordingPublicationHandler recorder;

    @Test
    void ffmpegOverRtmpDeliversEveryPacketWithItsTimestamp() throws Exception {
        assertSamePacketsArrive("rtmp://127.0.0.1:" + ingest.rtmpPort(), "rtmp");
    }

    @Test
    void ffmpegOverRtmpsWithTheSelfSignedCertificateDeliversEveryPacket() throws Exception {
        assertSamePacketsArrive("rtmps://127.0.0.1:" + ingest.rtmpsPort(), "rtmps");
    }

    @Test
    void gstreamerRtmp2sinkPublishes() throws Exception {
        TestStream stream = createStream("gstreamer");
        String url = "rtmp://127.0.0.1:" + ingest.rtmpPort() + "/live/" + stream.key();

        MediaTools.Result result =
                MediaTools.run(
                        60,
                        "gst-launch-1.0",
                        "-q",
                        "videotestsrc",
                        "num-buffers=100",
                        "!",
                        "video/x-raw,framerate=25/1",
                        "!",
                        "x264enc",
                        "tune=zerolatency",
                        "key-int-max=50",
                        "!",
                        "h264parse",
                        "!",
                        "flvmux",
                        "name=mux",
                        "streamable=true",
                        "!",
                        "rtmp2sink",
                        "location=" + url,
                        "audiotestsrc",
                        "num-buffers=150",
                        "!",
                        "voaacenc",
                        "!",
                        "aacparse",
                        "!",
                        "mux.");

        assertThat(result.exitCode()).as(result.output()).isZero();
        List<FlvTag> tags = recorder.awaitStopped(stream.id(), PUBLISH_TIMEOUT);
        Path received = MediaTools.writeFlv(MediaTools.DIRECTORY.resolve("gstreamer.flv"), tags);
        List<String> packets = MediaTools.packets(received);
        assertThat(packets.stream().filter(p -> p.startsWith("video"))).hasSize(100);
        assertThat(packets.stream().filter(p -> p.startsWith("audio"))).isNotEmpty();
        assertThat(MediaTools.decodeErrors(received)).isEmpty();
    }

    @Test
    void slowPackagingPausesReadingWithoutLosingMediaOrTimingOutAsIdle() throws Exception {
        Path source = MediaTools.sourceFlv(4);
        // enough media that socket buffers cannot hold it: only reading it lets ffmpeg finish
        long loops = BACKPRESSURE_BYTES / Files.size(source) + 1;
        TestStream stream = createStream("backpressure");
        String id = stream.id();
        recorder.pause(id);

        Process ffmpeg =
                MediaTools.start(
                        MediaTools.DIRECTORY.resolve("backpressure.log"),
                        "ffmpeg",
                        "-v",
                        "error",
                        "-stream_loop",
                        String.valueOf(loops - 1),
                        "-i",
                        source.toString(),
                        "-c",
                        "copy",
                        "-f",
                        "flv",
                        "rtmp://127.0.0.1:" + ingest.rtmpPort() + "/live/" + stream.key());
        RecordingPublicationHandler.Recording recording =
                recorder.awaitPublication(id, 0, PUBLISH_TIMEOUT);

        // longer than the idle timeout (10 s): waiting for packaging is not idling
        assertThat(ffmpeg.waitFor(12, TimeUnit.SECONDS)).as("ffmpeg still sending").isFalse();
        assertThat(recording.publication().stopped().toFuture()).isNotDone();
        assertThat(recording.tags()).isEmpty();

        recorder.resume(id);
        assertThat(ffmpeg.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(ffmpeg.exitValue()).isZero();
        // ffmpeg sends deleteStream and closes at once: unread acknowledgements make the close a
        // reset, which loses the deleteStream, unless the server read it first
        assertThat(recording.awaitStopped(PUBLISH_TIMEOUT))
                .isIn(StopReason.CLIENT_CLOSED, StopReason.UNPUBLISHED);
        Path received =
                MediaTools.writeFlv(
                        MediaTools.DIRECTORY.resolve("backpressure.flv"), recording.tags());
        assertThat(MediaTools.packets(received))
                .hasSize((int) loops * MediaTools.packets(source).size());
    }

    private void assertSamePacketsArrive(String server, String name) throws Exception {
        Path source = MediaTools.sourceFlv(4);
        TestStream stream = createStream(name);

        MediaTools.Result result =
                MediaTools.run(
                        60,
                        "ffmpeg",
                        "-v",
                        "error",
                        "-re", // as encoders do: ffmpeg resets the connection when it ends, and
                        // a burst of 4 s could still be unread then, and lost with the reset
                        "-i",
                        source.toString(),
                        "-c",
                        "copy",
                        "-f",
                        "flv",
                        server + "/live/" + stream.key());

        assertThat(result.exitCode()).as(result.output()).isZero();
        List<FlvTag> tags = recorder.awaitStopped(stream.id(), PUBLISH_TIMEOUT);
        Path received = MediaTools.writeFlv(MediaTools.DIRECTORY.resolve(name + ".flv"), tags);
        List<String> expected = MediaTools.packets(source);
        assertThat(expected).hasSizeGreaterThan(200);
        assertThat(MediaTools.packets(received)).containsExactlyElementsOf(expected);
        assertThat(MediaTools.decodeErrors(received)).isEmpty();
    }

    private TestStream createStream(String title) {
        return TestStream.create(client, writeToken(), title);
    }
}
