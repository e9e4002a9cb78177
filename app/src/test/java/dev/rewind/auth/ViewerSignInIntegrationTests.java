package dev.rewind.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.RewindIntegrationTest;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Viewer sign-in through the embedded OpenID Connect provider, driven over HTTP as a browser drives
 * it: redirects, the provider's login form, the callback, then the player page and its grant.
 * Rewind stores nothing about the viewer.
 */
@ExtendWith(OutputCaptureExtension.class)
class ViewerSignInIntegrationTests extends RewindIntegrationTest {
    private static final Pattern FORM = Pattern.compile("<form[^>]*method=\"post\"");

    @LocalServerPort int port;
    @Autowired DatabaseClient db;
    @Autowired ViewerCookies cookies;

    @Test
    void signingInSetsTheIdentityCookieTheGrantAndStoresNothingAboutTheViewer() throws Exception {
        String streamId = stream(List.of("Alice@Example.com"), List.of());
        String before = catalogFingerprint();

        var browser = new Browser();
        HttpResponse<String> page = signIn(browser, "/v/" + streamId, "alice@example.com", true);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.uri().getPath()).isEqualTo("/v/" + streamId);
        assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(page.body()).contains("alice@example.com").contains("/live/" + streamId + "/");
        var script = Pattern.compile("src=\"(/player/assets/[^\"]+\\.js)\"").matcher(page.body());
        assertThat(script.find()).as("the player's script").isTrue();
        HttpResponse<String> asset = browser.get(url(script.group(1)));
        assertThat(asset.statusCode()).isEqualTo(200);
        assertThat(asset.headers().firstValue("Content-Type").orElseThrow()).contains("javascript");
        assertThat(asset.headers().firstValue("Cache-Control").orElseThrow())
                .contains("max-age=31536000")
                .contains("immutable");

        Browser.Cookie identity = browser.cookie(cookies.identityName());
        assertThat(identity).isNotNull();
        assertThat(identity.header())
                .contains("Path=/")
                .containsIgnoringCase("HttpOnly")
                .contains("SameSite=Lax")
                .doesNotContainIgnoringCase("Secure"); // http://localhost only
        assertThat(maxAge(identity)).isBetween(1L, Duration.ofHours(8).toSeconds());
        Browser.Cookie grant = browser.cookie(cookies.grantName());
        assertThat(grant.path()).isEqualTo("/live/" + streamId + "/");
        assertThat(grant.header()).containsIgnoringCase("HttpOnly").contains("SameSite=Lax");
        assertThat(maxAge(grant)).isBetween(1L, Duration.ofMinutes(10).toSeconds());

        // the authorization request used PKCE and a nonce
        String authorize =
                browser.responses.stream()
                        .filter(Browser::isRedirect)
                        .map(Browser::location)
                        .filter(location -> location.contains("/authorize"))
                        .findFirst()
                        .orElseThrow();
        assertThat(authorize)
                .contains("code_challenge=")
                .contains("code_challenge_method=S256")
                .contains("nonce=")
                .contains("scope=openid%20email%20profile");

        assertThat(catalogFingerprint()).as("the catalog after sign-in").isEqualTo(before);
    }

    @Test
    void thePolicyAdmitsListedAddressesAndDomainsAndNobodyElse() throws Exception {
        String streamId = stream(List.of("ceo@example.com"), List.of("corp.example"));
        assertThat(signIn(new Browser(), "/v/" + streamId, "CEO@example.com", true).statusCode())
                .as("listed address, other case")
                .isEqualTo(200);
        assertThat(signIn(new Browser(), "/v/" + streamId, "bob@corp.example", true).statusCode())
                .as("listed domain")
                .isEqualTo(200);
        var eve = new Browser();
        HttpResponse<String> other = signIn(eve, "/v/" + streamId, "eve@other.example", true);
        assertThat(other.statusCode()).as("other domain").isEqualTo(403);
        assertThat(other.body()).contains("eve@other.example").contains("/sign-out");
        HttpResponse<String> media = eve.get(url("/live/" + streamId + "/index.m3u8"));
        assertThat(media.statusCode())
                .as("media for a signed-in viewer not allowed")
                .isEqualTo(403);
        assertThat(media.headers().firstValue("Content-Type"))
                .hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(
                        signIn(new Browser(), "/v/" + streamId, "bob@sub.corp.example", true)
                                .statusCode())
                .as("subdomain of a listed domain")
                .isEqualTo(403);

        String nobody = stream(List.of(), List.of());
        assertThat(signIn(new Browser(), "/v/" + nobody, "ceo@example.com", true).statusCode())
                .as("empty policy")
                .isEqualTo(403);

        var unverified = new Browser();
        HttpResponse<String> refused =
                signIn(unverified, "/v/" + streamId, "ceo@example.com", false);
        assertThat(refused.statusCode()).as("unverified e-mail").isEqualTo(401);
        assertThat(refused.body()).contains("Sign-in failed");
        assertThat(unverified.cookie(cookies.identityName())).isNull();

        assertThat(signIn(new Browser(), "/v/no-such-stream", "ceo@example.com", true).statusCode())
                .isEqualTo(404);
    }

    @Test
    void theGrantIsRefreshedFromRewindsOwnPagesWhileThePolicyAllows() throws Exception {
        String streamId = stream(List.of("ann@example.com"), List.of());
        var browser = new Browser();
        assertThat(signIn(browser, "/v/" + streamId, "ann@example.com", true).statusCode())
                .isEqualTo(200);
        String grantUrl = url("/v/" + streamId + "/grant");
        String own = "http://localhost:" + port;

        String live = url("/live/" + streamId + "/index.m3u8");
        assertThat(browser.get(live).statusCode())
                .as("with the grant: no media yet")
                .isEqualTo(404);
        browser.forget(cookies.grantName());
        assertThat(browser.get(live).statusCode())
                .as("signed in and allowed, but without a grant")
                .isEqualTo(401);

        HttpResponse<String> refreshed = browser.post(grantUrl, own);
        assertThat(refreshed.statusCode()).isEqualTo(200);
        assertThat(refreshed.body()).contains("expiresAt");
        assertThat(refreshed.headers().allValues("Set-Cookie"))
                .anyMatch(c -> c.startsWith(cookies.grantName() + "="));

        assertThat(browser.post(grantUrl, null).statusCode()).as("no Origin").isEqualTo(403);
        assertThat(browser.post(grantUrl, "https://evil.example").statusCode())
                .as("another origin")
                .isEqualTo(403);
        assertThat(new Browser().post(grantUrl, own).statusCode())
                .as("not signed in")
                .isEqualTo(401);

        setViewers(streamId, List.of("someone@example.com"));
        HttpResponse<String> denied = browser.post(grantUrl, own);
        assertThat(denied.statusCode()).as("after the policy changed").isEqualTo(403);
        assertThat(denied.headers().firstValue("Content-Type"))
                .hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void signingOutClearsTheIdentity() throws Exception {
        String streamId = stream(List.of("sam@example.com"), List.of());
        var browser = new Browser();
        signIn(browser, "/v/" + streamId, "sam@example.com", true);
        String own = "http://localhost:" + port;

        assertThat(browser.post(url("/sign-out"), "https://evil.example").statusCode())
                .isEqualTo(403);
        assertThat(browser.get(url("/live/" + streamId + "/index.m3u8")).statusCode())
                .as("signed in: the grant is accepted (no media yet)")
                .isEqualTo(404);
        assertThat(browser.send(signOutForm(streamId, "cross-site")).statusCode())
                .as("Origin: null from another site")
                .isEqualTo(403);
        // the player page's form names its stream, whose grant ends too; with the page's
        // Referrer-Policy: no-referrer, browsers send it with Origin: null
        HttpResponse<String> out = browser.send(signOutForm(streamId, "same-origin"));
        assertThat(out.statusCode()).isEqualTo(200);
        Browser.Cookie cleared = browser.cookie(cookies.identityName());
        assertThat(cleared.value()).isEmpty();
        assertThat(cleared.header()).contains("Max-Age=0");
        Browser.Cookie grant = browser.cookie(cookies.grantName());
        assertThat(grant.value()).isEmpty();
        assertThat(grant.path()).isEqualTo("/live/" + streamId + "/");
        assertThat(browser.get(url("/live/" + streamId + "/index.m3u8")).statusCode())
                .isEqualTo(401);
        assertThat(browser.post(url("/sign-out"), own).statusCode()).isEqualTo(200);

        HttpResponse<String> again = browser.get(url("/v/" + streamId));
        assertThat(again.statusCode()).as("signed out: back to sign-in").isEqualTo(302);
        assertThat(Browser.location(again)).contains("/oauth2/authorization/");
    }

    @Test
    void aForgedIdentityCookieIsNotAViewer() throws Exception {
        String streamId = stream(List.of("ann@example.com"), List.of());
        var browser = new Browser();
        signIn(browser, "/v/" + streamId, "ann@example.com", true);
        String token = browser.cookie(cookies.identityName()).value();
        String[] parts = token.split("\\.");
        String forgedPayload =
                java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(
                                new String(
                                                java.util.Base64.getUrlDecoder().decode(parts[1]),
                                                java.nio.charset.StandardCharsets.UTF_8)
                                        .replace("ann@example.com", "ceo@example.com")
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        var forged = new Browser();
        HttpResponse<String> response =
                forged.send(
                        java.net.http.HttpRequest.newBuilder(URI.create(url("/v/" + streamId)))
                                .header(
                                        "Cookie",
                                        cookies.identityName()
                                                + "="
                                                + parts[0]
                                                + "."
                                                + forgedPayload
                                                + "."
                                                + parts[2]));
        assertThat(response.statusCode()).isEqualTo(302);
    }

    @Test
    void aSignInInProgressIsKeptInItsOwnEncryptedCookieAndNoServerSession() throws Exception {
        String first = stream(List.of("tabs@example.com"), List.of());
        String second = stream(List.of("tabs@example.com"), List.of());
        var browser = new Browser();
        HttpResponse<String> loginFirst = browser.open(url("/v/" + first));
        HttpResponse<String> loginSecond = browser.open(url("/v/" + second));

        List<String> signIns =
                browser.setCookieHeaders().stream()
                        .filter(header -> header.startsWith("rewind-sign-in-"))
                        .toList();
        assertThat(signIns)
                .hasSize(2)
                .allSatisfy(
                        header ->
                                assertThat(header)
                                        .contains("Path=/login/oauth2/;")
                                        .containsIgnoringCase("HttpOnly")
                                        .contains("SameSite=Lax")
                                        .contains("Max-Age=600")
                                        .doesNotContain("tabs@example.com"));

        // both tabs finish signing in, the later one first
        HttpResponse<String> callbackSecond = submitLogin(browser, loginSecond, "tabs@example.com");
        HttpResponse<String> callbackFirst = submitLogin(browser, loginFirst, "tabs@example.com");
        assertThat(List.of(callbackSecond, callbackFirst))
                .allSatisfy(
                        callback -> {
                            assertThat(callback.statusCode()).isEqualTo(302);
                            assertThat(Browser.location(callback)).doesNotContain("error");
                        });
        assertThat(browser.open(url("/v/" + first)).statusCode()).isEqualTo(200);
        assertThat(browser.setCookieHeaders()).noneMatch(header -> header.startsWith("SESSION"));

        // the provider's answer is worthless in a browser that did not start the sign-in
        var other = new Browser();
        HttpResponse<String> login = other.open(url("/v/" + first));
        String callback =
                login.uri()
                        .resolve(
                                Browser.location(
                                        other.postForm(
                                                login.uri().toString(),
                                                form("tabs@example.com", "tabs@example.com"))))
                        .toString();
        HttpResponse<String> elsewhere = new Browser().get(callback);
        assertThat(elsewhere.statusCode()).isEqualTo(401);
        assertThat(elsewhere.body()).contains("Sign-in failed");
    }

    @Test
    void startingToSignInOverAndOverKeepsTheNewestFewAndTheLastOneCompletes() throws Exception {
        String streamId = stream(List.of("again@example.com"), List.of());
        var browser = new Browser();
        HttpResponse<String> login = null;
        for (int i = 0; i < 8; i++) {
            login = browser.open(url("/v/" + streamId));
        }

        assertThat(browser.held())
                .filteredOn(cookie -> cookie.name().startsWith("rewind-sign-in-"))
                .hasSize(SignInRequestCookies.MAX_PENDING);
        HttpResponse<String> callback = submitLogin(browser, login, "again@example.com");
        assertThat(callback.statusCode()).isEqualTo(302);
        assertThat(browser.open(url("/v/" + streamId)).statusCode()).isEqualTo(200);
    }

    @Test
    void identitiesThatCannotBeKeptInACookieAreRefusedAtSignIn() throws Exception {
        String streamId = stream(List.of(), List.of("example.com"));
        String longEmail = "a".repeat(250) + "@example.com";
        for (Map<String, String> form :
                List.of(form("", "nobody@example.com"), form(longEmail, longEmail))) {
            var browser = new Browser();
            HttpResponse<String> login = browser.open(url("/v/" + streamId));
            HttpResponse<String> submitted = browser.postForm(login.uri().toString(), form);
            HttpResponse<String> callback =
                    browser.get(submitted.uri().resolve(Browser.location(submitted)).toString());
            assertThat(callback.statusCode()).as(form.get("username")).isEqualTo(401);
            assertThat(callback.body()).contains("Sign-in failed");
            assertThat(browser.cookie(cookies.identityName())).isNull();
        }
    }

    @Test
    void whatAProviderSaysAboutAFailedSignInReachesTheLogMasked(CapturedOutput output)
            throws Exception {
        String streamId = stream(List.of("x@example.com"), List.of());
        var browser = new Browser();

        HttpResponse<String> denied =
                callback(
                        browser,
                        streamId,
                        "error=access_denied&error_description=victim%40example.com%0A2026-01-01"
                                + "%20INFO%20forged");
        HttpResponse<String> described =
                callback(
                        browser,
                        streamId,
                        "error=invalid_id_token&error_description=%E2%80%A82026-01-02%20ERROR%20x"
                                + "%20erin%2540example.com%20carol%EF%BC%A0example.com");
        HttpResponse<String> empty = callback(browser, streamId, "error=%20");

        assertThat(List.of(denied, described, empty))
                .allSatisfy(
                        failed -> {
                            assertThat(failed.statusCode()).isEqualTo(401);
                            assertThat(failed.body()).contains("Sign-in failed");
                        });
        assertThat(output.getAll())
                .contains("A viewer's sign-in failed: access_denied")
                .contains("A viewer's sign-in failed: invalid_request")
                .doesNotContain("victim@example.com")
                .doesNotContain("\n2026-01-01 INFO forged")
                .doesNotContain("\u20282026-01-02")
                .doesNotContain("erin%40example.com")
                .doesNotContain("example.com carol");
    }

    /** Starts signing in, then comes back as the provider would, with this query and the state. */
    private HttpResponse<String> callback(Browser browser, String streamId, String query)
            throws Exception {
        String state = startSignIn(browser, streamId);
        return browser.get(url("/login/oauth2/code/embedded?" + query + "&state=" + state));
    }

    /** Starts signing in to a stream's page; the state the provider must send back. */
    private String startSignIn(Browser browser, String streamId) throws Exception {
        HttpResponse<String> redirect = browser.get(url("/v/" + streamId));
        HttpResponse<String> authorize =
                browser.get(redirect.uri().resolve(Browser.location(redirect)).toString());
        return UriComponentsBuilder.fromUriString(Browser.location(authorize))
                .build()
                .getQueryParams()
                .getFirst("state");
    }

    /** The page's sign-out form as a browser posts it from a no-referrer page. */
    private java.net.http.HttpRequest.Builder signOutForm(String streamId, String fetchSite) {
        return java.net.http.HttpRequest.newBuilder(URI.create(url("/sign-out")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", "null")
                .header("Sec-Fetch-Site", fetchSite)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("stream=" + streamId));
    }

    /** Submits the provider's login form; answers the callback, not followed. */
    private static HttpResponse<String> submitLogin(
            Browser browser, HttpResponse<String> login, String email) throws Exception {
        HttpResponse<String> submitted =
                browser.postForm(login.uri().toString(), form(email, email));
        return browser.get(submitted.uri().resolve(Browser.location(submitted)).toString());
    }

    private static Map<String, String> form(String username, String email) {
        return Map.of(
                "username",
                username,
                "claims",
                "{\"email\": \"" + email + "\", \"email_verified\": true}");
    }

    /**
     * Opens a page as a browser that is not signed in: Rewind sends it to the provider, the viewer
     * submits the provider's login form, and the callback leads back to the page.
     */
    private HttpResponse<String> signIn(
            Browser browser, String path, String email, boolean emailVerified) throws Exception {
        HttpResponse<String> login = browser.open(url(path));
        assertThat(login.statusCode()).as("the provider's login page").isEqualTo(200);
        assertThat(login.uri().getPath()).endsWith("/authorize");
        assertThat(FORM.matcher(login.body()).find()).as(login.body()).isTrue();
        String claims = "{\"email\": \"" + email + "\", \"email_verified\": " + emailVerified + "}";
        HttpResponse<String> submitted =
                browser.postForm(
                        login.uri().toString(), Map.of("username", email, "claims", claims));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(302);
        return browser.open(submitted.uri().resolve(Browser.location(submitted)).toString());
    }

    private String stream(List<String> emails, List<String> domains) {
        @SuppressWarnings("unchecked")
        Map<String, Object> created =
                client.post()
                        .uri("/api/streams")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + writeToken())
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(
                                Map.of(
                                        "title",
                                        "sign-in",
                                        "viewers",
                                        Map.of("emails", emails, "domains", domains)))
                        .exchange()
                        .expectStatus()
                        .isCreated()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody();
        return (String) created.get("id");
    }

    private void setViewers(String streamId, List<String> emails) {
        client.patch()
                .uri("/api/streams/{id}", streamId)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + writeToken())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("viewers", Map.of("emails", emails)))
                .exchange()
                .expectStatus()
                .isOk();
    }

    /** Every catalog table's rows, hashed: equal fingerprints mean nothing was written. */
    private String catalogFingerprint() {
        List<String> tables =
                db.sql(
                                """
                                select table_name from information_schema.tables
                                where table_schema = 'public' and table_type = 'BASE TABLE'
                                order by table_name
                                """)
                        .map(row -> row.get(0, String.class))
                        .all()
                        .collectList()
                        .block();
        var fingerprint = new StringBuilder();
        for (String table : tables) {
            String hash =
                    db.sql(
                                    "select coalesce(md5(string_agg(t::text, '|' order by"
                                            + " t::text)), '') from \""
                                            + table
                                            + "\" t")
                            .map(row -> row.get(0, String.class))
                            .one()
                            .block();
            fingerprint.append(table).append('=').append(hash).append('\n');
        }
        return fingerprint.toString();
    }

    private static long maxAge(Browser.Cookie cookie) {
        Matcher matcher = Pattern.compile("Max-Age=(\\d+)").matcher(cookie.header());
        assertThat(matcher.find()).as(cookie.header()).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }
}
