package dev.rewind.auth;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.rewind.catalog.StreamAccess;
import dev.rewind.catalog.StreamRepository;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Decides who may watch which stream: a signed-in viewer whom the stream's policy admits gets a
 * grant; a grant or playback token counts while its stream's access version is the one it carries.
 * Each replica keeps a stream's policy and access version for {@value #ACCESS_CACHE_SECONDS}
 * seconds, so a revocation on another replica takes effect within that long, and at once on this
 * one.
 */
@Component
public class ViewerAccess {
    private static final Logger log = LoggerFactory.getLogger(ViewerAccess.class);
    static final long ACCESS_CACHE_SECONDS = 5;

    private final StreamRepository streams;
    private final ViewerTokens tokens;
    private final AsyncLoadingCache<String, StreamAccess> access;

    ViewerAccess(StreamRepository streams, ViewerTokens tokens) {
        this.streams = streams;
        this.tokens = tokens;
        // a stream that does not exist loads as null, which Caffeine does not keep
        this.access =
                Caffeine.newBuilder()
                        .maximumSize(10_000)
                        .expireAfterWrite(Duration.ofSeconds(ACCESS_CACHE_SECONDS))
                        .buildAsync((id, executor) -> streams.findAccess(id).toFuture());
    }

    /** The outcome of a signed-in viewer asking to watch a stream. */
    public enum Outcome {
        ALLOWED,
        DENIED,
        NO_SUCH_STREAM
    }

    /** The outcome, and the grant when allowed. */
    public record Decision(Outcome outcome, ViewerTokens.Issued grant) {}

    /** Checks the stream's current policy and, when it admits the viewer, issues a grant. */
    public Mono<Decision> requestGrant(ViewerIdentity viewer, String streamId) {
        return access(streamId)
                .flatMap(
                        stream -> {
                            if (!stream.viewers().admits(viewer.email())) {
                                log.info("Viewer {} is not allowed on stream {}", viewer, streamId);
                                return Mono.just(new Decision(Outcome.DENIED, null));
                            }
                            return tokens.grant(viewer.subject(), streamId, stream.accessVersion())
                                    .map(grant -> new Decision(Outcome.ALLOWED, grant));
                        })
                .defaultIfEmpty(new Decision(Outcome.NO_SUCH_STREAM, null));
    }

    /** Whether the stream's policy admits this viewer; empty when there is no such stream. */
    public Mono<Boolean> admits(ViewerIdentity viewer, String streamId) {
        return access(streamId).map(stream -> stream.viewers().admits(viewer.email()));
    }

    /**
     * Whether a verified grant or playback token lets its bearer fetch under this stream; empty
     * when there is no such stream.
     */
    public Mono<Boolean> permits(ViewerTokens.StreamToken token, String streamId) {
        if (!token.streamId().equals(streamId)) {
            return Mono.just(false);
        }
        return access(streamId).map(stream -> stream.accessVersion() == token.accessVersion());
    }

    /** A playback token for a stream; empty when there is no such stream. */
    public Mono<ViewerTokens.Issued> playbackToken(String streamId, String viewerId, Duration ttl) {
        return streams.findAccess(streamId)
                .flatMap(
                        stream -> tokens.playback(viewerId, streamId, stream.accessVersion(), ttl));
    }

    /**
     * Invalidates every grant and playback token issued so far for a stream; false when there is no
     * such stream.
     */
    public Mono<Boolean> revoke(String streamId) {
        return streams.revokeAccess(streamId)
                .doOnNext(
                        version -> {
                            access.synchronous().invalidate(streamId);
                            log.info(
                                    "Revoked every grant and playback token of stream {}",
                                    streamId);
                        })
                .hasElement();
    }

    /** Reads the stream's policy afresh on the next request, after it changed on this replica. */
    public void forget(String streamId) {
        access.synchronous().invalidate(streamId);
    }

    private Mono<StreamAccess> access(String streamId) {
        return Mono.fromFuture(() -> access.get(streamId), true);
    }
}
