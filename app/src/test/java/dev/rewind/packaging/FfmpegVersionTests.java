package dev.rewind.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FfmpegVersionTests {
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "ffmpeg version 4.4.1-static https://johnvansickle.com/ffmpeg/ | 4 | 4 | false",
                "ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers"
                        + " | 5 | 1 | false",
                "ffmpeg version 6.0 Copyright (c) 2000-2023 | 6 | 0 | false",
                "ffmpeg version 6.1.1 Copyright (c) 2000-2023 | 6 | 1 | true",
                "ffmpeg version n7.1 Copyright (c) 2000-2024 | 7 | 1 | true",
                "ffmpeg version N-113000-gabcdef0123 Copyright (c) 2000-2024 | -1 | -1 | false",
                "sh: ffmpeg: not found | -1 | -1 | false"
            })
    void enhancedRtmpVideoIsReadFromFfmpeg61On(
            String line, int major, int minor, boolean readsEnhanced) {
        FfmpegVersion version = FfmpegVersion.parse(line);

        assertThat(version.major()).isEqualTo(major);
        assertThat(version.minor()).isEqualTo(minor);
        assertThat(version.enhancedVideoCodecs().contains("hvc1")).isEqualTo(readsEnhanced);
        assertThat(version.enhancedVideoCodecs().contains("av01")).isEqualTo(readsEnhanced);
    }
}
