package dev.rewind.packaging;

import java.nio.file.Path;
import java.util.Set;

/**
 * What every publication's pipeline shares.
 *
 * @param ffmpeg the FFmpeg binary
 * @param fragmentUs how long FFmpeg's fragments (CMAF chunks) are at most, between keyframes
 * @param segmentUs how long segments aim to be
 * @param logDirectory where FFmpeg's standard error is kept while it runs
 * @param enhancedVideoCodecs enhanced RTMP video FourCCs that this FFmpeg reads from FLV
 */
record PackagingSettings(
        Path ffmpeg,
        long fragmentUs,
        long segmentUs,
        Path logDirectory,
        Set<String> enhancedVideoCodecs) {}
