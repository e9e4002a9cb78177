package dev.rewind.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.rewind.catalog.ApiTokenRecord;
import dev.rewind.catalog.ApiTokenRepository;
import dev.rewind.catalog.Ids;
import dev.rewind.config.RewindProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * API tokens: JWTs signed by Rewind's keys, with the audience {@value #AUDIENCE}. Each one has a
 * row in the catalog, so that revoking it takes effect on every replica at once.
 */
@Component
public class ApiTokens {
    public static final String AUDIENCE = "rewind-api";
    public static final String READ = "streams:read";
    public static final String WRITE = "streams:write";
    static final Set<String> SCOPES = Set.of(READ, WRITE);

    private final SigningKeys keys;
    private final ApiTokenRepository repository;
    private final SigningKeyProperties properties;
    private final String issuer;
    private final Clock clock;

    ApiTokens(
            SigningKeys keys,
            ApiTokenRepository repository,
            SigningKeyProperties properties,
            RewindProperties rewind,
            Clock clock) {
        this.keys = keys;
        this.repository = repository;
        this.properties = properties;
        this.issuer = rewind.baseUrl();
        this.clock = clock;
    }

    /** The issuer every token names: Rewind's public base URL. */
    public String issuer() {
        return issuer;
    }

    /** Mints a token; scopes and lifetime are checked here, with errors that say what is valid. */
    public Mono<MintedToken> mint(List<String> scopes, Duration ttl, String description) {
        return Mono.fromCallable(() -> claims(scopes, ttl))
                .flatMap(
                        claims ->
                                keys.sign(claims)
                                        .flatMap(signed -> record(claims, signed, description)));
    }

    /** Passes a decoded token on unless it is unknown or revoked. */
    Mono<Jwt> requireActive(Jwt jwt) {
        return repository
                .findById(jwt.getId())
                .filter(token -> token.revokedAt() == null)
                .map(token -> jwt)
                .switchIfEmpty(
                        Mono.error(() -> new BadJwtException("token is revoked or unknown")));
    }

    /** Revokes a token by its id; false when there is no such token. */
    public Mono<Boolean> revoke(String id) {
        return repository.revoke(id);
    }

    /** Revokes every unexpired token minted with this description. */
    Mono<Long> revokeByDescription(String description) {
        return repository.revokeByDescription(description);
    }

    public Flux<ApiTokenRecord> listUnexpired() {
        return repository.findUnexpired();
    }

    private JWTClaimsSet claims(List<String> scopes, Duration ttl) {
        if (scopes.isEmpty() || !SCOPES.containsAll(scopes)) {
            throw new IllegalArgumentException(
                    "scope " + scopes + " (expected one or both of " + READ + ", " + WRITE + ")");
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(properties.apiTokenMaxTtl()) > 0) {
            throw new IllegalArgumentException(
                    "ttl "
                            + describe(ttl)
                            + " (expected more than 0 and at most "
                            + describe(properties.apiTokenMaxTtl())
                            + ", rewind.security.api-token-max-ttl)");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(AUDIENCE)
                .subject("api-token")
                .jwtID(Ids.random(20))
                .claim("scope", String.join(" ", scopes.stream().distinct().sorted().toList()))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .build();
    }

    /** A duration the way an operator writes one: 90d, 12h, 30m or 45s. */
    static String describe(Duration duration) {
        if (duration.toSeconds() % 86_400 == 0) {
            return duration.toDays() + "d";
        }
        if (duration.toSeconds() % 3_600 == 0) {
            return duration.toHours() + "h";
        }
        if (duration.toSeconds() % 60 == 0) {
            return duration.toMinutes() + "m";
        }
        return duration.toSeconds() + "s";
    }

    private Mono<MintedToken> record(
            JWTClaimsSet claims, SigningKeys.SignedToken signed, String description) {
        List<String> scopes = List.of(((String) claims.getClaim("scope")).split(" "));
        Instant expiresAt = claims.getExpirationTime().toInstant();
        return repository
                .insert(claims.getJWTID(), scopes, description, signed.kid(), expiresAt)
                .thenReturn(
                        new MintedToken(claims.getJWTID(), signed.serialized(), scopes, expiresAt));
    }

    /** A freshly minted token: the only moment its serialized form is known to Rewind. */
    public record MintedToken(String id, String token, List<String> scopes, Instant expiresAt) {}
}
