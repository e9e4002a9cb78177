package dev.rewind.auth;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.rewind.catalog.Ids;
import dev.rewind.catalog.SigningKeyRecord;
import dev.rewind.catalog.SigningKeyRepository;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Rewind's ES256 signing keys: the newest signs, every key that has not run out verifies. Keys live
 * in PostgreSQL so that all replicas share them; each replica keeps them in memory for a minute, or
 * until a token names a key it has not seen.
 */
@Component
public class SigningKeys {
    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    static final Duration REFRESH = Duration.ofMinutes(1);
    private static final Duration UNKNOWN_KID_REFRESH = Duration.ofSeconds(5);
    private static final String CACHE_KEY = "keys";

    private final SigningKeyRepository repository;
    private final MasterKey masterKey;
    private final SigningKeyProperties properties;
    private final Clock clock;
    private final AsyncLoadingCache<String, KeySet> cache;

    SigningKeys(
            SigningKeyRepository repository,
            MasterKey masterKey,
            SigningKeyProperties properties,
            Clock clock) {
        this.repository = repository;
        this.masterKey = masterKey;
        this.properties = properties;
        this.clock = clock;
        // One entry: Caffeine runs one load at a time and drops a load that failed.
        this.cache =
                Caffeine.newBuilder()
                        .expireAfterWrite(REFRESH)
                        .buildAsync((key, executor) -> load().toFuture());
    }

    /** Signs the claims with the current key. */
    public Mono<SignedToken> sign(JWTClaimsSet claims) {
        return keys().map(keySet -> keySet.sign(claims));
    }

    /** The keys that may have signed a token with this key id; empty when none is usable. */
    public Flux<JWK> verificationKeys(String kid) {
        return keys().flatMap(
                        keySet -> keySet.contains(kid) ? Mono.just(keySet) : reloadFor(keySet))
                .flatMapMany(keySet -> Flux.fromIterable(keySet.matching(kid)));
    }

    /** The public halves of every usable key, for {@code /.well-known/jwks.json}. */
    public Mono<JWKSet> publicKeys() {
        return keys().map(keySet -> new JWKSet(keySet.verifying()));
    }

    /** Starts a new key now, retiring the current one; the next request sees it. */
    Mono<Void> rotate() {
        return createKey(Duration.ZERO).doOnSuccess(done -> reload());
    }

    /** Forgets the keys held in memory, so that the next request reads them again. */
    void reload() {
        cache.synchronous().invalidate(CACHE_KEY);
    }

    private Mono<KeySet> keys() {
        return Mono.fromFuture(() -> cache.get(CACHE_KEY), true);
    }

    /** Reads the keys again for an unknown key id, unless they were read moments ago. */
    private Mono<KeySet> reloadFor(KeySet current) {
        Duration age = Duration.between(current.loadedAt(), clock.instant());
        if (age.compareTo(UNKNOWN_KID_REFRESH) < 0) {
            return Mono.just(current);
        }
        cache.synchronous().asMap().remove(CACHE_KEY, current);
        return keys();
    }

    private Mono<KeySet> load() {
        return repository
                .findUsable()
                .collectList()
                .flatMap(
                        records ->
                                needsNewKey(records)
                                        ? createKey(properties.keyRotation())
                                                .then(repository.findUsable().collectList())
                                        : Mono.just(records))
                .map(this::toKeySet);
    }

    private boolean needsNewKey(List<SigningKeyRecord> records) {
        return records.stream()
                .filter(SigningKeyRecord::active)
                .findFirst()
                .map(
                        newest ->
                                !newest.createdAt()
                                        .plus(properties.keyRotation())
                                        .isAfter(clock.instant()))
                .orElse(true);
    }

    /** Adds a key unless another replica added one younger than {@code unlessYoungerThan}. */
    private Mono<Void> createKey(Duration unlessYoungerThan) {
        String kid = Ids.random(16);
        ECKey key = generate(kid);
        byte[] sealed = masterKey.seal(kid, key.toJSONString().getBytes(StandardCharsets.UTF_8));
        Duration verifyFor = properties.apiTokenMaxTtl().plus(REFRESH.multipliedBy(2));
        return repository
                .rotate(kid, key.toPublicJWK().toJSONString(), sealed, unlessYoungerThan, verifyFor)
                .filter(Boolean::booleanValue)
                .doOnNext(
                        added ->
                                log.info(
                                        "Signing key {} now signs; earlier keys were retired", kid))
                .then();
    }

    private static ECKey generate(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyID(kid)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a P-256 key", e);
        }
    }

    private KeySet toKeySet(List<SigningKeyRecord> records) {
        SigningKeyRecord newest =
                records.stream()
                        .filter(SigningKeyRecord::active)
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException("no active signing key"));
        ECKey signing =
                parse(
                        new String(
                                masterKey.open(newest.kid(), newest.privateJwkSealed()),
                                StandardCharsets.UTF_8));
        List<JWK> verifying = records.stream().map(r -> (JWK) parse(r.publicJwk())).toList();
        return new KeySet(signing, verifying, clock.instant());
    }

    private static ECKey parse(String json) {
        try {
            return ECKey.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException("stored signing key is not a valid EC JWK", e);
        }
    }

    /** A signed token and the key that signed it. */
    public record SignedToken(String serialized, String kid) {}

    private record KeySet(ECKey signing, List<JWK> verifying, Instant loadedAt) {
        boolean contains(String kid) {
            return verifying.stream().anyMatch(key -> key.getKeyID().equals(kid));
        }

        List<JWK> matching(String kid) {
            return verifying.stream().filter(key -> key.getKeyID().equals(kid)).toList();
        }

        SignedToken sign(JWTClaimsSet claims) {
            var header =
                    new JWSHeader.Builder(JWSAlgorithm.ES256)
                            .keyID(signing.getKeyID())
                            .type(JOSEObjectType.JWT)
                            .build();
            var jwt = new SignedJWT(header, claims);
            try {
                jwt.sign(new ECDSASigner(signing));
            } catch (JOSEException e) {
                throw new IllegalStateException("cannot sign with key " + signing.getKeyID(), e);
            }
            return new SignedToken(jwt.serialize(), signing.getKeyID());
        }
    }
}
