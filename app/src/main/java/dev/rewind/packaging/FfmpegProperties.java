package dev.rewind.packaging;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The FFmpeg that remuxes.
 *
 * @param path an FFmpeg binary to use instead of the one bundled with Rewind (jave2's static build)
 */
@ConfigurationProperties("rewind.ffmpeg")
public record FfmpegProperties(Path path) {}
