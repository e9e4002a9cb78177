package dev.rewind.auth;

import dev.rewind.config.RewindProperties;
import dev.rewind.web.Problems;
import dev.rewind.web.RequestPaths;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Who may call what. The REST API takes bearer API tokens, verified against Rewind's own keys
 * without any network call: reading needs {@code streams:read} or {@code streams:write}, anything
 * else {@code streams:write}. Failures are problem details that tell the client little.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
@ConditionalOnWebApplication
class SecurityConfiguration {
    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);
    private static final String READ = "SCOPE_" + ApiTokens.READ;
    private static final String WRITE = "SCOPE_" + ApiTokens.WRITE;
    // Rewind both issues and checks these tokens, so the only skew is between replicas' clocks.
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(5);

    @Bean
    SecurityWebFilterChain securityWebFilterChain(
            ServerHttpSecurity http, ReactiveJwtDecoder apiTokenDecoder, Problems problems) {
        return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .authorizeExchange(
                        exchanges ->
                                exchanges
                                        .pathMatchers(HttpMethod.GET, "/api/openapi.json")
                                        .permitAll()
                                        .pathMatchers(HttpMethod.GET, "/api/**")
                                        .hasAnyAuthority(READ, WRITE)
                                        .pathMatchers("/api/**")
                                        .hasAuthority(WRITE)
                                        .anyExchange()
                                        .permitAll())
                .oauth2ResourceServer(
                        server ->
                                server.jwt(jwt -> jwt.jwtDecoder(apiTokenDecoder))
                                        .bearerTokenConverter(apiBearerTokens())
                                        .authenticationEntryPoint(unauthorized(problems))
                                        .accessDeniedHandler(forbidden(problems)))
                .exceptionHandling(
                        handling ->
                                handling.authenticationEntryPoint(unauthorized(problems))
                                        .accessDeniedHandler(forbidden(problems)))
                .build();
    }

    /**
     * Bearer tokens are API tokens only under {@code /api/}; elsewhere (a player's playback token
     * under {@code /live/}) they are not this filter's to judge.
     */
    private static ServerAuthenticationConverter apiBearerTokens() {
        var bearer = new ServerBearerTokenAuthenticationConverter();
        return exchange ->
                RequestPaths.isUnder(exchange.getRequest(), "api")
                        ? bearer.convert(exchange)
                        : Mono.empty();
    }

    /**
     * Answers requests that Spring Security's firewall rejects (encoded slashes, {@code ..},
     * unusual methods) with a problem detail instead of an empty 400. Under {@code /live/}, where
     * players fetch media by name, such a path names nothing: 404.
     */
    @Bean
    ServerExchangeRejectedHandler rejectedRequests(Problems problems) {
        return (exchange, rejected) -> {
            boolean method = rejected.getMessage().contains("HTTP method");
            if (!method && RequestPaths.isUnder(exchange.getRequest(), "live")) {
                return problems.write(exchange, HttpStatus.NOT_FOUND, "Not found.");
            }
            HttpStatus status = method ? HttpStatus.METHOD_NOT_ALLOWED : HttpStatus.BAD_REQUEST;
            return problems.write(exchange, status, rejected.getMessage());
        };
    }

    /**
     * Verifies API tokens: ES256 only, signed by a usable Rewind key, issued by this Rewind for the
     * API audience, with an id and an expiry, and not revoked.
     */
    @Bean
    ReactiveJwtDecoder apiTokenDecoder(
            SigningKeys keys, ApiTokens tokens, RewindProperties rewind) {
        NimbusReactiveJwtDecoder nimbus =
                NimbusReactiveJwtDecoder.withJwkSource(
                                jwt -> {
                                    String kid = jwt.getHeader().getKeyID();
                                    return kid == null ? Flux.empty() : keys.verificationKeys(kid);
                                })
                        .jwsAlgorithm(SignatureAlgorithm.ES256)
                        .build();
        nimbus.setJwtValidator(
                new DelegatingOAuth2TokenValidator<>(
                        new JwtTimestampValidator(CLOCK_SKEW),
                        new JwtIssuerValidator(rewind.baseUrl()),
                        new JwtAudienceValidator(ApiTokens.AUDIENCE),
                        new JwtClaimValidator<Object>(JwtClaimNames.EXP, Objects::nonNull),
                        new JwtClaimValidator<Object>(JwtClaimNames.JTI, Objects::nonNull)));
        return token -> nimbus.decode(token).flatMap(tokens::requireActive);
    }

    private static ServerAuthenticationEntryPoint unauthorized(Problems problems) {
        return (exchange, failure) -> {
            log.debug(
                    "Refused {} {}: {}",
                    exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(),
                    failure.getMessage());
            boolean presented =
                    exchange.getRequest().getHeaders().containsHeader(HttpHeaders.AUTHORIZATION);
            exchange.getResponse()
                    .getHeaders()
                    .set(
                            HttpHeaders.WWW_AUTHENTICATE,
                            presented ? "Bearer error=\"invalid_token\"" : "Bearer");
            return problems.write(
                    exchange,
                    HttpStatus.UNAUTHORIZED,
                    presented
                            ? "The bearer token is invalid, expired or revoked."
                            : "A bearer token is required.");
        };
    }

    private static ServerAccessDeniedHandler forbidden(Problems problems) {
        return (exchange, denied) -> {
            exchange.getResponse()
                    .getHeaders()
                    .set(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"insufficient_scope\"");
            String needed =
                    HttpMethod.GET.equals(exchange.getRequest().getMethod())
                            ? ApiTokens.READ + " or " + ApiTokens.WRITE
                            : ApiTokens.WRITE;
            return problems.write(
                    exchange, HttpStatus.FORBIDDEN, "This request needs the scope " + needed + ".");
        };
    }
}
