package dev.rewind.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real encoders and probes that ingest tests publish and check with. */
public final class MediaTools {
    public static final Path DIRECTORY = Path.of("target/it-media");

    private MediaTools() {}

    /** Output of a finished process. */
    public record Result(int exitCode, String output) {}

    /** Runs a command to completion (at most {@code timeoutSeconds}), stdout and stderr merged. */
    public static Result run(long timeoutSeconds, String... command)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("media-tool", ".log");
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(
                    String.join(" ", command)
                            + " ran longer than "
                            + timeoutSeconds
                            + " s:\n"
                            + Files.readString(log));
        }
        String output = Files.readString(log);
        Files.delete(log);
        return new Result(process.exitValue(), output);
    }

    /** Starts a command in the background, its output going to {@code log}. */
    public static Process start(Path log, String... command) throws IOException {
        Files.createDirectories(log.getParent());
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** ffmpeg's 440 Hz test tone at 44.1 kHz, as input options. */
    public static final List<String> TONE =
            List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100");

    /** An H.264/AAC FLV file made by ffmpeg from its test sources; made once per run. */
    public static Path sourceFlv(int seconds) throws IOException, InterruptedException {
        return testSignal(
                DIRECTORY.resolve("source-" + seconds + "s.flv"),
                seconds,
                "25",
                TONE,
                "-c:v",
                "libx264",
                "-g",
                "50");
    }

    /**
     * Encodes ffmpeg's test picture (320x240 at {@code frameRate}) with the given audio input as
     * FLV, AAC at 64 kbit/s, with {@code options} last so that they override; kept for the run.
     */
    public static Path testSignal(
            Path file, int seconds, String frameRate, List<String> audio, String... options)
            throws IOException, InterruptedException {
        if (Files.exists(file)) {
            return file;
        }
        Files.createDirectories(file.getParent());
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y"));
        command.addAll(List.of("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=" + frameRate));
        command.addAll(audio);
        command.addAll(List.of("-t", String.valueOf(seconds), "-pix_fmt", "yuv420p"));
        command.addAll(List.of("-preset", "ultrafast", "-c:a", "aac", "-b:a", "64k"));
        command.addAll(List.of(options));
        command.addAll(List.of("-f", "flv", file.toString()));
        Result result = run(120, command.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.output()).isZero();
        return file;
    }

    /** Writes tags as an FLV file. */
    static Path writeFlv(Path file, List<FlvTag> tags) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(Flv.header(true, true));
            for (FlvTag tag : tags) {
                Flv.write(out, tag);
            }
        }
        return file;
    }

    /** Reads the tags of an FLV file (the FLV 10.1 specification, annex E). */
    public static List<FlvTag> readFlv(Path file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file));
        in.position(in.getInt(5) + 4); // the header, then PreviousTagSize0
        List<FlvTag> tags = new ArrayList<>();
        while (in.remaining() >= 15) {
            int type = in.get() & 0x1F;
            int size = uint24(in);
            long timestamp = uint24(in) | (in.get() & 0xFFL) << 24;
            in.position(in.position() + 3); // stream id
            byte[] data = new byte[size];
            in.get(data);
            in.getInt(); // PreviousTagSize
            tags.add(new FlvTag(type, timestamp, data, 0));
        }
        return tags;
    }

    private static int uint24(ByteBuffer in) {
        return (in.get() & 0xFF) << 16 | (in.get() & 0xFF) << 8 | in.get() & 0xFF;
    }

    /**
     * Publishes audio and video tags to Rewind with the scripted client, as fast as they can go (no
     * metadata), and unpublishes.
     */
    public static void publishTags(int rtmpPort, String key, List<FlvTag> tags) {
        try (RawRtmpClient client = RawRtmpClient.open(rtmpPort)) {
            assertThat(client.publish("live", key)).isEqualTo("NetStream.Publish.Start");
            for (FlvTag tag : tags) {
                if (tag.type() == FlvTag.VIDEO) {
                    client.video(tag.timestampMs(), tag.data());
                } else if (tag.type() == FlvTag.AUDIO) {
                    client.audio(tag.timestampMs(), tag.data());
                }
            }
            client.command("deleteStream", null, (double) RawRtmpClient.MEDIA_STREAM);
            client.flush();
            client.awaitClosed(java.time.Duration.ofSeconds(1));
        }
    }

    /** Every packet of a file, as "codec_type,dts_time" lines, in file order. */
    public static List<String> packets(Path file) throws IOException, InterruptedException {
        Result result =
                run(
                        60,
                        "ffprobe",
                        "-v",
                        "error",
                        "-show_entries",
                        "packet=codec_type,dts_time",
                        "-of",
                        "csv=p=0",
                        file.toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
        List<String> packets = new ArrayList<>();
        for (String line : result.output().split("\n")) {
            if (!line.isBlank()) {
                packets.add(line.strip());
            }
        }
        return packets;
    }

    /** Decodes a file completely; returns ffmpeg's error output (empty when it decoded cleanly). */
    public static String decodeErrors(Path file) throws IOException, InterruptedException {
        Result result = run(120, "ffmpeg", "-v", "error", "-i", file.toString(), "-f", "null", "-");
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result.output().strip();
    }
}
