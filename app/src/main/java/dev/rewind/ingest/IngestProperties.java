package dev.rewind.ingest;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where presenters publish.
 *
 * @param rtmpPort port of the RTMP listener
 * @param rtmpsPort port of the RTMPS listener (Kubernetes maps 443 to it)
 * @param app the RTMP application name in publish URLs
 * @param publicRtmpUrl the RTMP URL presenters are told to use; derived from {@code
 *     rewind.public-url}'s host and {@code rtmp-port} when not set
 * @param publicRtmpsUrl the RTMPS URL presenters are told to use; derived likewise
 */
@ConfigurationProperties("rewind.ingest")
public record IngestProperties(
        @DefaultValue("1935") int rtmpPort,
        @DefaultValue("1936") int rtmpsPort,
        @DefaultValue("live") String app,
        URI publicRtmpUrl,
        URI publicRtmpsUrl) {

    /** The RTMP URL to hand out, for a public host name. */
    public String rtmpUrl(String publicHost) {
        return publicRtmpUrl != null
                ? publicRtmpUrl.toString()
                : "rtmp://" + publicHost + ":" + rtmpPort + "/" + app;
    }

    /** The RTMPS URL to hand out, for a public host name. */
    public String rtmpsUrl(String publicHost) {
        return publicRtmpsUrl != null
                ? publicRtmpsUrl.toString()
                : "rtmps://" + publicHost + ":" + rtmpsPort + "/" + app;
    }
}
