package dev.rewind.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** FLV files and streams, Adobe FLV specification annex E. */
class FlvTests {

    @Test
    void theHeaderFlagsAudioAndVideoAndIsFollowedByAZeroPreviousTagSize() {
        assertThat(hex(Flv.header(true, true)))
                .isEqualTo("464c5601" + "05" + "00000009" + "00000000");
        assertThat(Flv.header(true, false)[4]).isEqualTo((byte) 0x04);
        assertThat(Flv.header(false, true)[4]).isEqualTo((byte) 0x01);
    }

    @Test
    void aTagHasItsHeaderDataAndPreviousTagSize() {
        FlvTag tag = new FlvTag(FlvTag.AUDIO, 0x0A0B0C, new byte[] {(byte) 0xAF, 1, 2}, 0);

        assertThat(hex(Flv.tag(tag)))
                .isEqualTo("08" + "000003" + "0a0b0c" + "00" + "000000" + "af0102" + "0000000e");
    }

    /** E.4.1: the timestamp's upper 8 bits go in TimestampExtended, after the lower 24. */
    @Test
    void timestampsBeyond24BitsUseTheExtendedByte() {
        FlvTag tag = new FlvTag(FlvTag.VIDEO, 0x12345678L, new byte[] {0x17}, 0);

        assertThat(hex(Flv.tag(tag)).substring(8, 16)).isEqualTo("345678" + "12");
        assertThat(hex(Flv.tag(new FlvTag(FlvTag.VIDEO, 0xFFFFFFFFL, new byte[0], 0))))
                .isEqualTo("09" + "000000" + "ffffff" + "ff" + "000000" + "0000000b");
    }

    @Test
    void writeWritesTheTag() throws IOException {
        FlvTag tag = new FlvTag(FlvTag.SCRIPT, 0, Amf0.encode("onMetaData"), 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        Flv.write(out, tag);

        assertThat(out.toByteArray()).isEqualTo(Flv.tag(tag));
        assertThat(out.toByteArray()).hasSize(11 + tag.data().length + 4);
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
