package dev.rewind.api;

import dev.rewind.api.StreamRequests.Create;
import dev.rewind.api.StreamRequests.Update;
import dev.rewind.api.StreamResponses.BroadcastPage;
import dev.rewind.api.StreamResponses.StreamKey;
import dev.rewind.api.StreamResponses.StreamPage;
import dev.rewind.api.StreamResponses.StreamView;
import dev.rewind.auth.ViewerAccess;
import dev.rewind.catalog.Broadcast;
import dev.rewind.catalog.BroadcastRepository;
import dev.rewind.catalog.Ids;
import dev.rewind.catalog.Stream;
import dev.rewind.catalog.StreamChanges;
import dev.rewind.catalog.StreamIdTakenException;
import dev.rewind.catalog.StreamKeys;
import dev.rewind.catalog.StreamRepository;
import dev.rewind.catalog.ViewerPolicy;
import dev.rewind.ingest.Publishers;
import dev.rewind.ingest.StopReason;
import dev.rewind.storage.MediaDeletionWorker;
import jakarta.validation.Valid;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The streams API: create, list, read, change and delete streams; rotate their keys. */
@RestController
@ConditionalOnWebApplication
@RequestMapping(path = "/api/streams", produces = MediaType.APPLICATION_JSON_VALUE)
class StreamController implements StreamApi {
    private static final Logger log = LoggerFactory.getLogger(StreamController.class);
    private static final int GENERATED_ID_LENGTH = 10;
    private static final int GENERATED_ID_ATTEMPTS = 3;

    private final StreamRepository streams;
    private final BroadcastRepository broadcasts;
    private final MediaDeletionWorker mediaDeletions;
    private final Publishers publishers;
    private final StreamViews views;

    private final ViewerAccess viewerAccess;

    StreamController(
            StreamRepository streams,
            BroadcastRepository broadcasts,
            MediaDeletionWorker mediaDeletions,
            Publishers publishers,
            StreamViews views,
            ViewerAccess viewerAccess) {
        this.viewerAccess = viewerAccess;
        this.streams = streams;
        this.publishers = publishers;
        this.broadcasts = broadcasts;
        this.mediaDeletions = mediaDeletions;
        this.views = views;
    }

    @Override
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<StreamView>> createStream(@Valid @RequestBody Create request) {
        String streamKey = StreamKeys.generate();
        Mono<Stream> created =
                request.id() != null
                        ? insert(request.id(), request, streamKey)
                        : insertWithGeneratedId(request, streamKey, GENERATED_ID_ATTEMPTS);
        return created.doOnNext(stream -> log.info("Stream {} created", stream.id()))
                .map(
                        stream ->
                                ResponseEntity.created(URI.create("/api/streams/" + stream.id()))
                                        .body(views.stream(stream, streamKey)));
    }

    @Override
    @GetMapping
    public Mono<StreamPage> listStreams(
            @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor) {
        int checked = Cursors.limit(limit);
        long before = cursor == null ? Long.MAX_VALUE : parseSeq(Cursors.decode(cursor));
        return streams.findBySeqLessThan(before, checked + 1)
                .collectList()
                .map(page -> views.streamPage(page, checked));
    }

    @Override
    @GetMapping("/{id}")
    public Mono<StreamView> getStream(@PathVariable String id) {
        return existing(id).map(stream -> views.stream(stream, null));
    }

    @Override
    @PatchMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<StreamView> updateStream(
            @PathVariable String id, @Valid @RequestBody Update request) {
        StreamRequests.Viewers viewers = request.viewers();
        var changes =
                new StreamChanges(
                        request.title() == null
                                ? null
                                : StreamRequests.normalizeTitle(request.title()),
                        viewers == null ? null : normalizedOrNull(viewers.emails()),
                        viewers == null ? null : normalizedOrNull(viewers.domains()),
                        request.dvrWindowSeconds(),
                        request.retentionDays());
        return streams.update(StreamRequests.checkId(id), changes)
                .switchIfEmpty(Mono.error(() -> notFound(id)))
                .doOnNext(
                        stream -> {
                            viewerAccess.forget(id);
                            log.info("Stream {} updated", id);
                        })
                .map(stream -> views.stream(stream, null));
    }

    @Override
    @DeleteMapping("/{id}")
    public Mono<ResponseEntity<Void>> deleteStream(@PathVariable String id) {
        return streams.delete(StreamRequests.checkId(id))
                .filter(Boolean::booleanValue)
                .switchIfEmpty(Mono.error(() -> notFound(id)))
                .doOnNext(
                        found -> {
                            log.info(
                                    "Stream {} deleted; its media are deleted in the background",
                                    id);
                            viewerAccess.forget(id);
                            mediaDeletions.wakeUp();
                            publishers.disconnect(id, StopReason.STREAM_DELETED);
                        })
                .thenReturn(ResponseEntity.noContent().build());
    }

    @Override
    @PostMapping("/{id}/stream-key")
    public Mono<StreamKey> rotateStreamKey(@PathVariable String id) {
        String streamKey = StreamKeys.generate();
        byte[] hash = StreamKeys.sha256(streamKey);
        return streams.replaceStreamKey(StreamRequests.checkId(id), hash)
                .filter(Boolean::booleanValue)
                .switchIfEmpty(Mono.error(() -> notFound(id)))
                .doOnNext(found -> log.info("Stream {} has a new stream key", id))
                .doOnNext(found -> publishers.disconnectUnlessKey(id, hash, StopReason.KEY_ROTATED))
                .thenReturn(new StreamKey(streamKey));
    }

    @Override
    @GetMapping("/{id}/broadcasts")
    public Mono<BroadcastPage> listBroadcasts(
            @PathVariable String id,
            @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor) {
        int checked = Cursors.limit(limit);
        return existing(id)
                .flatMap(stream -> broadcastsPage(stream, cursor, checked).collectList())
                .map(page -> views.broadcastPage(id, page, checked));
    }

    private Flux<Broadcast> broadcastsPage(Stream stream, String cursor, int limit) {
        if (cursor == null) {
            return broadcasts.findByStreamIdOrderByStartedAtDesc(stream.id(), limit + 1);
        }
        String[] key = Cursors.decode(cursor).split(" ", 2);
        if (key.length != 2) {
            throw Cursors.invalidCursor();
        }
        return broadcasts.findByStreamIdStartedBefore(
                stream.id(), parseInstant(key[0]), key[1], limit + 1);
    }

    private Mono<Stream> existing(String id) {
        return streams.findById(StreamRequests.checkId(id))
                .switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    private Mono<Stream> insert(String id, Create request, String streamKey) {
        return streams.insert(
                id,
                StreamRequests.normalizeTitle(request.title()),
                StreamKeys.sha256(streamKey),
                request.viewers() == null ? ViewerPolicy.NOBODY : policy(request.viewers()),
                request.dvrWindowSeconds() == null ? 0 : request.dvrWindowSeconds(),
                request.retentionDays() == null ? 30 : request.retentionDays());
    }

    private Mono<Stream> insertWithGeneratedId(Create request, String streamKey, int attempts) {
        return insert(Ids.random(GENERATED_ID_LENGTH), request, streamKey)
                .onErrorResume(
                        StreamIdTakenException.class,
                        e ->
                                attempts > 1
                                        ? insertWithGeneratedId(request, streamKey, attempts - 1)
                                        : Mono.error(e));
    }

    private static ViewerPolicy policy(StreamRequests.Viewers viewers) {
        return new ViewerPolicy(normalized(viewers.emails()), normalized(viewers.domains()));
    }

    private static List<String> normalized(List<String> values) {
        return values == null ? List.of() : normalizedOrNull(values);
    }

    /** Lower-cases and de-duplicates addresses or domains; null stays null ("unchanged"). */
    private static List<String> normalizedOrNull(List<String> values) {
        return values == null
                ? null
                : values.stream().map(value -> value.toLowerCase(Locale.ROOT)).distinct().toList();
    }

    private static long parseSeq(String key) {
        try {
            return Long.parseLong(key);
        } catch (NumberFormatException e) {
            throw Cursors.invalidCursor();
        }
    }

    private static Instant parseInstant(String key) {
        try {
            return Instant.parse(key);
        } catch (RuntimeException e) {
            throw Cursors.invalidCursor();
        }
    }

    private static ResponseStatusException notFound(String id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "No stream with id " + id + ".");
    }
}
