package dev.rewind.storage;

import dev.rewind.config.Background;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;

/**
 * S3Proxy on loopback with a file-system store: a real S3 endpoint that Rewind talks to through the
 * MinIO client exactly as it talks to MinIO. Credentials are random for each run.
 */
final class EmbeddedS3 {
    private static final String ACCESS_KEY = "rewind";

    private final Path directory;
    private final String secretKey = randomSecret();
    private volatile CompletableFuture<Void> started =
            CompletableFuture.failedFuture(new IllegalStateException("never started"));
    private S3Proxy proxy;

    EmbeddedS3(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    /** Starts S3Proxy on a thread of its own; {@link #endpoint()} waits for it. */
    void startInBackground() {
        started = Background.start("embedded-s3-start", this::start);
    }

    private Void start() throws Exception {
        Files.createDirectories(directory);
        var settings = new Properties();
        settings.setProperty("jclouds.filesystem.basedir", directory.toString());
        proxy =
                S3Proxy.builder()
                        .blobStore(BlobStores.create("filesystem-nio2", settings))
                        .endpoint(URI.create("http://127.0.0.1:0"))
                        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, secretKey)
                        .build();
        proxy.start();
        return null;
    }

    /** Stops S3Proxy, after waiting for a start still in progress. */
    void stop() throws Exception {
        if (Background.finishedWell(started, Duration.ofSeconds(30))) {
            proxy.stop();
        }
    }

    URI endpoint() {
        Background.await(started, "embedded S3Proxy");
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    String accessKey() {
        return ACCESS_KEY;
    }

    String secretKey() {
        return secretKey;
    }

    Path directory() {
        return directory;
    }

    private static String randomSecret() {
        byte[] bytes = new byte[20];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
