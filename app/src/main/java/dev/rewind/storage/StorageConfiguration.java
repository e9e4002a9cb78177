package dev.rewind.storage;

import dev.rewind.config.RewindProperties;
import io.minio.MinioAsyncClient;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

/**
 * Wires the object store: the S3Proxy that {@link EmbeddedStorageInitializer} started, or the
 * configured S3 endpoint.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class StorageConfiguration {
    private static final Logger log = LoggerFactory.getLogger(StorageConfiguration.class);
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(5);

    @Bean
    ObjectStore objectStore(
            StorageProperties properties, ObjectProvider<EmbeddedS3> embedded, Scheduler blocking) {
        EmbeddedS3 s3 = embedded.getIfAvailable();
        var client = MinioAsyncClient.builder().region(properties.region());
        String description;
        if (s3 != null) {
            client.endpoint(s3.endpoint().toString()).credentials(s3.accessKey(), s3.secretKey());
            description = "embedded S3Proxy at " + s3.endpoint() + " (" + s3.directory() + ")";
        } else {
            requireCredentials(properties);
            client.endpoint(properties.endpoint().toString())
                    .credentials(properties.accessKey(), properties.secretKey());
            description = "S3 at " + properties.endpoint();
        }
        description += ", bucket " + properties.bucket();
        return new ObjectStore(client.build(), properties.bucket(), description, blocking);
    }

    @Bean
    MediaSpool mediaSpool(
            ObjectStore store,
            StorageProperties properties,
            RewindProperties rewind,
            Scheduler blocking)
            throws IOException {
        var spool =
                new MediaSpool(
                        store,
                        rewind.dataDir().resolve("spool"),
                        properties.spoolSize().toBytes(),
                        blocking);
        spool.clear();
        return spool;
    }

    /** Creates the bucket in the background, retrying while the store is unreachable. */
    @Bean
    ApplicationRunner bucketInitializer(ObjectStore store) {
        return args -> store.ensureBucket().retryWhen(whileUnreachable()).subscribe();
    }

    @Bean
    ReactiveHealthIndicator storageHealthIndicator(ObjectStore store) {
        return () -> health(store);
    }

    private static Mono<Health> health(ObjectStore store) {
        return store.bucketExists()
                .map(exists -> exists ? Health.up() : Health.down().withDetail("bucket", "missing"))
                .map(Health.Builder::build)
                .timeout(HEALTH_TIMEOUT)
                .onErrorResume(e -> Mono.just(Health.down(e).build()));
    }

    /** Retries forever, backing off to one attempt every 30 s, with a WARN line per attempt. */
    private static Retry whileUnreachable() {
        return Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1))
                .maxBackoff(Duration.ofSeconds(30))
                .doBeforeRetry(
                        signal ->
                                log.warn(
                                        "Bucket check failed (attempt {}), retrying: {}",
                                        signal.totalRetries() + 1,
                                        signal.failure().toString()));
    }

    private static void requireCredentials(StorageProperties properties) {
        if (isBlank(properties.accessKey()) || isBlank(properties.secretKey())) {
            throw new IllegalStateException(
                    "rewind.storage.endpoint is set to "
                            + properties.endpoint()
                            + " but rewind.storage.access-key or rewind.storage.secret-key is"
                            + " missing: set REWIND_STORAGE_ACCESS_KEY and"
                            + " REWIND_STORAGE_SECRET_KEY");
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
