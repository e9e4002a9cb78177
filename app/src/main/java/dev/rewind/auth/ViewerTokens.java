package dev.rewind.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.rewind.catalog.Ids;
import dev.rewind.config.RewindProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The tokens Rewind issues to viewers, all signed with its own keys: the identity a viewer signed
 * in with (audience {@value #IDENTITY_AUDIENCE}), a grant to watch one stream, and playback tokens
 * that customers mint for their own portals (both with the stream id as audience). The {@value
 * #USE} claim says which one a token is, so that no kind passes for another even when a stream's id
 * equals another audience.
 *
 * <p>Verified tokens are kept until they expire, so that checking a segment request costs a cache
 * lookup, not a signature verification.
 */
@Component
public class ViewerTokens {
    public static final String IDENTITY_AUDIENCE = "rewind-viewer";
    static final String USE = "use";
    static final String ACCESS_VERSION = "av";
    static final String EMAIL = "email";
    static final String IDENTITY_PROVIDER = "idp";
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(5);
    // a verified token costs about half a kilobyte
    private static final int MAX_CACHED_TOKENS = 100_000;

    /** What a token is for. */
    public enum Use {
        IDENTITY,
        GRANT,
        PLAYBACK;

        String claim() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final SigningKeys keys;
    private final ViewerProperties properties;
    private final String issuer;
    private final Clock clock;
    private final NimbusReactiveJwtDecoder identityDecoder;
    private final NimbusReactiveJwtDecoder streamDecoder;
    private final Cache<String, ViewerIdentity> identities;
    private final Cache<String, StreamToken> streamTokens;

    ViewerTokens(
            SigningKeys keys, ViewerProperties properties, RewindProperties rewind, Clock clock) {
        this.keys = keys;
        this.properties = properties;
        this.issuer = rewind.baseUrl();
        this.clock = clock;
        this.identityDecoder =
                decoder(
                        new JwtAudienceValidator(IDENTITY_AUDIENCE),
                        new JwtClaimValidator<String>(USE, Use.IDENTITY.claim()::equals),
                        new JwtClaimValidator<String>(EMAIL, Objects::nonNull));
        this.streamDecoder =
                decoder(
                        new JwtClaimValidator<String>(
                                USE,
                                use ->
                                        Use.GRANT.claim().equals(use)
                                                || Use.PLAYBACK.claim().equals(use)),
                        new JwtClaimValidator<Object>(ACCESS_VERSION, Objects::nonNull));
        this.identities = verifiedUntilExpiry(ViewerIdentity::identityExpiresAt);
        this.streamTokens = verifiedUntilExpiry(StreamToken::expiresAt);
    }

    /** The identity a viewer signed in with, valid for at most {@code rewind.auth.identity-ttl}. */
    public Mono<Issued> identity(ViewerIdentity viewer) {
        Instant now = now();
        Instant expiresAt = now.plus(properties.identityTtl());
        if (viewer.identityExpiresAt() != null && viewer.identityExpiresAt().isBefore(expiresAt)) {
            expiresAt = viewer.identityExpiresAt();
        }
        JWTClaimsSet claims =
                base(Use.IDENTITY, IDENTITY_AUDIENCE, viewer.subject(), now, expiresAt)
                        .claim(EMAIL, viewer.email())
                        .claim(IDENTITY_PROVIDER, viewer.provider())
                        .build();
        return sign(claims);
    }

    /** A grant to watch one stream for {@code rewind.auth.grant-ttl}. */
    public Mono<Issued> grant(String subject, String streamId, long accessVersion) {
        Instant now = now();
        JWTClaimsSet claims =
                base(Use.GRANT, streamId, subject, now, now.plus(properties.grantTtl()))
                        .claim(ACCESS_VERSION, accessVersion)
                        .build();
        return sign(claims);
    }

    /**
     * A playback token for one stream; the lifetime is checked here, with an error that says what
     * is valid.
     */
    public Mono<Issued> playback(
            String viewerId, String streamId, long accessVersion, Duration ttl) {
        return Mono.fromCallable(
                        () -> {
                            Duration max = properties.playbackTokenMaxTtl();
                            if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(max) > 0) {
                                throw new IllegalArgumentException(
                                        "ttlSeconds "
                                                + ttl.toSeconds()
                                                + " (expected 1 to "
                                                + max.toSeconds()
                                                + ")");
                            }
                            Instant now = now();
                            String subject = viewerId == null ? "playback-token" : viewerId;
                            return base(Use.PLAYBACK, streamId, subject, now, now.plus(ttl))
                                    .claim(ACCESS_VERSION, accessVersion)
                                    .build();
                        })
                .flatMap(this::sign);
    }

    /** The viewer an identity token names; an error when it is not a valid identity token. */
    public Mono<ViewerIdentity> verifyIdentity(String token) {
        ViewerIdentity cached = identities.getIfPresent(token);
        if (cached != null) {
            return unexpired(cached, cached.identityExpiresAt());
        }
        return identityDecoder
                .decode(token)
                .map(
                        jwt ->
                                new ViewerIdentity(
                                        jwt.getSubject(),
                                        jwt.getClaimAsString(EMAIL),
                                        jwt.getClaimAsString(IDENTITY_PROVIDER),
                                        jwt.getExpiresAt()))
                .doOnNext(viewer -> identities.put(token, viewer));
    }

    /**
     * The grant or playback token, verified, with its stream (audience) and access version; an
     * error when it is not a valid one. The caller compares the stream and the version.
     */
    public Mono<StreamToken> verifyStreamToken(String token) {
        StreamToken cached = streamTokens.getIfPresent(token);
        if (cached != null) {
            return unexpired(cached, cached.expiresAt());
        }
        return streamDecoder
                .decode(token)
                .flatMap(
                        jwt -> {
                            if (jwt.getAudience().size() != 1
                                    || !(jwt.getClaim(ACCESS_VERSION) instanceof Number version)) {
                                return Mono.error(new BadJwtException("not a stream token"));
                            }
                            return Mono.just(
                                    new StreamToken(
                                            jwt.getAudience().get(0),
                                            version.longValue(),
                                            jwt.getSubject(),
                                            jwt.getExpiresAt()));
                        })
                .doOnNext(verified -> streamTokens.put(token, verified));
    }

    /** A cached token stays until it expires, give or take the cache's clock; check again. */
    private <T> Mono<T> unexpired(T verified, Instant expiresAt) {
        return expiresAt.isAfter(clock.instant().minus(CLOCK_SKEW))
                ? Mono.just(verified)
                : Mono.error(new BadJwtException("token expired"));
    }

    /** Verified tokens of one kind, each kept until it expires. */
    private <T> Cache<String, T> verifiedUntilExpiry(Function<T, Instant> expiresAt) {
        return Caffeine.newBuilder()
                .maximumSize(MAX_CACHED_TOKENS)
                .expireAfter(
                        Expiry.<String, T>creating(
                                (token, verified) ->
                                        Duration.between(
                                                clock.instant(), expiresAt.apply(verified))))
                .build();
    }

    @SafeVarargs
    private NimbusReactiveJwtDecoder decoder(OAuth2TokenValidator<Jwt>... validators) {
        NimbusReactiveJwtDecoder decoder =
                NimbusReactiveJwtDecoder.withJwkSource(
                                jwt -> {
                                    String kid = jwt.getHeader().getKeyID();
                                    return kid == null ? Flux.empty() : keys.verificationKeys(kid);
                                })
                        .jwsAlgorithm(SignatureAlgorithm.ES256)
                        .build();
        var all = new ArrayList<OAuth2TokenValidator<Jwt>>();
        all.add(new JwtTimestampValidator(CLOCK_SKEW));
        all.add(new JwtIssuerValidator(issuer));
        all.add(new JwtClaimValidator<Object>(JwtClaimNames.EXP, Objects::nonNull));
        all.add(new JwtClaimValidator<Object>(JwtClaimNames.SUB, Objects::nonNull));
        all.addAll(List.of(validators));
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(all));
        return decoder;
    }

    private JWTClaimsSet.Builder base(
            Use use, String audience, String subject, Instant now, Instant expiresAt) {
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(subject)
                .jwtID(Ids.random(16))
                .claim(USE, use.claim())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expiresAt));
    }

    private Mono<Issued> sign(JWTClaimsSet claims) {
        return keys.sign(claims)
                .map(
                        signed ->
                                new Issued(
                                        signed.serialized(),
                                        claims.getExpirationTime().toInstant()));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    /** A token Rewind issued, and when it expires. */
    public record Issued(String token, Instant expiresAt) {
        /** Seconds until it expires, for a cookie's Max-Age. */
        public Duration lifetime(Clock clock) {
            return Duration.between(clock.instant(), expiresAt);
        }
    }

    /** A verified grant or playback token. */
    public record StreamToken(
            String streamId, long accessVersion, String subject, Instant expiresAt) {}
}
