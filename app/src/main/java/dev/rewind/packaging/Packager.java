package dev.rewind.packaging;

import dev.rewind.ingest.Publication;
import dev.rewind.ingest.PublicationHandler;
import dev.rewind.storage.MediaSpool;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * Turns publications into stored CMAF HLS: each joins or starts its broadcast and runs its own
 * pipeline, after the previous publication of the broadcast finished.
 */
final class Packager implements PublicationHandler {
    private static final Logger log = LoggerFactory.getLogger(Packager.class);

    private final Broadcasts broadcasts;
    private final PackagingSettings settings;
    private final MediaSpool spool;
    private final Scheduler blocking;
    private final Clock clock;

    Packager(
            Broadcasts broadcasts,
            PackagingSettings settings,
            MediaSpool spool,
            Scheduler blocking,
            Clock clock) {
        this.broadcasts = broadcasts;
        this.settings = settings;
        this.spool = spool;
        this.blocking = blocking;
        this.clock = clock;
    }

    @Override
    public Mono<Void> handle(Publication publication) {
        Sinks.Empty<Void> finished = Sinks.empty();
        Broadcasts.Joined joined = broadcasts.join(publication, finished.asMono());
        LiveBroadcast broadcast = joined.broadcast();
        publication.stopped().subscribe(reason -> broadcasts.stopped(broadcast, reason));
        var pipeline =
                new PublicationPipeline(publication, broadcast, settings, spool, blocking, clock);
        return joined.previous()
                .then(broadcast.ready())
                .then(Mono.defer(pipeline::run))
                .doOnError(error -> failed(broadcast, error))
                .doFinally(signal -> finished.tryEmitEmpty());
    }

    @Override
    public boolean readsEnhancedVideo(String fourCc) {
        return settings.enhancedVideoCodecs().contains(fourCc);
    }

    private void failed(LiveBroadcast broadcast, Throwable error) {
        if (!broadcast.ended()) {
            log.error(
                    "Stream {}: broadcast {} ends: {}",
                    broadcast.streamId(),
                    broadcast.id(),
                    error.getMessage());
            broadcast.end(new LiveBroadcast.Ending("packaging failed", clock.instant()));
        }
    }
}
