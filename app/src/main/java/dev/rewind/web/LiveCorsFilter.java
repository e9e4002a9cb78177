package dev.rewind.web;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.cors.reactive.DefaultCorsProcessor;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * CORS for what players fetch under {@code /live/}, so that a customer's portal on another origin
 * can play Rewind's streams: a preflight from an allowed origin is answered {@code 204} before any
 * authorization, one from any other origin (or a request from it) {@code 403}, and every answer
 * (refusals included) names the allowed origin, so that the player can tell a refusal from a
 * network error. With credentials allowed the exact origin is echoed with {@code Vary: Origin},
 * never {@code *}.
 */
@Component
public class LiveCorsFilter implements WebFilter, Ordered {
    /** Before the authorization of {@code /live/} requests. */
    static final int ORDER = -95;

    private final CorsConfiguration configuration;
    private final DefaultCorsProcessor processor = new DefaultCorsProcessor();
    private final Problems problems;

    LiveCorsFilter(CorsProperties properties, Problems problems) {
        this.configuration = configuration(properties.allowedOrigins());
        this.problems = problems;
    }

    /**
     * @param allowedOrigins origins (scheme, host and port) whose pages may fetch playlists and
     *     media with the viewer's cookies; {@code *} allows every origin, but without cookies
     */
    @ConfigurationProperties("rewind.cors")
    public record CorsProperties(@DefaultValue List<String> allowedOrigins) {}

    static CorsConfiguration configuration(List<String> origins) {
        var cors = new CorsConfiguration();
        cors.setAllowedOrigins(origins);
        cors.setAllowCredentials(!origins.contains(CorsConfiguration.ALL));
        cors.setAllowedMethods(List.of(HttpMethod.GET.name(), HttpMethod.HEAD.name()));
        cors.setAllowedHeaders(
                List.of(
                        HttpHeaders.RANGE,
                        HttpHeaders.AUTHORIZATION,
                        HttpHeaders.IF_NONE_MATCH,
                        HttpHeaders.IF_RANGE));
        cors.setExposedHeaders(
                List.of(
                        HttpHeaders.CONTENT_LENGTH,
                        HttpHeaders.CONTENT_RANGE,
                        HttpHeaders.ACCEPT_RANGES,
                        HttpHeaders.ETAG,
                        HttpHeaders.WWW_AUTHENTICATE));
        cors.setMaxAge(Duration.ofHours(1));
        return cors;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!RequestPaths.isUnder(exchange.getRequest(), "live")) {
            return chain.filter(exchange);
        }
        boolean valid = processor.process(configuration, exchange);
        if (!valid) {
            return problems.write(
                    exchange,
                    HttpStatus.FORBIDDEN,
                    "Pages of this origin may not fetch Rewind's playlists and media"
                            + " (rewind.cors.allowed-origins), or not with this method or these"
                            + " headers.");
        }
        if (CorsUtils.isPreFlightRequest(exchange.getRequest())) {
            exchange.getResponse().setStatusCode(HttpStatus.NO_CONTENT);
            return exchange.getResponse().setComplete();
        }
        return chain.filter(exchange);
    }
}
