package dev.rewind.web;

import dev.rewind.auth.ViewerAccess;
import dev.rewind.auth.ViewerAuthentication;
import dev.rewind.auth.ViewerCookies;
import dev.rewind.auth.ViewerIdentity;
import dev.rewind.catalog.Ids;
import dev.rewind.config.RewindProperties;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseCookie;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The viewer's pages: {@code GET /v/{streamId}} (the player, after checking the stream's policy and
 * setting a grant for it), {@code POST /v/{streamId}/grant} (the player refreshing its grant) and
 * {@code POST /sign-out} (which ends the identity, and the grants of the streams it names in {@code
 * stream} form fields: the page that signs out knows its stream). Signing in happens before, in the
 * security filters. The two POSTs act on cookies alone, so they answer only requests from Rewind's
 * own pages ({@code Origin}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class ViewerPages {
    private static final int MAX_STREAMS_SIGNED_OUT = 20;

    private final ViewerAccess access;
    private final PlayerAssets assets;
    private final ViewerCookies cookies;
    private final URI publicUrl;

    ViewerPages(
            ViewerAccess access,
            ViewerCookies cookies,
            RewindProperties rewind,
            PlayerAssets assets) {
        this.assets = assets;
        this.access = access;
        this.cookies = cookies;
        this.publicUrl = rewind.publicUrl();
    }

    @Bean
    RouterFunction<ServerResponse> viewerRoutes() {
        return RouterFunctions.route()
                .GET("/v/{streamId}", this::page)
                .POST("/v/{streamId}/grant", this::refreshGrant)
                .POST("/sign-out", this::signOut)
                .build();
    }

    Mono<ServerResponse> page(ServerRequest request) {
        String streamId = request.pathVariable("streamId");
        return viewer(request)
                .flatMap(
                        viewer ->
                                access.requestGrant(viewer, streamId)
                                        .flatMap(
                                                decision ->
                                                        switch (decision.outcome()) {
                                                            case ALLOWED ->
                                                                    html(
                                                                            HttpStatus.OK,
                                                                            ViewerHtml.player(
                                                                                    streamId,
                                                                                    viewer,
                                                                                    decision.grant()
                                                                                            .expiresAt(),
                                                                                    assets),
                                                                            cookies.grant(
                                                                                    streamId,
                                                                                    decision
                                                                                            .grant()));
                                                            case DENIED ->
                                                                    html(
                                                                            HttpStatus.FORBIDDEN,
                                                                            ViewerHtml.notAllowed(
                                                                                    streamId,
                                                                                    viewer),
                                                                            cookies.clearGrant(
                                                                                    streamId));
                                                            case NO_SUCH_STREAM ->
                                                                    html(
                                                                            HttpStatus.NOT_FOUND,
                                                                            ViewerHtml.notFound(
                                                                                    streamId),
                                                                            null);
                                                        }));
    }

    Mono<ServerResponse> refreshGrant(ServerRequest request) {
        String streamId = request.pathVariable("streamId");
        if (!fromOwnPage(request)) {
            return problem(
                    request, HttpStatus.FORBIDDEN, "Requests must come from Rewind's pages.");
        }
        return viewer(request)
                .flatMap(viewer -> access.requestGrant(viewer, streamId))
                .flatMap(
                        decision ->
                                switch (decision.outcome()) {
                                    case ALLOWED ->
                                            ServerResponse.ok()
                                                    .cacheControl(CacheControl.noStore())
                                                    .cookie(
                                                            cookies.grant(
                                                                    streamId, decision.grant()))
                                                    .bodyValue(
                                                            Map.of(
                                                                    "expiresAt",
                                                                    decision.grant()
                                                                            .expiresAt()
                                                                            .toString()));
                                    case DENIED ->
                                            problem(
                                                    request,
                                                    HttpStatus.FORBIDDEN,
                                                    "You are signed in, but not allowed to watch"
                                                            + " stream "
                                                            + streamId
                                                            + ".");
                                    case NO_SUCH_STREAM ->
                                            problem(
                                                    request,
                                                    HttpStatus.NOT_FOUND,
                                                    "There is no stream " + streamId + ".");
                                });
    }

    Mono<ServerResponse> signOut(ServerRequest request) {
        if (!fromOwnPage(request)) {
            return problem(
                    request, HttpStatus.FORBIDDEN, "Requests must come from Rewind's pages.");
        }
        return request.formData()
                .map(form -> form.getOrDefault("stream", List.of()))
                .flatMap(
                        streams -> {
                            ServerResponse.BodyBuilder response = htmlResponse(HttpStatus.OK);
                            response.cookie(cookies.clearIdentity());
                            streams.stream()
                                    .filter(id -> id.matches(Ids.STREAM_ID_PATTERN))
                                    .distinct()
                                    .limit(MAX_STREAMS_SIGNED_OUT)
                                    .forEach(id -> response.cookie(cookies.clearGrant(id)));
                            return response.bodyValue(ViewerHtml.signedOut());
                        });
    }

    private static Mono<ViewerIdentity> viewer(ServerRequest request) {
        return request.principal()
                .ofType(ViewerAuthentication.class)
                .map(ViewerAuthentication::getPrincipal);
    }

    /**
     * Whether the request comes from a page of Rewind's own origin: its public URL's, or the one
     * the request was addressed to. A form on a page with {@code Referrer-Policy: no-referrer}
     * posts with {@code Origin: null}; the browser's {@code Sec-Fetch-Site}, which no page can set,
     * then says whether it is Rewind's own.
     */
    private boolean fromOwnPage(ServerRequest request) {
        String origin = request.headers().firstHeader(HttpHeaders.ORIGIN);
        if (origin == null || origin.equals("null")) {
            return "same-origin".equals(request.headers().firstHeader("Sec-Fetch-Site"));
        }
        return origin.equals(origin(publicUrl)) || origin.equals(origin(request.uri()));
    }

    private static String origin(URI uri) {
        int port = uri.getPort();
        return uri.getScheme() + "://" + uri.getHost() + (port < 0 ? "" : ":" + port);
    }

    private static Mono<ServerResponse> html(
            HttpStatus status, String page, ResponseCookie cookie) {
        ServerResponse.BodyBuilder response = htmlResponse(status);
        if (cookie != null) {
            response = response.cookie(cookie);
        }
        return response.bodyValue(page);
    }

    private static ServerResponse.BodyBuilder htmlResponse(HttpStatus status) {
        return ServerResponse.status(status)
                .contentType(MediaType.TEXT_HTML)
                .cacheControl(CacheControl.noStore())
                .header("Referrer-Policy", "no-referrer");
    }

    private static Mono<ServerResponse> problem(
            ServerRequest request, HttpStatus status, String detail) {
        var problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setInstance(URI.create(request.path()));
        return ServerResponse.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyValue(problem);
    }
}
