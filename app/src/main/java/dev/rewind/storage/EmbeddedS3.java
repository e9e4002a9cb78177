package dev.rewind.storage;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private S3Proxy proxy;

    EmbeddedS3(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    /** Starts S3Proxy on a thread of its own; {@link #endpoint()} waits for it. */
    void startInBackground() {
        var thread =
                new Thread(
                        () -> {
                            try {
                                start();
                                started.complete(null);
                            } catch (Exception e) {
                                started.completeExceptionally(e);
                            }
                        },
                        "embedded-s3-start");
        thread.setDaemon(true);
        thread.start();
    }

    private void start() throws Exception {
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
    }

    void stop() throws Exception {
        started.cancel(false);
        if (proxy != null) {
            proxy.stop();
        }
    }

    URI endpoint() {
        try {
            started.join();
        } catch (CompletionException e) {
            throw new IllegalStateException(
                    "embedded S3Proxy did not start: " + e.getCause().getMessage(), e.getCause());
        }
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
