package dev.rewind.ingest;

/**
 * One FLV tag as a presenter published it (Adobe FLV specification, annex E.4): an audio or video
 * frame or a script data object such as {@code onMetaData}.
 *
 * @param type {@link #AUDIO}, {@link #VIDEO} or {@link #SCRIPT}
 * @param timestampMs the RTMP timestamp in milliseconds (32 bits)
 * @param data the tag body, starting with the audio or video tag header
 * @param receivedAtMs when it arrived at ingest, in milliseconds since the epoch
 */
public record FlvTag(int type, long timestampMs, byte[] data, long receivedAtMs) {
    public static final int AUDIO = 8;
    public static final int VIDEO = 9;
    public static final int SCRIPT = 18;

    private static final int AVC = 7;
    private static final int AAC = 10;

    /** Whether it is a video frame that a decoder can start at. */
    public boolean isKeyframe() {
        return type == VIDEO && data.length > 0 && (data[0] >>> 4 & 0x07) == 1;
    }

    /**
     * Whether it carries a decoder configuration (AVC or enhanced RTMP sequence start, AAC audio
     * specific config) rather than a frame.
     */
    public boolean isSequenceHeader() {
        if (type == VIDEO && data.length >= 2) {
            return isExtendedVideo()
                    ? (data[0] & 0x0F) == 0
                    : (data[0] & 0x0F) == AVC && data[1] == 0;
        }
        return type == AUDIO && data.length >= 2 && (data[0] >>> 4 & 0x0F) == AAC && data[1] == 0;
    }

    /** The codec, as a FourCC for enhanced RTMP video or a short name otherwise. */
    public String codec() {
        if (type == VIDEO && data.length >= 5 && isExtendedVideo()) {
            return new String(data, 1, 4, java.nio.charset.StandardCharsets.US_ASCII);
        }
        if (type == VIDEO && data.length > 0) {
            return videoCodec(data[0] & 0x0F);
        }
        if (type == AUDIO && data.length > 0) {
            return audioCodec(data[0] >>> 4 & 0x0F);
        }
        return "script";
    }

    /** Enhanced RTMP (v1, 2023): the top bit of the first byte says a FourCC follows. */
    boolean isExtendedVideo() {
        return type == VIDEO && data.length > 0 && (data[0] & 0x80) != 0;
    }

    private static String videoCodec(int id) {
        return switch (id) {
            case 2 -> "h263";
            case 3 -> "screen";
            case 4, 5 -> "vp6";
            case 6 -> "screen2";
            case AVC -> "avc1";
            case 12 -> "hevc";
            default -> "video" + id;
        };
    }

    private static String audioCodec(int id) {
        return switch (id) {
            case 2, 14 -> "mp3";
            case AAC -> "mp4a";
            case 11 -> "speex";
            case 4, 5, 6 -> "nellymoser";
            case 7, 8 -> "g711";
            case 9 -> "extended";
            default -> "audio" + id;
        };
    }
}
