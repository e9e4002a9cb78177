package dev.rewind.auth;

import dev.rewind.web.Problems;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.server.DefaultServerOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.server.ServerAuthorizationRequestRepository;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizationCodeAuthenticationTokenConverter;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationSuccessHandler;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.authentication.ServerAuthenticationFailureHandler;
import org.springframework.security.web.server.savedrequest.CookieServerRequestCache;
import org.springframework.security.web.server.util.matcher.PathPatternParserServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Viewer sign-in: the player page {@code /v/{streamId}} and its grant refresh need a signed-in
 * viewer, whom the identity cookie names. Without one, the page sends the browser to the identity
 * provider and, once signed in, back to the page it asked for. Nothing about the viewer is kept on
 * the server: the provider's tokens are dropped once the identity cookie is set.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class ViewerSecurityConfiguration {
    /**
     * Where a sign-in starts, next to where the provider's callback comes back ({@code
     * /login/oauth2/code/}), so that the cookies of sign-ins in progress reach both.
     */
    static final String AUTHORIZATION_PATH = "/login/oauth2/authorization/";

    private static final Pattern EMAIL_LIKE =
            Pattern.compile("\\S*(@|%40)\\S*", Pattern.CASE_INSENSITIVE);
    private static final Logger log = LoggerFactory.getLogger(ViewerSecurityConfiguration.class);
    private static final PathPatternParser PATHS = PathPatternParser.defaultInstance;

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityWebFilterChain viewerSecurityWebFilterChain(
            ServerHttpSecurity http,
            SignInConfiguration.SignInProvider provider,
            ViewerTokens tokens,
            ViewerCookies cookies,
            Problems problems,
            MasterKey masterKey,
            Clock clock) {
        var signInRequests = new SignInRequestCookies(masterKey, cookies, clock);
        // only player pages are worth returning to after signing in
        var requestCache = new CookieServerRequestCache();
        requestCache.setSaveRequestMatcher(
                ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET, "/v/*"));
        var identityRepository = new IdentityCookieRepository(tokens, cookies);
        http.securityMatcher(
                        ServerWebExchangeMatchers.pathMatchers(
                                "/v/**", "/login/oauth2/**", "/sign-out"))
                // cookie-authenticated changes check Origin themselves; the cookies are SameSite
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .securityContextRepository(identityRepository)
                .requestCache(cache -> cache.requestCache(requestCache))
                .authorizeExchange(
                        exchanges ->
                                exchanges
                                        .pathMatchers("/v/*", "/v/*/grant")
                                        .authenticated()
                                        .anyExchange()
                                        .permitAll())
                .exceptionHandling(
                        handling ->
                                handling.authenticationEntryPoint(
                                        signInFirst(provider, requestCache, problems)));
        provider.registration()
                .map(InMemoryReactiveClientRegistrationRepository::new)
                .ifPresent(
                        registrations ->
                                http.oauth2Login(
                                        login ->
                                                login.clientRegistrationRepository(registrations)
                                                        .authorizationRequestResolver(
                                                                new DefaultServerOAuth2AuthorizationRequestResolver(
                                                                        registrations,
                                                                        new PathPatternParserServerWebExchangeMatcher(
                                                                                AUTHORIZATION_PATH
                                                                                        + "{registrationId}")))
                                                        .authenticationConverter(
                                                                callbacks(
                                                                        registrations,
                                                                        signInRequests))
                                                        .authorizedClientRepository(
                                                                new NoAuthorizedClients())
                                                        .authorizationRequestRepository(
                                                                signInRequests)
                                                        .securityContextRepository(
                                                                identityRepository)
                                                        .authenticationSuccessHandler(
                                                                backToPage(requestCache))
                                                        .authenticationFailureHandler(
                                                                signInFailed())));
        return http.build();
    }

    /**
     * The authorization of every request under {@code /live/}. {@code
     * rewind.bench.skip-playback-authorization=true} leaves it out, for benchmarks that compare
     * serving with and without it; never in production.
     */
    @Bean
    LiveAccessFilter liveAccessFilter(
            ViewerTokens tokens,
            ViewerAccess access,
            ViewerCookies cookies,
            Problems problems,
            Environment environment) {
        if (environment.getProperty(
                "rewind.bench.skip-playback-authorization", Boolean.class, false)) {
            log.warn(
                    "Playlists and media are served WITHOUT authorization"
                            + " (rewind.bench.skip-playback-authorization), for benchmarking only");
            return new LiveAccessFilter(tokens, access, cookies, problems, false);
        }
        return new LiveAccessFilter(tokens, access, cookies, problems, true);
    }

    /**
     * Sends a browser that asks for a player page to the identity provider, remembering the page;
     * anything else is told to sign in.
     */
    private static ServerAuthenticationEntryPoint signInFirst(
            SignInConfiguration.SignInProvider provider,
            CookieServerRequestCache requestCache,
            Problems problems) {
        var page = PATHS.parse("/v/{streamId}");
        return (exchange, failure) -> {
            var request = exchange.getRequest();
            if (provider.registration().isPresent()
                    && request.getMethod() == HttpMethod.GET
                    && page.matches(request.getPath().pathWithinApplication())) {
                var redirect =
                        new RedirectServerAuthenticationEntryPoint(
                                AUTHORIZATION_PATH
                                        + provider.registration().get().getRegistrationId());
                redirect.setRequestCache(requestCache);
                return redirect.commence(exchange, failure);
            }
            return problems.write(
                    exchange,
                    HttpStatus.UNAUTHORIZED,
                    provider.registration().isPresent()
                            ? "Sign in first."
                            : "Viewer sign-in is not configured.");
        };
    }

    private static RedirectServerAuthenticationSuccessHandler backToPage(
            CookieServerRequestCache requestCache) {
        var handler = new RedirectServerAuthenticationSuccessHandler("/");
        handler.setRequestCache(requestCache);
        return handler;
    }

    /** A sign-in the provider or Rewind refused: a page that says so and offers to try again. */
    private static ServerAuthenticationFailureHandler signInFailed() {
        return (filterExchange, failure) -> {
            log.warn("A viewer's sign-in failed: {}", reason(failure));
            ServerHttpResponse response = filterExchange.getExchange().getResponse();
            response.setStatusCode(HttpStatus.UNAUTHORIZED);
            response.getHeaders().setContentType(MediaType.TEXT_HTML);
            response.getHeaders().set("Referrer-Policy", "no-referrer");
            String page =
                    """
                    <!doctype html>
                    <html lang="en"><head><meta charset="utf-8"><title>Sign-in failed</title>
                    <meta name="viewport" content="width=device-width, initial-scale=1"></head>
                    <body><main><h1>Sign-in failed</h1>
                    <p>Your identity provider did not confirm who you are, or confirmed an
                    identity this Rewind does not accept (it needs a verified e-mail address of
                    at most 254 characters). Go back to the page you came from to try again.</p>
                    </main></body></html>
                    """;
            return response.writeWith(
                    Mono.just(
                            response.bufferFactory().wrap(page.getBytes(StandardCharsets.UTF_8))));
        };
    }

    /**
     * Reads the provider's callback as Spring Security does, except that a malformed one (an empty
     * {@code error}, for example) fails the sign-in instead of the request.
     */
    private static ServerAuthenticationConverter callbacks(
            ReactiveClientRegistrationRepository registrations,
            ServerAuthorizationRequestRepository<OAuth2AuthorizationRequest> signInRequests) {
        var codes = new ServerOAuth2AuthorizationCodeAuthenticationTokenConverter(registrations);
        codes.setAuthorizationRequestRepository(signInRequests);
        return exchange ->
                Mono.defer(() -> codes.convert(exchange))
                        .onErrorMap(
                                OAuth2AuthorizationException.class,
                                e -> new OAuth2AuthenticationException(e.getError(), e))
                        .onErrorMap(
                                IllegalArgumentException.class,
                                e ->
                                        new OAuth2AuthenticationException(
                                                new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST),
                                                e));
    }

    /**
     * Why a sign-in failed, for the log: the OAuth error code, and for refused ID tokens the
     * description, which names the check that failed. A callback's error can say anything, so both
     * are cut short and kept to printable ASCII on one line, with anything like an e-mail address
     * masked.
     */
    static String reason(AuthenticationException failure) {
        if (!(failure instanceof OAuth2AuthenticationException oauth)) {
            return failure.getClass().getSimpleName();
        }
        OAuth2Error error = oauth.getError();
        String code = loggable(error.getErrorCode(), 64);
        return "invalid_id_token".equals(error.getErrorCode()) && error.getDescription() != null
                ? code + ": " + loggable(error.getDescription(), 300)
                : code;
    }

    private static String loggable(String text, int max) {
        String printable =
                (text.length() > max ? text.substring(0, max) + "..." : text)
                        .replaceAll("[^\\x20-\\x7e]", "?");
        return EMAIL_LIKE.matcher(printable).replaceAll("<e-mail>");
    }

    /** Keeps none of the provider's tokens: Rewind only needs to know who signed in. */
    static final class NoAuthorizedClients implements ServerOAuth2AuthorizedClientRepository {
        @Override
        public <T extends OAuth2AuthorizedClient> Mono<T> loadAuthorizedClient(
                String clientRegistrationId, Authentication principal, ServerWebExchange exchange) {
            return Mono.empty();
        }

        @Override
        public Mono<Void> saveAuthorizedClient(
                OAuth2AuthorizedClient authorizedClient,
                Authentication principal,
                ServerWebExchange exchange) {
            return Mono.empty();
        }

        @Override
        public Mono<Void> removeAuthorizedClient(
                String clientRegistrationId, Authentication principal, ServerWebExchange exchange) {
            return Mono.empty();
        }
    }
}
