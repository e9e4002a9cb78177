package dev.rewind.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.config.RewindProperties;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ViewerCookiesTests {
    private static final Clock CLOCK =
            Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC);
    private static final ViewerTokens.Issued TOKEN =
            new ViewerTokens.Issued(
                    "header.claims.signature", Instant.parse("2026-12-04T10:10:00Z"));

    @Test
    void overHttpsTheCookiesAreSecureAndPrefixed() {
        var cookies = cookies("https://watch.example.com");
        String identity = cookies.identity(TOKEN).toString();
        assertThat(identity)
                .startsWith("__Host-rewind-identity=header.claims.signature")
                .contains("Path=/;")
                .contains("Max-Age=600")
                .contains("Secure")
                .contains("HttpOnly")
                .contains("SameSite=Lax")
                .doesNotContain("Domain");
        assertThat(cookies.grant("all-hands", TOKEN).toString())
                .startsWith("__Secure-rewind-grant=")
                .contains("Path=/live/all-hands/")
                .contains("Secure")
                .contains("HttpOnly");
    }

    @Test
    void onlyPlainHttpOnLocalhostGoesWithoutSecure() {
        for (String local : new String[] {"http://localhost:8080", "http://127.0.0.1:8080"}) {
            var cookies = cookies(local);
            assertThat(cookies.identity(TOKEN).toString())
                    .as(local)
                    .startsWith("rewind-identity=")
                    .doesNotContain("Secure");
        }
        assertThat(cookies("http://rewind.internal:8080").identity(TOKEN).toString())
                .startsWith("__Host-rewind-identity=")
                .contains("Secure");
    }

    @Test
    void clearingExpiresAtOnce() {
        var cookies = cookies("https://watch.example.com");
        assertThat(cookies.clearIdentity().toString()).contains("Max-Age=0");
        assertThat(cookies.clearGrant("s1").toString())
                .contains("Max-Age=0")
                .contains("Path=/live/s1/");
    }

    private static ViewerCookies cookies(String publicUrl) {
        return new ViewerCookies(
                new RewindProperties(URI.create(publicUrl), Path.of("data")), CLOCK);
    }
}
