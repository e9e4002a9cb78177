package dev.rewind.playback;

import dev.rewind.auth.LiveAccessFilter;
import dev.rewind.catalog.Broadcast;
import dev.rewind.catalog.BroadcastRepository;
import dev.rewind.catalog.SegmentRepository;
import dev.rewind.catalog.Stream;
import dev.rewind.catalog.StreamRepository;
import dev.rewind.storage.ObjectKeys;
import dev.rewind.storage.ObjectStore;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRange;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Serves what players fetch: playlists rendered from the catalog, init segments and segments
 * streamed from storage with range, entity tag and cache headers.
 */
final class PlaybackHandler {
    static final MediaType PLAYLIST = MediaType.parseMediaType("application/vnd.apple.mpegurl");
    static final MediaType INIT = MediaType.parseMediaType("video/mp4");
    static final MediaType SEGMENT = MediaType.parseMediaType("video/iso.segment");
    private static final CacheControl LIVE = CacheControl.noCache();
    private static final CacheControl REPLAY = CacheControl.maxAge(Duration.ofMinutes(1));
    // a playlist that carries a playback token is for its holder alone
    private static final CacheControl LIVE_PRIVATE = CacheControl.noCache().cachePrivate();
    private static final CacheControl REPLAY_PRIVATE =
            CacheControl.maxAge(Duration.ofMinutes(1)).cachePrivate();
    private static final CacheControl IMMUTABLE =
            CacheControl.maxAge(Duration.ofDays(365)).cachePrivate().immutable();

    private final StreamRepository streams;
    private final BroadcastRepository broadcasts;
    private final SegmentRepository segments;
    private final ObjectStore store;

    PlaybackHandler(
            StreamRepository streams,
            BroadcastRepository broadcasts,
            SegmentRepository segments,
            ObjectStore store) {
        this.streams = streams;
        this.broadcasts = broadcasts;
        this.segments = segments;
        this.store = store;
    }

    /** The media playlist of the stream's live broadcast, or of its last one. */
    Mono<ServerResponse> getLivePlaylist(ServerRequest request) {
        String streamId = request.pathVariable("streamId");
        return broadcasts
                .findCurrentByStreamId(streamId)
                .flatMap(
                        broadcast ->
                                mediaPlaylist(
                                        request,
                                        broadcast,
                                        Playlists.Kind.LIVE,
                                        broadcast.id() + "/"))
                .switchIfEmpty(notFound(request, "Stream " + streamId + " has no media yet."));
    }

    /** The media playlist of one broadcast: live, or its replay once it ended. */
    Mono<ServerResponse> getBroadcastPlaylist(ServerRequest request) {
        String streamId = request.pathVariable("streamId");
        String broadcastId = request.pathVariable("broadcastId");
        return broadcasts
                .findByStreamIdAndId(streamId, broadcastId)
                .flatMap(
                        broadcast ->
                                mediaPlaylist(request, broadcast, Playlists.Kind.BROADCAST, ""))
                .switchIfEmpty(
                        notFound(
                                request,
                                "Stream "
                                        + streamId
                                        + " has no broadcast "
                                        + broadcastId
                                        + " with media."));
    }

    /** The multivariant playlist of the stream's live or last broadcast. */
    Mono<ServerResponse> getMultivariantPlaylist(ServerRequest request) {
        String streamId = request.pathVariable("streamId");
        return broadcasts
                .findCurrentByStreamId(streamId)
                .flatMap(broadcast -> multivariantPlaylist(request, broadcast))
                .switchIfEmpty(notFound(request, "Stream " + streamId + " has no media yet."));
    }

    /** An init segment or segment of a broadcast. */
    Mono<ServerResponse> getMedia(ServerRequest request) {
        String streamId = request.pathVariable("streamId");
        String broadcastId = request.pathVariable("broadcastId");
        String name = request.pathVariable("object");
        if (!ObjectKeys.isMediaName(streamId, broadcastId, name)) {
            return notFound(request, "No such media object.");
        }
        String key = ObjectKeys.key(streamId, broadcastId, name);
        MediaType type = ObjectKeys.isInit(name) ? INIT : SEGMENT;
        return store.stat(key)
                .flatMap(info -> media(request, key, type, info))
                .switchIfEmpty(notFound(request, "No such media object."));
    }

    private Mono<ServerResponse> mediaPlaylist(
            ServerRequest request, Broadcast broadcast, Playlists.Kind kind, String uriPrefix) {
        return Mono.zip(
                        streams.findById(broadcast.streamId()),
                        segments.findListing(broadcast.id()))
                .flatMap(
                        found ->
                                mediaPlaylist(
                                        request, found.getT2(), kind, found.getT1(), uriPrefix));
    }

    private static Mono<ServerResponse> mediaPlaylist(
            ServerRequest request,
            SegmentRepository.Listing listing,
            Playlists.Kind kind,
            Stream stream,
            String uriPrefix) {
        Broadcast broadcast = listing.broadcast();
        String body =
                Playlists.media(
                        broadcast,
                        listing.segments(),
                        kind,
                        stream.dvrWindowSeconds(),
                        uriPrefix,
                        tokenQuery(request));
        boolean replay = kind == Playlists.Kind.BROADCAST && !broadcast.live();
        return playlist(body, replay, request);
    }

    /**
     * The query that carries a playback token into the URIs a playlist lists: the one the playlist
     * was fetched with (already verified), or none.
     */
    private static String tokenQuery(ServerRequest request) {
        return request.queryParam(LiveAccessFilter.TOKEN_PARAMETER)
                .map(token -> "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8))
                .orElse("");
    }

    private Mono<ServerResponse> multivariantPlaylist(ServerRequest request, Broadcast broadcast) {
        return segments.findListing(broadcast.id())
                .flatMap(
                        listing ->
                                playlist(
                                        Playlists.multivariant(
                                                listing.broadcast(),
                                                listing.segments(),
                                                "index.m3u8" + tokenQuery(request)),
                                        false,
                                        request));
    }

    /**
     * Answers with the playlist; a playlist with no segment yet is not found. One that carries a
     * playback token is for its holder alone: no shared cache may keep it.
     */
    private static Mono<ServerResponse> playlist(
            String body, boolean replay, ServerRequest request) {
        if (body == null) {
            return Mono.empty();
        }
        boolean carriesToken = request.queryParam(LiveAccessFilter.TOKEN_PARAMETER).isPresent();
        CacheControl cache =
                carriesToken ? (replay ? REPLAY_PRIVATE : LIVE_PRIVATE) : (replay ? REPLAY : LIVE);
        return ServerResponse.ok().contentType(PLAYLIST).cacheControl(cache).bodyValue(body);
    }

    private Mono<ServerResponse> media(
            ServerRequest request, String key, MediaType type, ObjectStore.ObjectInfo info) {
        String etag = "\"" + info.etag().replace("\"", "") + "\"";
        HttpHeaders requested = request.headers().asHttpHeaders();
        List<String> ifNoneMatch = requested.getIfNoneMatch();
        if (ifNoneMatch.contains(etag) || ifNoneMatch.contains("*")) {
            return ServerResponse.status(HttpStatus.NOT_MODIFIED)
                    .eTag(etag)
                    .cacheControl(IMMUTABLE)
                    .build();
        }
        List<HttpRange> ranges = sameVersion(requested, etag) ? ranges(requested) : List.of();
        long size = info.size();
        long start = 0;
        long length = size;
        ServerResponse.BodyBuilder response = ServerResponse.ok();
        if (ranges.size() == 1) {
            HttpRange range = ranges.get(0);
            long end;
            try {
                start = range.getRangeStart(size);
                end = range.getRangeEnd(size);
            } catch (IllegalArgumentException e) {
                start = size;
                end = -1;
            }
            if (size == 0 || start >= size || end < start) {
                return ServerResponse.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                        .header(HttpHeaders.CONTENT_RANGE, "bytes */" + size)
                        .build();
            }
            length = end - start + 1;
            response =
                    ServerResponse.status(HttpStatus.PARTIAL_CONTENT)
                            .header(
                                    HttpHeaders.CONTENT_RANGE,
                                    "bytes " + start + "-" + end + "/" + size);
        }
        response =
                response.contentType(type)
                        .contentLength(length)
                        .eTag(etag)
                        .header(HttpHeaders.ACCEPT_RANGES, "bytes")
                        .cacheControl(IMMUTABLE);
        if (request.method() == HttpMethod.HEAD || length == 0) {
            return response.build();
        }
        return response.body(BodyInserters.fromDataBuffers(store.read(key, start, length)));
    }

    /**
     * Whether a range request's If-Range, if any, names this version (RFC 9110 13.1.5): otherwise
     * the whole object is sent. Only entity tags count; a date never matches.
     */
    private static boolean sameVersion(HttpHeaders headers, String etag) {
        String ifRange = headers.getFirst(HttpHeaders.IF_RANGE);
        return ifRange == null || ifRange.equals(etag);
    }

    /**
     * The one range asked for; none when the header is absent, malformed or asks for several, in
     * which case the whole object is sent (RFC 9110 14.2 lets a server ignore Range).
     */
    private static List<HttpRange> ranges(HttpHeaders headers) {
        try {
            List<HttpRange> ranges = headers.getRange();
            return ranges.size() == 1 ? ranges : List.of();
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    /** Anything else under {@code /live/}. */
    Mono<ServerResponse> notFound(ServerRequest request) {
        return notFound(request, "Not found.");
    }

    private static Mono<ServerResponse> notFound(ServerRequest request, String detail) {
        return Mono.defer(
                () -> {
                    ProblemDetail problem =
                            ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, detail);
                    problem.setInstance(URI.create(request.path()));
                    return ServerResponse.status(HttpStatus.NOT_FOUND)
                            .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                            .bodyValue(problem);
                });
    }
}
