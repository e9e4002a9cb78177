package dev.rewind.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.ingest.MediaTools;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reads what FFmpeg writes with packaging's own arguments. */
class Fmp4ReaderTests {

    @Test
    void splitsFfmpegOutputIntoTheInitSegmentAndTimedChunks() throws Exception {
        byte[] mp4 =
                remux(
                        "av",
                        "-f",
                        "lavfi",
                        "-i",
                        "sine=frequency=440:sample_rate=48000",
                        "-c:v",
                        "libx264",
                        "-g",
                        "25");
        List<Object> boxes = readAll(new ByteArrayInputStream(mp4));

        var init = (Fmp4Reader.Init) boxes.get(0);
        assertThat(init.codecs()).matches("avc1\\.[0-9a-f]{6},mp4a\\.40\\.2");
        Mp4.Track video = init.video();
        assertThat(video.timescale()).isEqualTo(90_000);
        assertThat(video.width()).isEqualTo(320);
        assertThat(video.height()).isEqualTo(240);
        assertThat(init.main()).isEqualTo(video);

        List<Fmp4Reader.Chunk> chunks = chunks(boxes);
        long total = 0;
        List<Long> syncAt = new ArrayList<>();
        for (Fmp4Reader.Chunk chunk : chunks) {
            Mp4.Run run = chunk.run(video.id());
            assertThat(run.baseDecodeTime()).isEqualTo(total);
            assertThat(run.duration()).as("half a second and a frame").isLessThanOrEqualTo(48_600);
            if (run.startsSync()) {
                syncAt.add(total);
            }
            total += run.duration();
        }
        // FFmpeg stretches the first sample over the gap from time zero to the first frame
        long first = syncAt.get(1) - 90_000;
        assertThat(first).isBetween(0L, 3_600L);
        assertThat(syncAt).containsExactly(0L, first + 90_000, first + 180_000, first + 270_000);
        assertThat(total).isEqualTo(first + 4 * 90_000);
        assertThat(chunks.get(1).run(init.tracks().get(1).id()).samples()).isPositive();
        int bytes = init.bytes().length + chunks.stream().mapToInt(c -> c.bytes().length).sum();
        assertThat(bytes).isLessThanOrEqualTo(mp4.length);
    }

    @Test
    void audioAloneHasOnlyIndependentChunks() throws Exception {
        byte[] mp4 = remux("audio", "-f", "lavfi", "-i", "sine=sample_rate=44100", "-vn");
        List<Object> boxes = readAll(new ByteArrayInputStream(mp4));

        var init = (Fmp4Reader.Init) boxes.get(0);
        assertThat(init.video()).isNull();
        assertThat(init.codecs()).isEqualTo("mp4a.40.2");
        assertThat(chunks(boxes)).hasSizeGreaterThan(6).allMatch(c -> c.runs().get(0).startsSync());
    }

    @Test
    void refusesTruncatedAndOversizedBoxes() throws Exception {
        byte[] mp4 = remux("av-cut", "-f", "lavfi", "-i", "sine", "-c:v", "libx264", "-g", "25");
        byte[] cut = Arrays.copyOf(mp4, mp4.length - 10);
        assertThatThrownBy(() -> readAll(new ByteArrayInputStream(cut)))
                .isInstanceOf(java.io.EOFException.class);

        byte[] huge = {0x7F, 0, 0, 0, 'm', 'd', 'a', 't'};
        assertThatThrownBy(() -> readAll(new ByteArrayInputStream(huge)))
                .hasMessageContaining("expected 8..");
    }

    /**
     * Four seconds of test video and an audio input (the first four arguments), encoded with the
     * remaining output options, then remuxed as packaging remuxes.
     */
    private static byte[] remux(String name, String... audio) throws Exception {
        Path dir = MediaTools.DIRECTORY.resolve("fmp4");
        Files.createDirectories(dir);
        Path flv =
                MediaTools.testSignal(
                        dir.resolve(name + ".flv"),
                        4,
                        "25",
                        List.of(audio).subList(0, 4),
                        Arrays.copyOfRange(audio, 4, audio.length));

        List<String> remux = new ArrayList<>(FfmpegProcess.command(Path.of("ffmpeg"), 500_000));
        remux.set(remux.indexOf("pipe:0"), flv.toString());
        Path out = dir.resolve(name + ".mp4");
        remux.set(remux.size() - 1, out.toString());
        remux.add(1, "-y");
        MediaTools.Result remuxed = MediaTools.run(60, remux.toArray(String[]::new));
        assertThat(remuxed.exitCode()).as(remuxed.output()).isZero();
        return Files.readAllBytes(out);
    }

    private static List<Object> readAll(InputStream in) throws IOException {
        var reader = new Fmp4Reader(in);
        List<Object> boxes = new ArrayList<>();
        for (Object box = reader.next(); box != null; box = reader.next()) {
            boxes.add(box);
        }
        return boxes;
    }

    private static List<Fmp4Reader.Chunk> chunks(List<Object> boxes) {
        return boxes.stream().skip(1).map(Fmp4Reader.Chunk.class::cast).toList();
    }
}
