package dev.rewind.auth;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import javax.crypto.SecretKey;
import org.springframework.http.HttpCookie;
import org.springframework.security.oauth2.client.web.server.ServerAuthorizationRequestRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Keeps a sign-in in progress (the authorization request with its state, PKCE verifier and nonce)
 * in an encrypted cookie instead of a server session. Rewind so holds nothing about a viewer, no
 * number of sign-ins started can fill its memory, and the provider's callback may reach any
 * replica. Each sign-in has its own cookie, named after its state, so that sign-ins in several tabs
 * do not undo each other; it is scoped to the callback path and lives ten minutes. A browser keeps
 * at most {@value #MAX_PENDING}: starting another drops the oldest, so that a viewer who starts
 * over and over never sends the callback more cookies than a request header can hold.
 */
final class SignInRequestCookies
        implements ServerAuthorizationRequestRepository<OAuth2AuthorizationRequest> {
    static final Duration LIFETIME = Duration.ofMinutes(10);
    private static final String PURPOSE = "rewind sign-in requests";
    static final int MAX_PENDING = 3;

    private final DirectEncrypter encrypter;
    private final DirectDecrypter decrypter;
    private final ViewerCookies cookies;
    private final Clock clock;

    SignInRequestCookies(MasterKey masterKey, ViewerCookies cookies, Clock clock) {
        SecretKey key = masterKey.derive(PURPOSE);
        try {
            this.encrypter = new DirectEncrypter(key);
            this.decrypter = new DirectDecrypter(key);
        } catch (JOSEException e) {
            throw new IllegalStateException("AES-256-GCM is not available", e);
        }
        this.cookies = cookies;
        this.clock = clock;
    }

    @Override
    public Mono<Void> saveAuthorizationRequest(
            OAuth2AuthorizationRequest request, ServerWebExchange exchange) {
        if (request != null) {
            dropOldest(exchange);
            exchange.getResponse()
                    .addCookie(cookies.signIn(request.getState(), seal(request), LIFETIME));
        }
        return Mono.empty();
    }

    /** Clears the pending sign-ins beyond the newest {@code MAX_PENDING - 1}, and broken ones. */
    private void dropOldest(ServerWebExchange exchange) {
        Map<String, Instant> pending = new HashMap<>();
        exchange.getRequest()
                .getCookies()
                .forEach(
                        (name, values) -> {
                            if (cookies.isSignIn(name)) {
                                pending.put(name, expiry(values.get(0).getValue()));
                            }
                        });
        pending.entrySet().stream()
                .sorted(Map.Entry.comparingByValue(Comparator.reverseOrder()))
                .skip(MAX_PENDING - 1)
                .forEach(
                        stale ->
                                exchange.getResponse()
                                        .addCookie(cookies.clearSignInNamed(stale.getKey())));
    }

    /** When a sealed sign-in expires; the epoch for one that does not open. */
    private Instant expiry(String sealed) {
        try {
            Date expiry = open(sealed).getExpirationTime();
            return expiry == null ? Instant.EPOCH : expiry.toInstant();
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    @Override
    public Mono<OAuth2AuthorizationRequest> loadAuthorizationRequest(ServerWebExchange exchange) {
        return Mono.fromSupplier(() -> load(exchange));
    }

    @Override
    public Mono<OAuth2AuthorizationRequest> removeAuthorizationRequest(ServerWebExchange exchange) {
        return loadAuthorizationRequest(exchange)
                .doOnNext(
                        request ->
                                exchange.getResponse()
                                        .addCookie(cookies.clearSignIn(request.getState())));
    }

    /** The request whose state the callback carries, if its cookie is there, intact and fresh. */
    private OAuth2AuthorizationRequest load(ServerWebExchange exchange) {
        String state = exchange.getRequest().getQueryParams().getFirst(OAuth2ParameterNames.STATE);
        if (state == null) {
            return null;
        }
        HttpCookie cookie = exchange.getRequest().getCookies().getFirst(cookies.signInName(state));
        if (cookie == null) {
            return null;
        }
        try {
            JWTClaimsSet claims = open(cookie.getValue());
            Date expiry = claims.getExpirationTime();
            if (expiry == null
                    || !expiry.toInstant().isAfter(clock.instant())
                    || !state.equals(claims.getStringClaim("state"))) {
                return null;
            }
            return OAuth2AuthorizationRequest.authorizationCode()
                    .authorizationUri(claims.getStringClaim("authorizationUri"))
                    .clientId(claims.getStringClaim("clientId"))
                    .redirectUri(claims.getStringClaim("redirectUri"))
                    .scopes(new LinkedHashSet<>(claims.getStringListClaim("scopes")))
                    .state(state)
                    .additionalParameters(claims.getJSONObjectClaim("parameters"))
                    .attributes(claims.getJSONObjectClaim("attributes"))
                    .build();
        } catch (ParseException | JOSEException | RuntimeException e) {
            // tampered, from another deployment, or not ours: the sign-in fails as unknown
            return null;
        }
    }

    private String seal(OAuth2AuthorizationRequest request) {
        var claims =
                new JWTClaimsSet.Builder()
                        .expirationTime(Date.from(clock.instant().plus(LIFETIME)))
                        .claim("state", request.getState())
                        .claim("authorizationUri", request.getAuthorizationUri())
                        .claim("clientId", request.getClientId())
                        .claim("redirectUri", request.getRedirectUri())
                        .claim("scopes", request.getScopes().stream().toList())
                        .claim("parameters", Map.copyOf(request.getAdditionalParameters()))
                        .claim("attributes", Map.copyOf(request.getAttributes()))
                        .build();
        var jwt =
                new EncryptedJWT(new JWEHeader(JWEAlgorithm.DIR, EncryptionMethod.A256GCM), claims);
        try {
            jwt.encrypt(encrypter);
        } catch (JOSEException e) {
            throw new IllegalStateException("could not encrypt a sign-in request", e);
        }
        return jwt.serialize();
    }

    private JWTClaimsSet open(String value) throws ParseException, JOSEException {
        EncryptedJWT jwt = EncryptedJWT.parse(value);
        if (!JWEAlgorithm.DIR.equals(jwt.getHeader().getAlgorithm())
                || !EncryptionMethod.A256GCM.equals(jwt.getHeader().getEncryptionMethod())) {
            throw new JOSEException("unexpected algorithm");
        }
        jwt.decrypt(decrypter);
        return jwt.getJWTClaimsSet();
    }
}
