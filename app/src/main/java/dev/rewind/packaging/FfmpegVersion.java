package dev.rewind.packaging;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version an FFmpeg binary reports, and what it can read of enhanced RTMP: FFmpeg 6.1 was the
 * first whose FLV demuxer reads HEVC, AV1 and VP9 by FourCC.
 *
 * @param line the first line of {@code ffmpeg -version}
 * @param major the major version, or -1 when the line names none (a build from git)
 * @param minor the minor version, or -1
 */
record FfmpegVersion(String line, int major, int minor) {
    private static final Pattern RELEASE = Pattern.compile("^ffmpeg version n?(\\d+)\\.(\\d+)");
    private static final Set<String> ENHANCED_FLV_VIDEO = Set.of("hvc1", "av01", "vp09");

    /** Parses the first line of {@code ffmpeg -version}. */
    static FfmpegVersion parse(String line) {
        Matcher release = RELEASE.matcher(line == null ? "" : line);
        if (!release.find()) {
            return new FfmpegVersion(line, -1, -1);
        }
        return new FfmpegVersion(
                line, Integer.parseInt(release.group(1)), Integer.parseInt(release.group(2)));
    }

    /** Runs {@code binary -version}; blocks for up to ten seconds. */
    static FfmpegVersion of(Path binary) throws IOException, InterruptedException {
        Process process =
                new ProcessBuilder(binary.toString(), "-hide_banner", "-version")
                        .redirectErrorStream(true)
                        .start();
        String first;
        try (var out =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            first = out.readLine();
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return parse(first);
    }

    /**
     * Enhanced RTMP video FourCCs this FFmpeg reads from FLV; none when the version is unknown, so
     * that such a publication is refused rather than packaged wrong.
     */
    Set<String> enhancedVideoCodecs() {
        boolean reads = major > 6 || (major == 6 && minor >= 1);
        return reads ? ENHANCED_FLV_VIDEO : Set.of();
    }
}
