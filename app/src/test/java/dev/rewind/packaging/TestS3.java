package dev.rewind.packaging;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * An S3Proxy that a test starts and stops on one port, as storage that goes away and comes back
 * with everything it held.
 */
final class TestS3 {
    static final String ACCESS_KEY = "packaging-test";
    static final String SECRET_KEY = "packaging-test-secret";

    private final int port;
    private final BlobStore blobs;
    private S3Proxy proxy;

    TestS3(Path directory) throws IOException {
        Files.createDirectories(directory);
        var settings = new Properties();
        settings.setProperty("jclouds.filesystem.basedir", directory.toString());
        this.blobs = BlobStores.create("filesystem-nio2", settings);
        try (var socket = new ServerSocket(0)) {
            this.port = socket.getLocalPort();
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    synchronized void start() throws Exception {
        proxy =
                S3Proxy.builder()
                        .blobStore(blobs)
                        .endpoint(URI.create(endpoint()))
                        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                        .build();
        proxy.start();
    }

    synchronized void stop() throws Exception {
        if (proxy != null) {
            proxy.stop();
            proxy = null;
        }
    }
}
