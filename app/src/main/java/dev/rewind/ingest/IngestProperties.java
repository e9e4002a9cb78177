package dev.rewind.ingest;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Where and how presenters publish.
 *
 * @param rtmpPort port of the RTMP listener
 * @param rtmpsPort port of the RTMPS listener (Kubernetes maps 443 to it)
 * @param app the RTMP application name in publish URLs; other names are refused
 * @param publicRtmpUrl the RTMP URL presenters are told to use; derived from {@code
 *     rewind.public-url}'s host and {@code rtmp-port} when not set
 * @param publicRtmpsUrl the RTMPS URL presenters are told to use; derived likewise
 * @param tls PEM files for RTMPS; a self-signed certificate is generated when not set
 * @param maxMessageSize largest RTMP message accepted; larger ones close the connection
 * @param commandTimeout time from connecting to an accepted {@code publish}
 * @param idleTimeout a publisher that sends no media for this long is disconnected
 * @param maxFailedKeys wrong stream keys accepted from one address per minute; further attempts
 *     from it are refused until the minute is over
 * @param duplicatePublish what a second publisher with the same key does to the first
 * @param reconnectWindow a publisher that comes back within this time after its connection was lost
 *     continues the same broadcast, after a discontinuity; one that unpublished does not
 * @param enhancedVideoCodecs enhanced RTMP video FourCCs (such as {@code hvc1}) accepted besides
 *     those packaging says it reads (from the FFmpeg version); publications of others are refused
 */
@ConfigurationProperties("rewind.ingest")
public record IngestProperties(
        @DefaultValue("1935") int rtmpPort,
        @DefaultValue("1936") int rtmpsPort,
        @DefaultValue("live") String app,
        URI publicRtmpUrl,
        URI publicRtmpsUrl,
        @DefaultValue Tls tls,
        @DefaultValue("8MB") DataSize maxMessageSize,
        @DefaultValue("10s") Duration commandTimeout,
        @DefaultValue("10s") Duration idleTimeout,
        @DefaultValue("5") int maxFailedKeys,
        @DefaultValue("takeover") DuplicatePublish duplicatePublish,
        @DefaultValue("60s") Duration reconnectWindow,
        @DefaultValue List<String> enhancedVideoCodecs) {

    /**
     * RTMPS certificate and key.
     *
     * @param certificate PEM file with the certificate and its chain, served in full
     * @param privateKey PEM file with the private key (PKCS#8, or PKCS#1 for RSA)
     */
    public record Tls(Path certificate, Path privateKey) {}

    /** What happens when a second publisher presents the key of a stream already live. */
    public enum DuplicatePublish {
        /** The newcomer replaces the current publisher (an encoder reconnecting). */
        TAKEOVER,
        /** The newcomer is refused. */
        REJECT
    }

    /** The RTMP URL to hand out, for a public host name and the port listened on. */
    String rtmpUrl(String publicHost, int port) {
        return publicRtmpUrl != null
                ? publicRtmpUrl.toString()
                : "rtmp://" + publicHost + ":" + port + "/" + app;
    }

    /** The RTMPS URL to hand out, for a public host name and the port listened on. */
    String rtmpsUrl(String publicHost, int port) {
        return publicRtmpsUrl != null
                ? publicRtmpsUrl.toString()
                : "rtmps://" + publicHost + ":" + port + "/" + app;
    }
}
