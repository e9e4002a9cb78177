package dev.rewind.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Sign-in with Webex's configuration against a simulated Webex: a second OpenID Connect provider at
 * Webex's endpoints, whose ID tokens name an issuer that differs from its discovery document, as
 * Webex's cluster issuers do. Only issuers in {@code rewind.auth.webex.issuers} are accepted.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "rewind.data-dir=target/webex-it-data",
            "rewind.ingest.rtmp-port=0",
            "rewind.ingest.rtmps-port=0",
            "rewind.packaging.enabled=false",
            "rewind.webex.client-id=rewind-integration",
            "rewind.webex.client-secret=not-a-real-secret",
            "rewind.auth.webex.issuers=" + WebexSignInIntegrationTests.CLUSTER_ISSUER
        })
@AutoConfigureWebTestClient(timeout = "30s")
class WebexSignInIntegrationTests {
    static final String CLUSTER_ISSUER = "https://idbroker-test.webex.example/idb";
    private static final String PATH = "v1";
    private static final MockOAuth2Server WEBEX = startWebex();

    @LocalServerPort int port;
    @Autowired WebTestClient client;
    @Autowired ApiTokens apiTokens;
    @Autowired ViewerCookies cookies;

    @DynamicPropertySource
    static void webexEndpoints(DynamicPropertyRegistry registry) {
        registry.add(
                "rewind.auth.webex.authorization-uri",
                () -> WEBEX.authorizationEndpointUrl(PATH).toString());
        registry.add("rewind.auth.webex.token-uri", () -> WEBEX.tokenEndpointUrl(PATH).toString());
        registry.add("rewind.auth.webex.jwk-set-uri", () -> WEBEX.jwksUrl(PATH).toString());
    }

    @AfterAll
    static void stopWebex() {
        WEBEX.shutdown();
    }

    @Test
    void anIdTokenFromAnAllowedClusterIssuerSignsTheViewerIn() throws Exception {
        String streamId = stream("pat@example.com");
        var browser = new Browser();
        HttpResponse<String> page = signIn(browser, streamId, CLUSTER_ISSUER, "pat@example.com");
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.uri().getPath()).isEqualTo("/v/" + streamId);
        assertThat(browser.cookie(cookies.identityName())).isNotNull();
        String authorize =
                browser.responses.stream()
                        .filter(Browser::isRedirect)
                        .map(Browser::location)
                        .filter(location -> location.contains("/" + PATH + "/authorize"))
                        .findFirst()
                        .orElseThrow();
        assertThat(authorize)
                .contains("client_id=rewind-integration")
                .contains("code_challenge_method=S256")
                .contains("nonce=");
    }

    @Test
    void anIdTokenFromAnyOtherIssuerIsRefused() throws Exception {
        String streamId = stream("pat@example.com");
        for (String issuer :
                List.of(
                        "https://idbroker.evil.example/idb",
                        // the simulated Webex's own issuer, as its discovery document names it
                        WEBEX.issuerUrl(PATH).toString())) {
            var browser = new Browser();
            HttpResponse<String> page = signIn(browser, streamId, issuer, "pat@example.com");
            assertThat(page.statusCode()).as(issuer).isEqualTo(401);
            assertThat(page.body()).contains("Sign-in failed");
            assertThat(browser.cookie(cookies.identityName())).as(issuer).isNull();
        }
    }

    /** Opens the page; the simulated Webex signs the viewer in without a form, as Webex SSO can. */
    private HttpResponse<String> signIn(
            Browser browser, String streamId, String issuer, String email) throws Exception {
        WEBEX.enqueueCallback(
                new DefaultOAuth2TokenCallback(
                        PATH,
                        "webex-user-" + email.hashCode(),
                        "JWT",
                        null,
                        Map.of("iss", issuer, "email", email, "email_verified", true),
                        3600));
        return browser.open("http://localhost:" + port + "/v/" + streamId);
    }

    private String stream(String email) {
        String token =
                apiTokens
                        .mint(List.of(ApiTokens.WRITE), Duration.ofMinutes(5), "test")
                        .block()
                        .token();
        @SuppressWarnings("unchecked")
        Map<String, Object> created =
                client.post()
                        .uri("/api/streams")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(
                                Map.of(
                                        "title",
                                        "webex",
                                        "viewers",
                                        Map.of("emails", List.of(email))))
                        .exchange()
                        .expectStatus()
                        .isCreated()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody();
        return (String) created.get("id");
    }

    private static MockOAuth2Server startWebex() {
        var server = new MockOAuth2Server();
        server.start();
        return server;
    }
}
