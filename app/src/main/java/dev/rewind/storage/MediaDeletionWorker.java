package dev.rewind.storage;

import dev.rewind.catalog.BroadcastRepository;
import dev.rewind.catalog.MediaDeletion;
import dev.rewind.catalog.MediaDeletionRepository;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Deletes media in the background: of deleted streams, and of broadcasts past their stream's
 * retention, which an hourly pass removes from the catalog. Runs every few seconds, and at once
 * when {@link #wakeUp()} says there is new work.
 */
@Component
@ConditionalOnWebApplication
public class MediaDeletionWorker implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(MediaDeletionWorker.class);
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final int BATCH = 20;
    private static final Duration RETENTION_INTERVAL = Duration.ofHours(1);

    private final MediaDeletionRepository deletions;
    private final BroadcastRepository broadcasts;
    private final ObjectStore store;
    private final Sinks.Many<Boolean> wakeUps = Sinks.many().multicast().directBestEffort();
    private volatile Disposable running;

    MediaDeletionWorker(
            MediaDeletionRepository deletions, BroadcastRepository broadcasts, ObjectStore store) {
        this.deletions = deletions;
        this.broadcasts = broadcasts;
        this.store = store;
    }

    /** Asks for a pass now rather than at the next interval. */
    public void wakeUp() {
        wakeUps.tryEmitNext(Boolean.TRUE);
    }

    @Override
    public void start() {
        Flux<Long> retention =
                Flux.interval(Duration.ZERO, RETENTION_INTERVAL)
                        .onBackpressureDrop()
                        .concatMap(tick -> expire(), 1);
        running =
                Flux.merge(Flux.interval(Duration.ZERO, INTERVAL), wakeUps.asFlux(), retention)
                        .onBackpressureDrop()
                        .concatMap(tick -> runPass(), 1)
                        .subscribe();
    }

    /** Moves the broadcasts past their retention to the deletion queue; counts them. */
    Mono<Long> expire() {
        return broadcasts
                .deleteExpired()
                .filter(count -> count > 0)
                .doOnNext(count -> log.info("{} broadcasts passed their retention", count))
                .onErrorResume(
                        e -> {
                            log.warn("Retention pass failed: {}", e.toString());
                            return Mono.empty();
                        });
    }

    @Override
    public void stop() {
        Disposable current = running;
        if (current != null) {
            current.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return running != null && !running.isDisposed();
    }

    /** One pass over the leased deletions; failures are recorded and retried after the lease. */
    Mono<Void> runPass() {
        return deletions
                .lease(BATCH, LEASE)
                .concatMap(this::deleteMedia)
                .then()
                .onErrorResume(
                        e -> {
                            log.warn("Media deletion pass failed: {}", e.toString());
                            return Mono.empty();
                        });
    }

    private Mono<Void> deleteMedia(MediaDeletion deletion) {
        String prefix = ObjectKeys.broadcastPrefix(deletion.streamId(), deletion.broadcastId());
        return store.deletePrefix(prefix)
                .doOnNext(
                        count ->
                                log.info(
                                        "Deleted {} objects of broadcast {} of stream {}",
                                        count,
                                        deletion.broadcastId(),
                                        deletion.streamId()))
                .then(deletions.deleteById(deletion.id()))
                .onErrorResume(e -> recordFailure(deletion, e));
    }

    private Mono<Void> recordFailure(MediaDeletion deletion, Throwable error) {
        log.warn(
                "Could not delete media of broadcast {} of stream {} (attempt {}): {}",
                deletion.broadcastId(),
                deletion.streamId(),
                deletion.attempts(),
                error.toString());
        return deletions.recordFailure(deletion.id(), error.toString());
    }
}
