package dev.rewind.storage;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Where media objects are kept. Without an endpoint Rewind runs S3Proxy on loopback with a
 * file-system store under the data directory.
 *
 * @param endpoint S3 or MinIO endpoint, for example {@code http://minio:9000}
 * @param accessKey access key for the endpoint
 * @param secretKey secret key for the endpoint
 * @param bucket bucket that holds every object; created if missing
 * @param region region sent with every request, so that the client never asks the server for it
 * @param spoolSize room on local disk, under the data directory, for media waiting for storage
 *     while it is unreachable; a broadcast that would overflow it ends
 */
@ConfigurationProperties("rewind.storage")
public record StorageProperties(
        URI endpoint,
        String accessKey,
        String secretKey,
        @DefaultValue("rewind") String bucket,
        @DefaultValue("us-east-1") String region,
        @DefaultValue("2GB") DataSize spoolSize) {

    boolean embedded() {
        return endpoint == null;
    }
}
