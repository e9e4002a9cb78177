package dev.rewind.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Audio and video tag headers: FLV annex E.4.2 and E.4.3, and enhanced RTMP v1 (2023). */
class FlvTagTests {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "video, 1700000000, true,  true,  avc1, AVC keyframe, sequence header",
        "video, 1701000000, true,  false, avc1, AVC keyframe NAL units",
        "video, 2701000000, false, false, avc1, AVC inter frame",
        "video, 1702000000, true,  false, avc1, AVC end of sequence",
        "video, 3201,       false, false, h263, Sorenson H.263 disposable frame",
        "video, 1c00,       true,  false, hevc, HEVC with the legacy codec id 12",
        "video, 9068766331, true,  true,  hvc1, enhanced HEVC sequence start",
        "video, 9168766331, true,  false, hvc1, enhanced HEVC coded frames",
        "video, a361763031, false, false, av01, enhanced AV1 inter frame (coded frames X)",
        "video, 9076703039, true,  true,  vp09, enhanced VP9 sequence start",
        "video, 9261763031, true,  false, av01, enhanced AV1 sequence end",
        "audio, af00,       false, true,  mp4a, AAC audio specific config",
        "audio, af01,       false, false, mp4a, AAC raw frame",
        "audio, 2f,         false, false, mp3,  MP3",
        "audio, 9000,       false, false, extended, enhanced RTMP audio",
        "audio, 70,         false, false, g711, G.711 A-law",
        "script, 02000a6f6e4d65746144617461, false, false, script, onMetaData"
    })
    void tagHeadersTellKeyframesSequenceHeadersAndCodecs(
            String type,
            String data,
            boolean keyframe,
            boolean sequenceHeader,
            String codec,
            String description) {
        FlvTag tag = new FlvTag(type(type), 0, HexFormat.of().parseHex(data), 0);

        assertThat(tag.isKeyframe()).as("keyframe").isEqualTo(keyframe);
        assertThat(tag.isSequenceHeader()).as("sequence header").isEqualTo(sequenceHeader);
        assertThat(tag.codec()).as("codec").isEqualTo(codec);
        boolean extended = description.startsWith("enhanced") && type.equals("video");
        assertThat(tag.isExtendedVideo()).as("enhanced RTMP video").isEqualTo(extended);
    }

    @ParameterizedTest(name = "{0} of {1} bytes")
    @CsvSource({"video, ''", "audio, ''", "video, 17", "audio, af", "video, 90"})
    void tagsTooShortForAPacketTypeAreNotSequenceHeaders(String type, String data) {
        FlvTag tag = new FlvTag(type(type), 0, HexFormat.of().parseHex(data), 0);

        assertThat(tag.isSequenceHeader()).isFalse();
        assertThat(tag.codec()).isNotEmpty();
    }

    private static int type(String name) {
        return switch (name) {
            case "video" -> FlvTag.VIDEO;
            case "audio" -> FlvTag.AUDIO;
            default -> FlvTag.SCRIPT;
        };
    }
}
