package dev.rewind.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.rewind.RewindIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** API tokens as the resource server sees them: what verifies, and everything that must not. */
class ApiTokenIntegrationTests extends RewindIntegrationTest {
    @Autowired SigningKeys signingKeys;
    @Autowired DatabaseClient db;

    @Test
    void aMintedTokenRoundTrips() throws Exception {
        ApiTokens.MintedToken minted =
                apiTokens
                        .mint(List.of(ApiTokens.READ), Duration.ofMinutes(5), "round trip")
                        .block();

        assertAccepted(minted.token());
        JWTClaimsSet claims = SignedJWT.parse(minted.token()).getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("http://localhost:8080");
        assertThat(claims.getAudience()).containsExactly(ApiTokens.AUDIENCE);
        assertThat(claims.getStringClaim("scope")).isEqualTo("streams:read");
        assertThat(claims.getJWTID()).isEqualTo(minted.id());
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(minted.expiresAt());
        assertThat(SignedJWT.parse(minted.token()).getHeader().getAlgorithm())
                .isEqualTo(JWSAlgorithm.ES256);
    }

    @Test
    void aTokenSignedByARetiredKeyVerifiesUntilTheKeyRunsOut() throws Exception {
        ApiTokens.MintedToken before =
                apiTokens.mint(List.of(ApiTokens.READ), Duration.ofHours(1), null).block();
        String oldKid = SignedJWT.parse(before.token()).getHeader().getKeyID();

        signingKeys.rotate().block();
        ApiTokens.MintedToken after =
                apiTokens.mint(List.of(ApiTokens.READ), Duration.ofHours(1), null).block();
        String newKid = SignedJWT.parse(after.token()).getHeader().getKeyID();

        assertThat(newKid).isNotEqualTo(oldKid);
        assertAccepted(before.token());
        assertAccepted(after.token());
        assertThat(publishedKids()).contains(oldKid, newKid);

        db.sql(
                        "update signing_keys set verify_until = now() - interval '1 second' where"
                                + " kid = :kid")
                .bind("kid", oldKid)
                .then()
                .block();
        signingKeys.reload();

        assertRefused(before.token());
        assertAccepted(after.token());
        assertThat(publishedKids()).contains(newKid).doesNotContain(oldKid);
    }

    @Test
    void theJwksPublishesOnlyPublicHalves() throws Exception {
        apiTokens.mint(List.of(ApiTokens.READ), Duration.ofMinutes(1), null).block();

        String json =
                client.get()
                        .uri("/.well-known/jwks.json")
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectHeader()
                        .valueMatches(HttpHeaders.CACHE_CONTROL, "max-age=60")
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody();

        JWKSet set = JWKSet.parse(json);
        assertThat(set.getKeys())
                .isNotEmpty()
                .allSatisfy(key -> assertThat(key.isPrivate()).isFalse());
        assertThat(set.getKeys())
                .allSatisfy(key -> assertThat(key.getAlgorithm()).isEqualTo(JWSAlgorithm.ES256));
        assertThat(json).doesNotContain("\"d\"");
    }

    @Test
    void anExpiredTokenIsRefused() {
        Instant past = Instant.now().minusSeconds(600);
        assertRefused(
                signedByRewind(
                        claims().issueTime(Date.from(past))
                                .expirationTime(Date.from(past.plusSeconds(60)))));
    }

    @Test
    void anUnsignedTokenIsRefused() {
        assertRefused(new PlainJWT(claims().build()).serialize());
    }

    @Test
    void aTamperedPayloadIsRefused() {
        String token =
                apiTokens
                        .mint(List.of(ApiTokens.READ), Duration.ofMinutes(5), null)
                        .block()
                        .token();
        String[] parts = token.split("\\.");
        String payload =
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String forged = payload.replace("\"streams:read\"", "\"streams:read streams:write\"");
        assertThat(forged).isNotEqualTo(payload);
        String tampered =
                parts[0]
                        + "."
                        + Base64.getUrlEncoder()
                                .withoutPadding()
                                .encodeToString(forged.getBytes(StandardCharsets.UTF_8))
                        + "."
                        + parts[2];

        assertRefused(tampered);
    }

    @Test
    void aTokenFromAKeyRewindNeverHadIsRefused() throws Exception {
        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("unknown-kid").generate();
        assertRefused(sign(stranger, "unknown-kid", claims().build()));

        String realKid = SignedJWT.parse(writeToken()).getHeader().getKeyID();
        assertRefused(sign(stranger, realKid, claims().build()));
    }

    /** An unknown key id seen more than 5 s after the keys were read makes them be read again. */
    @Test
    void anUnknownKidLongAfterTheLastReadReloadsTheKeys() throws Exception {
        String valid = writeToken();
        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("late-unknown-kid").generate();
        signingKeys.reload();
        assertAccepted(valid);

        Thread.sleep(5_500);

        assertRefused(sign(stranger, "late-unknown-kid", claims().build()));
        assertAccepted(valid);
        signingKeys.reload();
        assertAccepted(valid);
    }

    @Test
    void anHmacTokenKeyedWithThePublicKeyIsRefused() throws Exception {
        String json =
                client.get()
                        .uri("/.well-known/jwks.json")
                        .exchange()
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody();
        byte[] publicKey =
                JWKSet.parse(json).getKeys().get(0).toJSONString().getBytes(StandardCharsets.UTF_8);
        var header =
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .keyID(JWKSet.parse(json).getKeys().get(0).getKeyID())
                        .build();
        var jwt = new SignedJWT(header, claims().build());
        jwt.sign(new MACSigner(publicKey));

        assertRefused(jwt.serialize());
    }

    @Test
    void tokensForAnotherAudienceOrIssuerAreRefused() {
        assertRefused(signedByRewind(claims().audience("rewind-viewer")));
        assertRefused(signedByRewind(claims().audience("some-stream")));
        assertRefused(signedByRewind(claims().issuer("https://other.example")));
    }

    @Test
    void tokensWithoutAnIdOrARecordAreRefused() {
        assertRefused(signedByRewind(claims().jwtID(null)));
        assertRefused(signedByRewind(claims().jwtID("never-recorded")));
    }

    @Test
    void aRevokedTokenIsRefused() {
        ApiTokens.MintedToken minted =
                apiTokens.mint(List.of(ApiTokens.READ), Duration.ofMinutes(5), null).block();
        assertAccepted(minted.token());

        assertThat(apiTokens.revoke(minted.id()).block()).isTrue();

        assertRefused(minted.token());
    }

    @Test
    void mintingChecksScopesAndLifetime() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> apiTokens.mint(List.of("admin"), Duration.ofHours(1), null).block())
                .hasMessageContaining("expected one or both of streams:read, streams:write");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () ->
                                apiTokens
                                        .mint(List.of(ApiTokens.READ), Duration.ofDays(366), null)
                                        .block())
                .hasMessageContaining("at most 365d");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> apiTokens.mint(List.of(ApiTokens.READ), Duration.ZERO, null).block())
                .hasMessageContaining("expected more than 0");
    }

    /** Claims that would be accepted if Rewind had signed and recorded them. */
    private JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer("http://localhost:8080")
                .audience(ApiTokens.AUDIENCE)
                .subject("api-token")
                .jwtID(recordedTokenId())
                .claim("scope", "streams:read")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)));
    }

    /** The id of a real, unrevoked token, so that only the property under test is wrong. */
    private String recordedTokenId() {
        return apiTokens.mint(List.of(ApiTokens.READ), Duration.ofMinutes(5), null).block().id();
    }

    private String signedByRewind(JWTClaimsSet.Builder claims) {
        return signingKeys.sign(claims.build()).block().serialized();
    }

    private static String sign(ECKey key, String kid, JWTClaimsSet claims) throws Exception {
        var jwt =
                new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private List<String> publishedKids() {
        String json =
                client.get()
                        .uri("/.well-known/jwks.json")
                        .exchange()
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody();
        return JsonPath.read(json, "$.keys[*].kid");
    }

    private WebTestClient.ResponseSpec list(String token) {
        return client.get()
                .uri("/api/streams?limit=1")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange();
    }

    private void assertAccepted(String token) {
        list(token).expectStatus().isOk();
    }

    private void assertRefused(String token) {
        list(token)
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
    }
}
