package dev.rewind.packaging;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How broadcasts are cut into HLS.
 *
 * @param segmentDuration how long segments aim to be; each starts at a keyframe, so a segment is at
 *     least this long and ends at the first keyframe after it
 * @param partDuration how long CMAF chunks (LL-HLS parts) are at most
 */
@ConfigurationProperties("rewind.hls")
public record PackagingProperties(
        @DefaultValue("2s") Duration segmentDuration,
        @DefaultValue("500ms") Duration partDuration) {}
