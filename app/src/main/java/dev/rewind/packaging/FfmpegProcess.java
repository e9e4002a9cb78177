package dev.rewind.packaging;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One FFmpeg remuxing FLV on its standard input into fragmented MP4 on its standard output, with
 * {@code -c copy}. Its standard error goes to a file, read when it exits, so that no thread waits
 * on it. Every method blocks: call them on the blocking scheduler.
 */
final class FfmpegProcess {
    private static final int LAST_LINES = 5;

    private final Process process;
    private final OutputStream input;
    private final Path errors;
    private final long startedNanos = System.nanoTime();

    private FfmpegProcess(Process process, Path errors) {
        this.process = process;
        this.input = new BufferedOutputStream(process.getOutputStream(), 64 * 1024);
        this.errors = errors;
    }

    /**
     * The arguments: a fragment at each video keyframe and every {@code fragmentUs}, and a 90 kHz
     * video timescale.
     */
    static List<String> command(Path binary, long fragmentUs) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(
                List.of(
                        "-hide_banner",
                        "-nostats",
                        "-loglevel",
                        "warning",
                        "-f",
                        "flv",
                        "-i",
                        "pipe:0",
                        "-map",
                        "0:v?",
                        "-map",
                        "0:a?",
                        "-c",
                        "copy",
                        "-f",
                        "mp4",
                        "-movflags",
                        "+frag_keyframe+empty_moov+default_base_moof",
                        "-frag_duration",
                        Long.toString(fragmentUs),
                        "-video_track_timescale",
                        "90000",
                        "pipe:1"));
        return command;
    }

    static FfmpegProcess start(List<String> command, Path errors) throws IOException {
        Files.createDirectories(errors.getParent());
        Process process =
                new ProcessBuilder(command)
                        .redirectError(errors.toFile())
                        .redirectInput(ProcessBuilder.Redirect.PIPE)
                        .redirectOutput(ProcessBuilder.Redirect.PIPE)
                        .start();
        return new FfmpegProcess(process, errors);
    }

    long pid() {
        return process.pid();
    }

    InputStream output() {
        return process.getInputStream();
    }

    /** Writes FLV bytes; they reach FFmpeg at the next {@link #flush}. */
    void write(byte[] bytes) throws IOException {
        input.write(bytes);
    }

    void flush() throws IOException {
        input.flush();
    }

    /** Ends FFmpeg's input, so that it writes what it holds and exits. */
    void closeInput() {
        try {
            input.close();
        } catch (IOException e) {
            // FFmpeg has exited already; its exit code says why
        }
    }

    /** Waits for FFmpeg to exit, killing it after {@code seconds}; returns its exit code. */
    int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        return process.exitValue();
    }

    void kill() {
        process.destroyForcibly();
    }

    long runningSeconds() {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos);
    }

    /** What FFmpeg wrote to standard error: the line count and its last lines; then deletes it. */
    String errorSummary() {
        try (Stream<String> lines = Files.lines(errors)) {
            // a long broadcast can leave many lines: keep the last few, not all of them
            Deque<String> last = new ArrayDeque<>(LAST_LINES + 1);
            long[] count = {0};
            lines.filter(line -> !line.isBlank())
                    .forEach(
                            line -> {
                                count[0]++;
                                last.addLast(line);
                                if (last.size() > LAST_LINES) {
                                    last.removeFirst();
                                }
                            });
            Files.deleteIfExists(errors);
            return count[0] == 0 ? "" : count[0] + " lines, last: " + String.join(" | ", last);
        } catch (IOException | UncheckedIOException e) {
            return "standard error unreadable: " + e;
        }
    }
}
