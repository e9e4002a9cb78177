package dev.rewind.auth;

import dev.rewind.web.Problems;
import dev.rewind.web.RequestPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Authorizes every request under {@code /live/{streamId}/}: it needs a valid grant for that stream
 * (the path-scoped cookie) or a playback token (the {@code token} query parameter, or an {@code
 * Authorization: Bearer} header), issued since the stream's access was last revoked. Otherwise:
 * {@code 403} for a signed-in viewer whom the stream's policy does not admit, {@code 401} for
 * everyone else (a signed-in viewer whose grant ran out refreshes it). Never a redirect: players
 * fetch these URLs.
 */
public final class LiveAccessFilter implements WebFilter, Ordered {
    private static final Logger log = LoggerFactory.getLogger(LiveAccessFilter.class);
    private static final String LIVE = "live";

    /** The query parameter that carries a playback token. */
    public static final String TOKEN_PARAMETER = "token";

    /** After Spring Security's filters (whose firewall answers malformed paths) and CORS. */
    static final int ORDER = -90;

    private final ViewerTokens tokens;
    private final ViewerAccess access;
    private final ViewerCookies cookies;
    private final Problems problems;
    private final boolean enabled;

    LiveAccessFilter(
            ViewerTokens tokens,
            ViewerAccess access,
            ViewerCookies cookies,
            Problems problems,
            boolean enabled) {
        this.tokens = tokens;
        this.access = access;
        this.cookies = cookies;
        this.problems = problems;
        this.enabled = enabled;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String streamId = RequestPaths.segmentAfter(exchange.getRequest(), LIVE);
        if (!enabled || streamId == null || streamId.isEmpty()) {
            return chain.filter(exchange);
        }
        String presented = presentedToken(exchange.getRequest());
        String token = presented != null ? presented : cookies.grant(exchange.getRequest());
        Mono<Boolean> permitted =
                token == null
                        ? Mono.just(false)
                        : tokens.verifyStreamToken(token)
                                .flatMap(verified -> access.permits(verified, streamId))
                                .onErrorResume(
                                        JwtException.class,
                                        e -> {
                                            log.debug(
                                                    "Refused a token for stream {}: {}",
                                                    streamId,
                                                    e.getMessage());
                                            return Mono.just(false);
                                        });
        // a valid token for a stream that no longer exists passes on, to be answered 404
        return permitted
                .defaultIfEmpty(true)
                .flatMap(
                        ok ->
                                ok
                                        ? chain.filter(exchange)
                                        : refuse(exchange, streamId, token, presented != null));
    }

    /** The playback token in the query or the Authorization header; null when none. */
    private static String presentedToken(ServerHttpRequest request) {
        String query = request.getQueryParams().getFirst(TOKEN_PARAMETER);
        if (query != null) {
            return query;
        }
        String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return null;
    }

    /**
     * A token presented in the query or header is judged alone; a grant cookie that fails is judged
     * with the viewer's identity, which tells a grant to refresh from a viewer not allowed.
     */
    private Mono<Void> refuse(
            ServerWebExchange exchange, String streamId, String token, boolean presented) {
        if (presented) {
            return unauthorized(
                    exchange,
                    "The playback token is invalid, expired, revoked or for another stream.");
        }
        String identity = cookies.identity(exchange.getRequest());
        Mono<Boolean> admitted =
                identity == null
                        ? Mono.empty()
                        : tokens.verifyIdentity(identity)
                                .flatMap(viewer -> access.admits(viewer, streamId))
                                .onErrorResume(JwtException.class, e -> Mono.empty());
        return admitted.map(
                        admits ->
                                admits
                                        ? unauthorized(
                                                exchange,
                                                "The grant for this stream expired or was revoked;"
                                                        + " refresh it.")
                                        : forbidden(exchange, streamId))
                .defaultIfEmpty(
                        unauthorized(
                                exchange,
                                token == null
                                        ? "A grant for this stream or a playback token is"
                                                + " required."
                                        : "The grant is invalid, expired, revoked or for another"
                                                + " stream."))
                .flatMap(response -> response);
    }

    private Mono<Void> unauthorized(ServerWebExchange exchange, String detail) {
        return Mono.defer(
                () -> {
                    exchange.getResponse()
                            .getHeaders()
                            .set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"rewind\"");
                    return problems.write(exchange, HttpStatus.UNAUTHORIZED, detail);
                });
    }

    private Mono<Void> forbidden(ServerWebExchange exchange, String streamId) {
        return Mono.defer(
                () ->
                        problems.write(
                                exchange,
                                HttpStatus.FORBIDDEN,
                                "You are signed in, but not allowed to watch stream "
                                        + streamId
                                        + "."));
    }
}
