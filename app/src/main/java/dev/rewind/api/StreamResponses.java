package dev.rewind.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/** Response bodies of the streams API. */
final class StreamResponses {
    private StreamResponses() {}

    @Schema(name = "Stream")
    record StreamView(
            String id,
            String title,
            @Schema(allowableValues = {"idle", "live"}) String state,
            Ingest ingest,
            String playbackUrl,
            String hlsUrl,
            ViewersView viewers,
            int dvrWindowSeconds,
            int retentionDays,
            Instant createdAt,
            Instant updatedAt) {}

    /** Where to publish; the stream key appears only when it was just created or rotated. */
    @Schema(name = "Ingest")
    record Ingest(
            String rtmpUrl,
            String rtmpsUrl,
            @JsonInclude(JsonInclude.Include.NON_NULL)
                    @Schema(
                            description =
                                    "Only in the responses that create or rotate it; Rewind keeps"
                                            + " no copy")
                    String streamKey) {}

    @Schema(name = "Viewers")
    record ViewersView(List<String> emails, List<String> domains) {}

    @Schema(name = "StreamPage")
    record StreamPage(List<StreamView> items, String nextCursor) {}

    @Schema(name = "StreamKey")
    record StreamKey(String streamKey) {}

    @Schema(name = "Broadcast")
    record BroadcastView(
            String id,
            Instant startedAt,
            Instant endedAt,
            Long durationSeconds,
            @Schema(allowableValues = {"live", "ended"}) String state,
            @Schema(description = "The viewer page that replays it") String replayUrl,
            @Schema(description = "Its HLS media playlist: live, or its replay once ended")
                    String hlsUrl,
            @Schema(description = "Why it ended: unpublished, client closed, idle, ...")
                    String endReason) {}

    @Schema(name = "BroadcastPage")
    record BroadcastPage(List<BroadcastView> items, String nextCursor) {}
}
