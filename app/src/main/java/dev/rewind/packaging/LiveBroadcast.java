package dev.rewind.packaging;

import dev.rewind.catalog.BroadcastRepository;
import dev.rewind.catalog.Segment;
import dev.rewind.catalog.SegmentRepository;
import dev.rewind.storage.MediaSpool;
import dev.rewind.storage.ObjectKeys;
import dev.rewind.storage.RepeatedWarning;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.dao.InvalidDataAccessResourceUsageException;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

/**
 * A broadcast being ingested on this replica: the numbering its segments share across publications
 * and FFmpeg restarts, and the one queue through which its objects reach storage and its rows the
 * catalog, in order. A segment row is written only once its object is stored, and the broadcast's
 * end only after its last segment.
 */
final class LiveBroadcast {
    private static final Logger log = LoggerFactory.getLogger(LiveBroadcast.class);

    private final String id;
    private final String streamId;
    private final MediaSpool spool;
    private final BroadcastRepository broadcasts;
    private final SegmentRepository segments;
    private final AtomicInteger targetSeconds = new AtomicInteger();
    private final RepeatedWarning catalogRetries =
            new RepeatedWarning(log, "catalog write retries", Duration.ofSeconds(10));
    private final Sinks.Many<Work> work = Sinks.many().unicast().onBackpressureBuffer();
    private final Sinks.Empty<Void> finished = Sinks.empty();
    private final Mono<Void> ready;

    // guarded by this
    private long nextSequence;
    private int discontinuitySequence;
    private boolean started;
    private boolean ended;
    private Fmp4Reader.Init init;
    private int initCount;
    private boolean targetStored;

    // guarded by Broadcasts
    int publishers;
    Disposable endTimer;
    Mono<Void> lastPipeline = Mono.empty();

    /** What the queue stores, in order. */
    private sealed interface Work {}

    private record StoreInit(MediaSpool.Spooled object) implements Work {}

    private record Describe(Fmp4Reader.Init init, Double frameRate) implements Work {}

    private record StoreSegment(
            MediaSpool.Spooled object,
            Segment row,
            Ending ending,
            int target,
            long closedAtMs,
            long queuedAtMs)
            implements Work {}

    private record End(Ending ending) implements Work {}

    /** Why and when a broadcast ended. */
    record Ending(String reason, Instant at) {}

    /**
     * @param predecessor the stream's previous broadcast on this replica, still storing its last
     *     objects; this one starts in the catalog after it ended there
     */
    LiveBroadcast(
            String id,
            String streamId,
            Instant startedAt,
            String node,
            Mono<Void> predecessor,
            Stores stores) {
        this.id = id;
        this.streamId = streamId;
        this.spool = stores.spool();
        this.broadcasts = stores.broadcasts();
        this.segments = stores.segments();
        this.ready =
                predecessor
                        .then(broadcasts.insertLive(id, streamId, startedAt, node))
                        .doOnNext(this::startAt)
                        .then()
                        .cache();
        ready.thenMany(work.asFlux())
                .concatMap(this::perform)
                .doFinally(signal -> finished.tryEmitEmpty())
                .subscribe(
                        done -> {},
                        error ->
                                log.error(
                                        "Stream {}: broadcast {} could not start: {}",
                                        streamId,
                                        id,
                                        error.toString()));
    }

    String id() {
        return id;
    }

    String streamId() {
        return streamId;
    }

    AtomicInteger targetSeconds() {
        return targetSeconds;
    }

    /** Completes once the broadcast is in the catalog, so that segments can follow. */
    Mono<Void> ready() {
        return ready;
    }

    /** Completes once the broadcast's end is in the catalog, after everything it stored. */
    Mono<Void> finished() {
        return finished.asMono();
    }

    private synchronized void startAt(long firstSequence) {
        nextSequence = firstSequence;
    }

    /** An init segment's number, and whether it is new and must be stored. */
    record Adopted(int number, boolean fresh) {}

    /**
     * Takes an init segment that a new FFmpeg wrote: the same bytes as the current init keep its
     * number; others, written after a real change of codec configuration, get the next one.
     */
    synchronized Adopted adopt(Fmp4Reader.Init next) {
        if (next.sameAs(init)) {
            return new Adopted(initCount - 1, false);
        }
        init = next;
        return new Adopted(initCount++, true);
    }

    /** Numbers the next segment; {@code discontinuity} is dropped for a broadcast's first one. */
    synchronized Segment plan(
            Segmenter.Cut cut, Instant programDateTime, boolean discontinuity, int initNumber) {
        boolean marked = discontinuity && started;
        if (marked) {
            discontinuitySequence++;
        }
        started = true;
        long sequence = nextSequence++;
        return new Segment(
                id,
                sequence,
                cut.durationUs(),
                programDateTime,
                marked,
                discontinuitySequence,
                initNumber,
                cut.independent(),
                ObjectKeys.key(streamId, id, ObjectKeys.segmentName(sequence)),
                cut.size());
    }

    /** Queues an init segment for storage. */
    void store(MediaSpool.Spooled object) {
        emit(new StoreInit(object));
    }

    /** Queues the media description of a new init segment, for the multivariant playlist. */
    void describe(Fmp4Reader.Init init, Double frameRate) {
        emit(new Describe(init, frameRate));
    }

    /**
     * Queues a segment for storage, and the broadcast's end after it when {@code ending}.
     *
     * @param closedAtMs when the keyframe that closed it arrived at ingest, or -1
     */
    void store(MediaSpool.Spooled object, Segment row, Ending ending, long closedAtMs) {
        emit(
                new StoreSegment(
                        object,
                        row,
                        ending,
                        targetSeconds.get(),
                        closedAtMs,
                        System.currentTimeMillis()));
        if (ending != null) {
            close();
        }
    }

    /** Queues the broadcast's end, after what is queued already. */
    void end(Ending ending) {
        emit(new End(ending));
        close();
    }

    /** Whether its end has been queued. */
    synchronized boolean ended() {
        return ended;
    }

    private synchronized void close() {
        if (!ended) {
            ended = true;
            work.tryEmitComplete();
        }
    }

    private synchronized void emit(Work item) {
        if (ended || work.tryEmitNext(item).isFailure()) {
            log.warn(
                    "Stream {}: broadcast {} has ended; {} not stored",
                    streamId,
                    id,
                    item.getClass().getSimpleName());
        }
    }

    private Mono<Void> perform(Work item) {
        Mono<Void> step;
        if (item instanceof StoreInit s) {
            step = spool.upload(s.object());
        } else if (item instanceof Describe d) {
            step = catalog(describe(d));
        } else if (item instanceof StoreSegment s) {
            long[] storedAtMs = new long[1];
            step =
                    spool.upload(s.object())
                            .doOnSuccess(done -> storedAtMs[0] = System.currentTimeMillis())
                            .then(catalog(record(s, storedAtMs)));
        } else {
            step = catalog(endNow(((End) item).ending()));
        }
        return step.onErrorResume(error -> failed(item, error));
    }

    /** A write that failed for good: logged with its cause; a broadcast's end still happens. */
    private Mono<Void> failed(Work item, Throwable error) {
        Throwable cause = Exceptions.isRetryExhausted(error) ? error.getCause() : error;
        if (cause instanceof DataIntegrityViolationException
                && !(cause instanceof DuplicateKeyException)) {
            // the broadcast's rows are gone: its stream was deleted while it was live
            log.info(
                    "Stream {}: broadcast {}: {} dropped, the stream was deleted",
                    streamId,
                    id,
                    item.getClass().getSimpleName());
        } else {
            log.error(
                    "Stream {}: broadcast {}: {} failed: {}",
                    streamId,
                    id,
                    item.getClass().getSimpleName(),
                    cause.toString());
        }
        if (item instanceof StoreSegment s && s.ending() != null) {
            return catalog(endNow(s.ending())).onErrorResume(e -> Mono.empty());
        }
        return Mono.empty();
    }

    private Mono<Void> describe(Describe s) {
        Mp4.Track video = s.init().video();
        return broadcasts.updateMedia(
                id,
                s.init().codecs(),
                video == null ? null : video.width(),
                video == null ? null : video.height(),
                s.frameRate());
    }

    private Mono<Void> record(StoreSegment s, long[] storedAtMs) {
        Mono<Void> target = Mono.empty();
        if (!targetStored) {
            targetStored = true;
            target = broadcasts.fixTargetDuration(id, s.target()).then();
        }
        Mono<Void> insert =
                s.ending() == null
                        ? segments.insert(s.row())
                        : segments.insertLast(s.row(), s.ending().reason(), s.ending().at());
        return target.then(insert).doOnSuccess(done -> listed(s, storedAtMs[0]));
    }

    /**
     * At DEBUG, how long the segment took to be listed, and where: cut and spooled, queued and
     * uploaded, its row written.
     */
    private void listed(StoreSegment s, long storedAtMs) {
        if (!log.isDebugEnabled()) {
            return;
        }
        long now = System.currentTimeMillis();
        String delay =
                s.closedAtMs() < 0
                        ? "at the end of its FFmpeg"
                        : (now - s.closedAtMs())
                                + " ms after its closing frame arrived (spooled +"
                                + (s.queuedAtMs() - s.closedAtMs())
                                + " ms, stored +"
                                + (storedAtMs - s.queuedAtMs())
                                + " ms, row +"
                                + (now - storedAtMs)
                                + " ms)";
        log.debug(
                "Stream {}: segment {} listed {} ({} bytes, {} us)",
                streamId,
                s.row().mediaSequence(),
                delay,
                s.row().sizeBytes(),
                s.row().durationUs());
    }

    private Mono<Void> endNow(Ending ending) {
        return broadcasts.end(id, ending.reason(), ending.at()).then();
    }

    /**
     * Retries catalog writes until PostgreSQL takes them: a segment whose row is missing would stop
     * every playlist at the gap for good. Meanwhile the broadcast's later work waits, and so its
     * segments wait in the spool, which ends the broadcast when it is full. A write the database
     * refuses (its stream was deleted meanwhile) is not retried.
     */
    private Mono<Void> catalog(Mono<Void> write) {
        return Mono.defer(() -> write)
                .retryWhen(
                        Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200))
                                .maxBackoff(Duration.ofSeconds(5))
                                .filter(error -> !refused(error))
                                .doBeforeRetry(
                                        signal ->
                                                catalogRetries.record(
                                                        toString(), signal.failure())));
    }

    /**
     * A write PostgreSQL answered and will answer the same way again: a foreign key gone because
     * the stream was deleted, or a statement it cannot run. A database that cannot be reached
     * (Spring's DataAccessResourceFailureException, a NonTransientDataAccessException too) is not
     * refused: it comes back.
     */
    private static boolean refused(Throwable error) {
        return error instanceof DataIntegrityViolationException
                || error instanceof InvalidDataAccessResourceUsageException
                || error instanceof InvalidDataAccessApiUsageException;
    }

    @Override
    public String toString() {
        return "broadcast " + id + " of stream " + streamId;
    }
}
