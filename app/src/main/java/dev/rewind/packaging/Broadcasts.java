package dev.rewind.packaging;

import dev.rewind.catalog.BroadcastRepository;
import dev.rewind.catalog.Ids;
import dev.rewind.ingest.Publication;
import dev.rewind.ingest.StopReason;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The broadcasts this replica ingests, by stream. A publication joins its stream's broadcast while
 * that one is live or within the reconnect window after its last publisher left; otherwise it
 * starts a new one. A presenter who unpublishes ends the broadcast at once.
 */
final class Broadcasts {
    private static final Logger log = LoggerFactory.getLogger(Broadcasts.class);

    /** Stop reasons after which the presenter is not expected back. */
    private static final Set<StopReason> FINAL =
            Set.of(
                    StopReason.UNPUBLISHED,
                    StopReason.STREAM_DELETED,
                    StopReason.SHUTDOWN,
                    StopReason.PACKAGING_FAILED);

    private final Duration reconnectWindow;
    private final String node;
    private final Stores stores;
    private final Clock clock;
    // guarded by this
    private final Map<String, LiveBroadcast> live = new HashMap<>();
    private final Map<String, LiveBroadcast> ending = new HashMap<>();

    Broadcasts(Duration reconnectWindow, String node, Stores stores, Clock clock) {
        this.reconnectWindow = reconnectWindow;
        this.node = node;
        this.stores = stores;
        this.clock = clock;
    }

    /** Whether a publication that stopped for this reason ends its broadcast at once. */
    static boolean endsBroadcast(StopReason reason) {
        return FINAL.contains(reason);
    }

    /**
     * The broadcast a new publication continues or starts, and what must finish before its media
     * flows: the stream's previous publication on this replica. The next publication waits for
     * {@code finished}.
     */
    synchronized Joined join(Publication publication, Mono<Void> finished) {
        String streamId = publication.streamId();
        LiveBroadcast broadcast = live.get(streamId);
        if (broadcast != null && broadcast.ended()) {
            retire(broadcast); // packaging failed; the presenter's disconnect is on its way
            broadcast = null;
        }
        boolean continued = broadcast != null;
        if (broadcast == null) {
            broadcast = start(publication);
        } else if (broadcast.endTimer != null) {
            broadcast.endTimer.dispose();
            broadcast.endTimer = null;
        }
        broadcast.publishers++;
        Mono<Void> previous = broadcast.lastPipeline;
        broadcast.lastPipeline = finished;
        if (continued) {
            log.info(
                    "Stream {}: publication continues broadcast {} after a reconnect",
                    streamId,
                    broadcast.id());
        }
        return new Joined(broadcast, previous);
    }

    /** A publication's broadcast and what it waits for. */
    record Joined(LiveBroadcast broadcast, Mono<Void> previous) {}

    /**
     * A publication stopped. For a final reason its broadcast is no longer joinable at once (its
     * end follows its last segment); otherwise it ends when the reconnect window passes.
     */
    synchronized void stopped(LiveBroadcast broadcast, StopReason reason) {
        broadcast.publishers--;
        if (live.get(broadcast.streamId()) != broadcast) {
            return;
        }
        if (endsBroadcast(reason)) {
            retire(broadcast);
        } else if (broadcast.publishers == 0) {
            var ending = new LiveBroadcast.Ending(reason.toString(), clock.instant());
            broadcast.endTimer =
                    Mono.delay(reconnectWindow).subscribe(tick -> expire(broadcast, ending));
        }
    }

    private synchronized void expire(LiveBroadcast broadcast, LiveBroadcast.Ending ending) {
        if (broadcast.publishers > 0 || live.get(broadcast.streamId()) != broadcast) {
            return;
        }
        log.info(
                "Stream {}: broadcast {} ended: {}, no publisher within {} s",
                broadcast.streamId(),
                broadcast.id(),
                ending.reason(),
                reconnectWindow.toSeconds());
        retire(broadcast);
        broadcast.end(ending);
    }

    /** Ends every broadcast that this node left live when it last stopped. */
    Mono<Long> endAbandoned() {
        return stores.broadcasts().endAllIngestedBy(node, "server restart");
    }

    private LiveBroadcast start(Publication publication) {
        String streamId = publication.streamId();
        LiveBroadcast previous = ending.get(streamId);
        Mono<Void> predecessor =
                (previous == null ? Mono.<Void>empty() : previous.finished())
                        .then(endStale(streamId));
        var broadcast =
                new LiveBroadcast(
                        Ids.random(12),
                        streamId,
                        publication.startedAt(),
                        node,
                        predecessor,
                        stores);
        live.put(streamId, broadcast);
        log.info("Stream {}: broadcast {} started", streamId, broadcast.id());
        return broadcast;
    }

    /** Ends a live broadcast in the catalog that no replica is ingesting any more. */
    private Mono<Void> endStale(String streamId) {
        BroadcastRepository broadcasts = stores.broadcasts();
        return broadcasts
                .findLiveByStreamId(streamId)
                .flatMap(stale -> broadcasts.end(stale.id(), "publisher moved", clock.instant()))
                .then();
    }

    private void retire(LiveBroadcast broadcast) {
        live.remove(broadcast.streamId(), broadcast);
        ending.put(broadcast.streamId(), broadcast);
        broadcast.finished().doOnTerminate(() -> forget(broadcast)).subscribe();
    }

    private synchronized void forget(LiveBroadcast broadcast) {
        ending.remove(broadcast.streamId(), broadcast);
    }
}
