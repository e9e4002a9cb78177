package dev.rewind.ingest;

/**
 * A publication's codecs and their decoder configurations, from the sequence headers seen so far. A
 * change means new decoder configuration, so a new CMAF init segment.
 *
 * @param videoCodec {@code avc1}, an enhanced RTMP FourCC such as {@code hvc1}, or null
 * @param videoConfig the video sequence header body (after the FLV video tag header), or null
 * @param audioCodec {@code mp4a} or another short name, or null
 * @param audioConfig the AAC AudioSpecificConfig, or null
 */
public record CodecConfiguration(
        String videoCodec, byte[] videoConfig, String audioCodec, byte[] audioConfig) {
    public static final CodecConfiguration NONE = new CodecConfiguration(null, null, null, null);

    CodecConfiguration withVideo(String codec, byte[] config) {
        return new CodecConfiguration(codec, config, audioCodec, audioConfig);
    }

    CodecConfiguration withAudio(String codec, byte[] config) {
        return new CodecConfiguration(videoCodec, videoConfig, codec, config);
    }
}
