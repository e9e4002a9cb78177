package dev.rewind.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.rewind.catalog.StreamRepository;
import dev.rewind.ingest.IngestServer;
import dev.rewind.ingest.MediaTools;
import dev.rewind.ingest.TestStream;
import dev.rewind.playback.HlsPlaylist;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Every kind of request a player makes under {@code /live/} (multivariant and media playlists, init
 * segment, segment) is refused without a valid grant or playback token, whatever is forged, and
 * served with one; against a broadcast published with ffmpeg.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "rewind.data-dir=target/playback-auth-it-data",
            "rewind.ingest.rtmp-port=0",
            "rewind.ingest.rtmps-port=0",
            "rewind.cors.allowed-origins=" + PlaybackAuthorizationIntegrationTests.PORTAL
        })
@AutoConfigureWebTestClient(timeout = "30s")
class PlaybackAuthorizationIntegrationTests {
    static final String PORTAL = "https://portal.example";
    private static Published published;

    @Autowired WebTestClient client;
    @LocalServerPort int port;
    @Autowired ApiTokens apiTokens;
    @Autowired ViewerAccess access;
    @Autowired StreamRepository streams;
    @Autowired ViewerCookies cookies;
    @Autowired SigningKeys keys;
    @Autowired IngestServer ingest;

    /** A stream with one ended broadcast, another stream, and the URLs a player fetches. */
    record Published(String streamId, String otherId, Map<String, String> urls) {}

    @BeforeEach
    void publishOnce() throws Exception {
        client =
                client.mutate()
                        .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 << 20))
                        .build();
        if (published != null) {
            return;
        }
        TestStream stream = TestStream.create(client, writeToken(), "authorized");
        TestStream other = TestStream.create(client, writeToken(), "other");
        Path source = MediaTools.sourceFlv(5);
        Process publisher =
                MediaTools.start(
                        MediaTools.DIRECTORY.resolve("playback-auth-publisher.log"),
                        "ffmpeg",
                        "-v",
                        "error",
                        "-re",
                        "-i",
                        source.toString(),
                        "-c",
                        "copy",
                        "-f",
                        "flv",
                        "rtmp://127.0.0.1:" + ingest.rtmpPort() + "/live/" + stream.key());
        assertThat(publisher.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String base = "/live/" + stream.id() + "/";
        String playbackToken = playbackToken(stream.id());
        HlsPlaylist ended =
                await().atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(250))
                        .until(
                                () -> {
                                    EntityExchangeResult<byte[]> result =
                                            fetch(base + "index.m3u8?token=" + playbackToken);
                                    return result.getStatus() == HttpStatus.OK
                                            ? HlsPlaylist.parse(
                                                    text(result)
                                                            .replaceAll("\\?token=[^\"\\n]*", ""))
                                            : null;
                                },
                                playlist -> playlist != null && playlist.endList());
        HlsPlaylist.Entry first = ended.segments().get(0);
        String broadcast = first.uri().substring(0, first.uri().indexOf('/'));
        var urls = new LinkedHashMap<String, String>();
        urls.put("multivariant playlist", base + "master.m3u8");
        urls.put("live playlist", base + "index.m3u8");
        urls.put("broadcast playlist", base + broadcast + "/index.m3u8");
        urls.put("init segment", base + first.map());
        urls.put("segment", base + first.uri());
        published = new Published(stream.id(), other.id(), urls);
    }

    @Test
    void withoutAValidCredentialNothingIsServed() throws Exception {
        String streamId = published.streamId();
        Instant now = Instant.now();
        String realKid =
                SignedJWT.parse(grant(streamId, now.plusSeconds(600))).getHeader().getKeyID();
        String publicJwk = keys.publicKeys().block().getKeys().get(0).toJSONString();
        ECKey foreignKey = new ECKeyGenerator(Curve.P_256).keyID(realKid).generate();
        ECKey unknownKey = new ECKeyGenerator(Curve.P_256).keyID("unknown-kid").generate();
        String valid = grant(streamId, now.plusSeconds(600));

        var forged = new LinkedHashMap<String, String>();
        forged.put("expired grant", grant(streamId, now.minusSeconds(60)));
        forged.put("grant for another stream", grant(published.otherId(), now.plusSeconds(600)));
        forged.put(
                "signed by another deployment's key",
                sign(grantClaims(streamId, now.plusSeconds(600)), foreignKey));
        forged.put("unknown kid", sign(grantClaims(streamId, now.plusSeconds(600)), unknownKey));
        forged.put(
                "alg none", new PlainJWT(grantClaims(streamId, now.plusSeconds(600))).serialize());
        forged.put(
                "HS256 with the public key",
                hmac(grantClaims(streamId, now.plusSeconds(600)), realKid, publicJwk));
        forged.put(
                "tampered claims",
                tamper(grant(published.otherId(), now.plusSeconds(600)), streamId));
        forged.put("identity token as grant", identityToken());
        forged.put("garbage", "not.a.jwt");

        for (var target : published.urls().entrySet()) {
            String url = target.getValue();
            expectRefused(target.getKey() + ", no credential", get(url, null, null), 401);
            for (String encoded : percentEncodedForms(url, streamId)) {
                expectRefused(
                        target.getKey() + ", no credential, as " + encoded,
                        client.get()
                                .uri(URI.create("http://localhost:" + port + encoded))
                                .exchange()
                                .expectBody(byte[].class)
                                .returnResult(),
                        encoded.contains(";") ? 404 : 401);
            }
            for (var bad : forged.entrySet()) {
                String what = target.getKey() + ", " + bad.getKey();
                expectRefused(what + " (cookie)", get(url, bad.getValue(), null), 401);
                expectRefused(
                        what + " (query)", get(url + "?token=" + bad.getValue(), null, null), 401);
            }
            assertThat(get(url, valid, null).getStatus())
                    .as(target.getKey() + ", grant")
                    .isEqualTo(HttpStatus.OK);
            assertThat(get(url + "?token=" + playbackToken(streamId), null, null).getStatus())
                    .as(target.getKey() + ", playback token")
                    .isEqualTo(HttpStatus.OK);
            assertThat(get(url, null, "Bearer " + playbackToken(streamId)).getStatus())
                    .as(target.getKey() + ", playback token as bearer")
                    .isEqualTo(HttpStatus.OK);
        }
    }

    @Test
    void revokingAccessRefusesEveryGrantAndTokenIssuedBefore() {
        TestStream stream = TestStream.create(client, writeToken(), "revoked");
        String url = "/live/" + stream.id() + "/index.m3u8";
        String grant = grant(stream.id(), Instant.now().plusSeconds(600));
        String token = playbackToken(stream.id());
        // no media yet: passing authorization is a 404, refusal a 401
        assertThat(get(url, grant, null).getStatus()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(get(url + "?token=" + token, null, null).getStatus())
                .isEqualTo(HttpStatus.NOT_FOUND);

        client.post()
                .uri("/api/streams/{id}/revoke-access", stream.id())
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + writeToken())
                .exchange()
                .expectStatus()
                .isNoContent();

        expectRefused("revoked grant", get(url, grant, null), 401);
        expectRefused("revoked playback token", get(url + "?token=" + token, null, null), 401);
        assertThat(get(url + "?token=" + playbackToken(stream.id()), null, null).getStatus())
                .as("a token minted after the revocation")
                .isEqualTo(HttpStatus.NOT_FOUND);
        client.post()
                .uri("/api/streams/{id}/revoke-access", "no-such-stream")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + writeToken())
                .exchange()
                .expectStatus()
                .isNotFound();
        String minted = playbackToken(stream.id());
        recreate(stream.id());
        for (String old : List.of(token, minted)) {
            expectRefused(
                    "a token of a stream deleted and created again under its id",
                    get(url + "?token=" + old, null, null),
                    401);
        }
        client.post()
                .uri("/api/streams/{id}/revoke-access", "Bad_Id")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + writeToken())
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void aPlaylistFetchedWithATokenCarriesItIntoEveryUriAndEachOneWorksAsWritten() {
        String token = playbackToken(published.streamId());
        String master = "/live/" + published.streamId() + "/master.m3u8?token=" + token;
        List<String> fetched = new java.util.ArrayList<>();
        List<String> pending = new java.util.ArrayList<>(List.of(master));
        while (!pending.isEmpty()) {
            String url = pending.remove(0);
            fetched.add(url);
            EntityExchangeResult<byte[]> result = get(url, null, null);
            assertThat(result.getStatus()).as(url).isEqualTo(HttpStatus.OK);
            if (!url.contains(".m3u8")) {
                continue;
            }
            assertThat(result.getResponseHeaders().getCacheControl()).as(url).contains("private");
            for (String uri : uris(text(result))) {
                assertThat(uri).as("a URI in " + url).endsWith("?token=" + token);
                pending.add(URI.create(url).resolve(uri).toString());
            }
        }
        assertThat(fetched).as("playlists, init segment and segments").hasSizeGreaterThan(3);
    }

    @Test
    void corsPreflightNeedsNoCredentialAndAnswersEchoTheAllowedOrigin() {
        String url = published.urls().get("segment");
        client.options()
                .uri(url)
                .header(HttpHeaders.ORIGIN, PORTAL)
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "GET")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "range, authorization")
                .exchange()
                .expectStatus()
                .isNoContent()
                .expectHeader()
                .valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, PORTAL)
                .expectHeader()
                .valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true")
                .expectHeader()
                .value(
                        HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS,
                        h ->
                                assertThat(h.toLowerCase())
                                        .contains("range")
                                        .contains("authorization"))
                .expectHeader()
                .value(HttpHeaders.VARY, vary -> assertThat(vary).contains("Origin"));
        client.options()
                .uri(url)
                .header(HttpHeaders.ORIGIN, "https://evil.example")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "GET")
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectHeader()
                .doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void corsAnswersToOtherOriginsNameTheAllowedOneOrRefuse() {
        String url = published.urls().get("segment");
        String grant = grant(published.streamId(), Instant.now().plusSeconds(600));
        client.get()
                .uri(url)
                .header(HttpHeaders.ORIGIN, "https://evil.example")
                .cookie(cookies.grantName(), grant)
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        client.get()
                .uri(url)
                .header(HttpHeaders.ORIGIN, PORTAL)
                .cookie(cookies.grantName(), grant)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, PORTAL)
                .expectHeader()
                .valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true")
                .expectHeader()
                .value(HttpHeaders.VARY, vary -> assertThat(vary).contains("Origin"));
        client.get()
                .uri(url)
                .header(HttpHeaders.ORIGIN, PORTAL)
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, PORTAL)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void playbackTokensAreMintedWithinLimitsForExistingStreamsOnly() {
        Map<?, ?> minted =
                mintPlaybackToken(
                                published.streamId(),
                                writeToken(),
                                Map.of("ttlSeconds", 120, "viewerId", "employee-4711"))
                        .expectStatus()
                        .isOk()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody();
        Instant expiresAt = Instant.parse((String) minted.get("expiresAt"));
        assertThat(expiresAt)
                .isBetween(Instant.now().plusSeconds(100), Instant.now().plusSeconds(125));
        String segment = published.urls().get("segment") + "?token=" + minted.get("token");
        assertThat(get(segment, null, null).getStatus()).isEqualTo(HttpStatus.OK);

        for (Map<String, Object> bad :
                List.<Map<String, Object>>of(
                        Map.of("ttlSeconds", 0),
                        Map.of("ttlSeconds", 86_401),
                        Map.of("viewerId", "someone@example.com"),
                        Map.of("viewerId", "a\u0000b"))) {
            mintPlaybackToken(published.streamId(), writeToken(), bad)
                    .expectStatus()
                    .isBadRequest()
                    .expectHeader()
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
        mintPlaybackToken("no-such-stream", writeToken(), Map.of()).expectStatus().isNotFound();
        mintPlaybackToken("Bad_Id", writeToken(), Map.of()).expectStatus().isBadRequest();
        String readOnly =
                apiTokens
                        .mint(List.of(ApiTokens.READ), Duration.ofMinutes(5), "test")
                        .block()
                        .token();
        mintPlaybackToken(published.streamId(), readOnly, Map.of()).expectStatus().isForbidden();
    }

    private WebTestClient.ResponseSpec mintPlaybackToken(
            String streamId, String apiToken, Map<String, Object> body) {
        return client.post()
                .uri("/api/streams/{id}/playback-tokens", streamId)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + apiToken)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    /**
     * The same path with parts percent-encoded, which the router decodes to the same handler: the
     * authorization must see them as the router does. A path parameter names nothing (404).
     */
    private static List<String> percentEncodedForms(String url, String streamId) {
        String rest = url.substring(("/live/" + streamId).length());
        String id =
                "%" + Integer.toHexString(streamId.charAt(0)).toUpperCase() + streamId.substring(1);
        return List.of(
                "/%6Cive/" + streamId + rest,
                "/l%69v%65/" + streamId + rest,
                "/live/" + id + rest,
                "/live;x=1/" + streamId + rest);
    }

    /** Deletes a stream and creates one under the same id, whose own tokens work. */
    private void recreate(String streamId) {
        client.delete()
                .uri("/api/streams/{id}", streamId)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + writeToken())
                .exchange()
                .expectStatus()
                .is2xxSuccessful();
        client.post()
                .uri("/api/streams")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + writeToken())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("title", "again", "id", streamId))
                .exchange()
                .expectStatus()
                .isCreated();
        String url = "/live/" + streamId + "/index.m3u8";
        assertThat(get(url + "?token=" + playbackToken(streamId), null, null).getStatus())
                .as("a token of the new stream")
                .isEqualTo(HttpStatus.NOT_FOUND);
    }

    private void expectRefused(String what, EntityExchangeResult<byte[]> result, int status) {
        assertThat(result.getStatus().value()).as(what).isEqualTo(status);
        assertThat(result.getResponseHeaders().getContentType())
                .as(what)
                .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(result.getResponseHeaders().getLocation()).as(what + ": no redirect").isNull();
    }

    private EntityExchangeResult<byte[]> get(String url, String grantCookie, String authorization) {
        WebTestClient.RequestHeadersSpec<?> request = client.method(HttpMethod.GET).uri(url);
        if (grantCookie != null) {
            request = request.cookie(cookies.grantName(), grantCookie);
        }
        if (authorization != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        return request.exchange().expectBody(byte[].class).returnResult();
    }

    private EntityExchangeResult<byte[]> fetch(String url) {
        return get(url, null, null);
    }

    private static String text(EntityExchangeResult<byte[]> result) {
        return new String(result.getResponseBody(), StandardCharsets.UTF_8);
    }

    /** The URIs a playlist lists: URI lines and URI attributes. */
    private static List<String> uris(String playlist) {
        List<String> uris = new java.util.ArrayList<>();
        for (String line : playlist.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                uris.add(line.trim());
            }
            var matcher = java.util.regex.Pattern.compile("URI=\"([^\"]+)\"").matcher(line);
            while (matcher.find()) {
                uris.add(matcher.group(1));
            }
        }
        return uris;
    }

    private JWTClaimsSet grantClaims(String streamId, Instant expiresAt) {
        return new JWTClaimsSet.Builder()
                .issuer(apiTokens.issuer())
                .audience(streamId)
                .subject("viewer")
                .claim("use", "grant")
                .claim("av", streams.findAccess(streamId).block().accessVersion())
                .issueTime(Date.from(expiresAt.minusSeconds(600)))
                .expirationTime(Date.from(expiresAt))
                .build();
    }

    private String grant(String streamId, Instant expiresAt) {
        return keys.sign(grantClaims(streamId, expiresAt)).block().serialized();
    }

    private String identityToken() {
        return keys.sign(
                        new JWTClaimsSet.Builder()
                                .issuer(apiTokens.issuer())
                                .audience(ViewerTokens.IDENTITY_AUDIENCE)
                                .subject("viewer")
                                .claim("use", "identity")
                                .claim("email", "viewer@example.com")
                                .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                                .build())
                .block()
                .serialized();
    }

    private static String sign(JWTClaimsSet claims, ECKey key) throws Exception {
        var jwt =
                new SignedJWT(
                        new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                        claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private static String hmac(JWTClaimsSet claims, String kid, String secret) throws Exception {
        var jwt =
                new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    /** A valid token whose audience is rewritten to another stream, signature kept. */
    private static String tamper(String token, String audience) {
        String[] parts = token.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String changed = claims.replaceAll("\"aud\":\"[^\"]+\"", "\"aud\":\"" + audience + "\"");
        assertThat(changed).isNotEqualTo(claims);
        return parts[0]
                + "."
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(changed.getBytes(StandardCharsets.UTF_8))
                + "."
                + parts[2];
    }

    private String playbackToken(String streamId) {
        return access.playbackToken(streamId, null, Duration.ofHours(1)).block().token();
    }

    private String writeToken() {
        return apiTokens
                .mint(List.of(ApiTokens.READ, ApiTokens.WRITE), Duration.ofHours(1), "test")
                .block()
                .token();
    }
}
